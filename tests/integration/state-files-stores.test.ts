import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserStore } from '../../appliance/accounts/user-store.js';
import { createCentralServer } from '../../appliance/central/server.js';
import { buildNewDocumentPackage } from '../../appliance/edxml/index.js';
import { EventBus } from '../../appliance/events.js';
import { emptyFields, type DocumentFields } from '../../appliance/extract/fields.js';
import { silentLogger } from '../../appliance/log.js';
import { Outbox } from '../../appliance/outbox/outbox.js';
import { Register } from '../../appliance/register/register.js';
import { Quarantine } from '../../appliance/store/quarantine.js';

// Each store that loads files at start, on a data folder where one of its files is torn or
// garbage: the real store starts, the file lies in <dataDir>/quarantine/<store>/ with a notice, the
// rest of the store works. (The whole appliance, scan jobs and GET /api/status: state-files-appliance.)

const ALWAYS = { start: '00:00', end: '24:00', days: [0, 1, 2, 3, 4, 5, 6] };
const AT = new Date('2024-03-05T09:00:00+07:00');
const TOKEN = 'state-test-token';
const FROM = { id: '000.00.00.H99', name: 'VĂN PHÒNG UBND TỈNH' };

const doc = (n: number): DocumentFields => ({ ...emptyFields(), issuer: 'UBND HUYỆN BẢO THẮNG', numberNotation: `${n}/UBND-VP`, summary: `Việc số ${n}`, pages: 1 });

function pkg(n: number) {
  const numberNotation = `${n}/UBND-VP`;
  const xml = buildNewDocumentPackage({
    from: FROM, to: [{ id: '000.00.00.H00', name: 'TRUNG TÂM' }],
    fields: { ...emptyFields(), numberNotation, date: '2024-03-05', summary: `Văn bản ${n}`, pages: 1 },
    attachment: { fileName: `vb${n}.pdf`, pdf: new Uint8Array(Buffer.from(`%PDF-1.7 document ${n}\n%%EOF`)) },
  }).xml;
  return { docId: `2024-${String(n).padStart(6, '0')}`, documentId: `${FROM.id},2024/03/05,${numberNotation}`, xml };
}

async function waitFor(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const truncate = async (path: string) => writeFile(path, (await readFile(path, 'utf8')).slice(0, 40));

let dataDir: string;
let quarantine: Quarantine;
const stops: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sohoa-state-stores-'));
  quarantine = new Quarantine({ dataDir, log: silentLogger(), bus: new EventBus() });
});
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the register', () => {
  const open = async (hours = ALWAYS) => {
    const r = new Register({ dir: join(dataDir, 'register'), officeHours: hours, clock: () => AT, quarantine });
    await r.start();
    stops.push(() => r.stop());
    return r;
  };

  it('sets aside a torn document and a garbage checkpoint, keeps the others, and never issues the lost number again', async () => {
    const first = await open();
    for (let i = 1; i <= 3; i++) await first.register(doc(i), 'Nguyễn Văn A');
    await stops.pop()!();
    // The newest document is torn and the checkpoint is garbage: only the file name still says 3 was issued.
    await truncate(join(dataDir, 'register', 'documents', '2024-000003.json'));
    await writeFile(join(dataDir, 'register', 'counters.json'), 'ÿÿÿÿ not json');

    const second = await open();
    expect((await second.book({})).entries.map((e) => e.arrivalNumber)).toEqual([1, 2]);
    const aside = await quarantine.entries('register');
    expect(aside).toHaveLength(2);
    expect(aside.find((n) => n.startsWith('2024-000003.json.'))).toBeTruthy();
    expect(aside.find((n) => n.startsWith('counters.json.'))).toBeTruthy();
    expect((await quarantine.notices()).map((n) => n.store)).toEqual(['register', 'register']);
    // The checkpoint is written again at once with what start() derived: 3 stays taken.
    expect(JSON.parse(await readFile(join(dataDir, 'register', 'counters.json'), 'utf8'))).toEqual({ formatVersion: 2, lastNumber: { 2024: 3 } });
    await stops.pop()!();

    // Even with the checkpoint gone as well, the quarantine keeps 3 taken: numbering goes on at 4.
    await rm(join(dataDir, 'register', 'counters.json'));
    const third = await open();
    expect((await third.register(doc(4), 'Nguyễn Văn A')).arrivalNumber).toBe(4);
    expect((await third.book({})).entries.map((e) => e.arrivalNumber)).toEqual([1, 2, 4]);
  });

  it('refuses to start on a document written by a newer version, and leaves it as it was', async () => {
    const first = await open();
    const e = await first.register(doc(1), 'A');
    await stops.pop()!();
    const path = join(dataDir, 'register', 'documents', `${e.docId}.json`);
    const newer = JSON.stringify({ ...JSON.parse(await readFile(path, 'utf8')), formatVersion: 3 });
    await writeFile(path, newer);
    const r = new Register({ dir: join(dataDir, 'register'), officeHours: ALWAYS, quarantine });
    await expect(r.start()).rejects.toMatchObject({ code: 'storage.newer-format' });
    expect(await readFile(path, 'utf8')).toBe(newer);
    expect(await quarantine.notices()).toEqual([]);
  });

  it('refuses at start office hours that cannot work (they froze the desk)', async () => {
    const r = new Register({ dir: join(dataDir, 'register'), officeHours: { start: '07:30', end: '17:00', days: [9] }, quarantine });
    await expect(r.start()).rejects.toMatchObject({ code: 'config.invalid' });
  });
});

describe('the outbox', () => {
  it('sets aside an item whose state is torn, whole (package included), and delivers the rest', async () => {
    const dir = join(dataDir, 'outbox');
    const log = silentLogger();
    // Nothing listens on port 9: everything stays queued.
    const offline = new Outbox({ dir, centralUrl: 'http://127.0.0.1:9', deviceToken: TOKEN, bus: new EventBus(), log, minDelayMs: 60_000, maxDelayMs: 60_000, quarantine });
    await offline.start();
    const docs = [pkg(1), pkg(2), pkg(3)];
    for (const d of docs) await offline.enqueue(d.docId, d.documentId, d.xml);
    await offline.stop();
    await truncate(join(dir, 'items', docs[1]!.docId, 'state.json'));

    const central = createCentralServer({ dataDir: join(dataDir, 'central'), tokens: [TOKEN] });
    const { url } = await central.start(0, '127.0.0.1');
    stops.push(() => central.stop());
    const online = new Outbox({ dir, centralUrl: url, deviceToken: TOKEN, bus: new EventBus(), log, minDelayMs: 100, maxDelayMs: 1000, quarantine });
    await online.start();
    stops.push(() => online.stop());
    expect(online.list().map((i) => i.docId)).toEqual([docs[0]!.docId, docs[2]!.docId]);
    online.kick(); // the offline attempt scheduled its retry a minute ahead: "Gửi lại ngay"
    await waitFor('the others delivered', () => online.list().every((i) => i.state === 'delivered'));

    const [entry] = await quarantine.entries('outbox');
    expect(entry).toMatch(new RegExp(`^${docs[1]!.docId}\\.\\d{8}T\\d{9}Z$`));
    const aside = join(quarantine.root, 'outbox', entry!);
    expect((await readdir(aside)).sort()).toEqual(['package.edxml', 'state.json']);
    expect(await readFile(join(aside, 'package.edxml'), 'utf8')).toBe(docs[1]!.xml);
    expect(await readdir(join(dir, 'items'))).not.toContain(docs[1]!.docId);
    expect((await quarantine.notices())[0]!.message).toMatch(/hàng đợi gửi.*thư mục cách ly: quarantine\/outbox\/2024-000002\./);
  });
});

describe('the accounts (users.json)', () => {
  it('sets aside a garbage users.json at start: the desk has no account (and says so) instead of failing every login', async () => {
    const users = new UserStore(dataDir, { quarantine });
    await users.add('Nguyễn Thị Lan', 'clerk', '480715');
    await writeFile(users.path, '{"formatVersion":2,"users":[{"name":"Nguyễn');
    await expect(users.list()).rejects.toMatchObject({ code: 'storage.io' }); // found while running: an error, nothing moved
    await users.start();
    expect(await users.exists()).toBe(false);
    const [entry] = await quarantine.entries('accounts');
    expect(await readFile(join(quarantine.root, 'accounts', entry!), 'utf8')).toBe('{"formatVersion":2,"users":[{"name":"Nguyễn');
    // The technician adds the people again; the file is private from its first byte.
    await users.add('Nguyễn Thị Lan', 'clerk', '480715');
    expect((await stat(users.path)).mode & 0o777).toBe(0o600);
  });

  it('carries a users.json of the previous format forward, and refuses one from a newer version', async () => {
    const users = new UserStore(dataDir, { quarantine });
    await users.add('Trần Văn Bình', 'technician', '480715');
    const { users: records } = JSON.parse(await readFile(users.path, 'utf8')) as { users: unknown[] };
    // exactly what the previous version wrote
    await writeFile(users.path, JSON.stringify({ version: 1, users: records }, null, 2) + '\n', { mode: 0o600 });
    await users.start();
    expect(JSON.parse(await readFile(users.path, 'utf8'))).toEqual({ formatVersion: 2, users: records });
    expect((await stat(users.path)).mode & 0o777).toBe(0o600);
    expect((await users.get('trần văn bình')).role).toBe('technician');

    await writeFile(users.path, JSON.stringify({ formatVersion: 3, users: records }));
    await expect(users.start()).rejects.toMatchObject({ code: 'storage.newer-format' });
    await expect(users.add('Lê Thị Hoa', 'clerk', '480715')).rejects.toMatchObject({ code: 'storage.newer-format' });
    expect(JSON.parse(await readFile(users.path, 'utf8')).formatVersion).toBe(3);
  });
});
