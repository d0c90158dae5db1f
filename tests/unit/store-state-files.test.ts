import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SohoaError } from '../../appliance/errors.js';
import { EventBus, type EventMap } from '../../appliance/events.js';
import { FORMATS, upgrade, versionOf } from '../../appliance/store/migrations.js';
import { Quarantine } from '../../appliance/store/quarantine.js';
import { readStateFile, writeStateFile, type StateFileFormat } from '../../appliance/store/state-file.js';

// The one mechanism every store reads its files through: versions, migration steps, the
// quarantine. Real files in a temp folder.

const OUTBOX_ITEM: StateFileFormat = { format: 'outbox.item', indent: 2, check: (d) => typeof d.docId === 'string' };
const COUNTERS: StateFileFormat = { format: 'register.counters', check: (d) => typeof d.lastNumber === 'object' };

let dataDir: string;
let bus: EventBus;
let seen: EventMap['notice.added'][];
let quarantine: Quarantine;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sohoa-state-'));
  bus = new EventBus();
  seen = [];
  bus.on('notice.added', (n) => seen.push(n));
  quarantine = new Quarantine({ dataDir, bus, clock: () => new Date('2024-03-05T02:03:04.567Z') });
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('format versions and migration steps', () => {
  it('reads a file without formatVersion as version 1 and refuses a version that is not one', () => {
    expect(versionOf({ docId: 'x' })).toBe(1);
    expect(versionOf({ formatVersion: 2 })).toBe(2);
    for (const bad of [{ formatVersion: 0 }, { formatVersion: '2' }, { formatVersion: 1.5 }, null, [], 'text']) {
      expect(() => versionOf(bad)).toThrow(/not a version|not a JSON object/);
    }
  });

  it('runs the steps in order up to the current version and drops the version field', () => {
    expect(upgrade('register.counters', { 2024: 12, 2025: 3 }, 'c.json')).toEqual({ data: { lastNumber: { 2024: 12, 2025: 3 } }, from: 1 });
    expect(upgrade('accounts.users', { version: 1, users: [] }, 'u.json')).toEqual({ data: { users: [] }, from: 1 });
    expect(upgrade('register.counters', { formatVersion: 2, lastNumber: { 2024: 1 } }, 'c.json')).toEqual({ data: { lastNumber: { 2024: 1 } }, from: 2 });
    // every format can be carried from version 1 to its current one
    for (const [name, f] of Object.entries(FORMATS)) {
      for (let v = 1; v < f.current; v++) expect(typeof (f.steps as Record<number, unknown>)[v], `${name} step ${v}`).toBe('function');
    }
  });

  it('refuses a file from a newer format, in Vietnamese, saying why it stops', () => {
    const err = (() => {
      try {
        upgrade('outbox.item', { formatVersion: 99, docId: 'a' }, '/x/state.json');
      } catch (e) {
        return e as SohoaError;
      }
      throw new Error('accepted a newer format');
    })();
    expect(err).toBeInstanceOf(SohoaError);
    expect(err.code).toBe('storage.newer-format');
    expect(err.vi).toMatch(/phiên bản Sohoa mới hơn .*định dạng 99/);
    expect(err.message).toMatch(/\/x\/state\.json: formatVersion 99 is newer than 2/);
  });
});

describe('readStateFile', () => {
  it('rewrites an older file in the current format at once, crash-safe, keeping its content', async () => {
    const path = join(dataDir, 'register', 'counters.json');
    await mkdir(join(dataDir, 'register'));
    await writeFile(path, JSON.stringify({ 2024: 7 }));
    const read = await readStateFile(path, COUNTERS, { quarantine, store: 'register' });
    expect(read).toEqual({ status: 'ok', value: { lastNumber: { 2024: 7 } }, from: 1 });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ formatVersion: 2, lastNumber: { 2024: 7 } });
    expect((await readdir(join(dataDir, 'register'))).filter((n) => n.includes('.tmp-'))).toEqual([]);
    // read again: current already, nothing rewritten
    const before = (await stat(path)).mtimeMs;
    expect(await readStateFile(path, COUNTERS, { quarantine, store: 'register' })).toMatchObject({ status: 'ok', from: 2 });
    expect((await stat(path)).mtimeMs).toBe(before);
  });

  it('sets aside a truncated, an empty, a garbage and a wrong-shaped file; the notice names where it went', async () => {
    const dir = join(dataDir, 'outbox');
    await mkdir(dir);
    const good = { docId: 'ok', documentId: 'D', seq: 1 };
    await writeStateFile(join(dir, 'good.json'), OUTBOX_ITEM, good);
    const full = await readFile(join(dir, 'good.json'), 'utf8');
    const bad: Record<string, string> = {
      'truncated.json': full.slice(0, full.length / 2),
      'empty.json': '',
      'garbage.json': '\u0000\u0000\u0000\u0000',
      'shape.json': JSON.stringify({ formatVersion: 2, docId: 42 }),
      'version.json': JSON.stringify({ formatVersion: 'two', docId: 'x' }),
    };
    for (const [name, text] of Object.entries(bad)) await writeFile(join(dir, name), text);

    expect(await readStateFile(join(dir, 'good.json'), OUTBOX_ITEM, { quarantine, store: 'outbox' })).toEqual({ status: 'ok', value: good, from: 2 });
    for (const name of Object.keys(bad)) {
      const read = await readStateFile(join(dir, name), OUTBOX_ITEM, { quarantine, store: 'outbox' });
      expect(read, name).toMatchObject({ status: 'set-aside', path: `quarantine/outbox/${name}.20240305T020304567Z` });
    }
    // moved, not deleted: the bytes are in the quarantine as they were
    expect((await readdir(dir)).sort()).toEqual(['good.json']);
    for (const [name, text] of Object.entries(bad)) {
      expect(await readFile(join(dataDir, 'quarantine', 'outbox', `${name}.20240305T020304567Z`), 'utf8')).toBe(text);
    }
    const notices = await quarantine.notices();
    expect(notices).toHaveLength(5);
    expect(notices[0]).toMatchObject({ kind: 'state-file-set-aside', store: 'outbox', at: '2024-03-05T02:03:04.567Z' });
    expect(notices.map((n) => n.message)).toContain(
      'Một tệp trạng thái bị hỏng (hàng đợi gửi) đã được chuyển sang thư mục cách ly: quarantine/outbox/empty.json.20240305T020304567Z; các văn bản khác vẫn hoạt động. Hãy báo kỹ thuật viên kiểm tra.');
    expect(seen.map((n) => n.path).sort()).toEqual(notices.map((n) => n.path).sort());
  });

  it('never overwrites an earlier entry of the same name set aside at the same moment', async () => {
    for (const text of ['first', 'second']) {
      await writeFile(join(dataDir, 'users.json'), text);
      await readStateFile(join(dataDir, 'users.json'), { format: 'accounts.users', check: () => true }, { quarantine, store: 'accounts' });
    }
    const names = await quarantine.entries('accounts');
    expect(names).toEqual(['users.json.20240305T020304567Z', 'users.json.20240305T020304567Z-1']);
    expect(await readFile(join(quarantine.root, 'accounts', names[1]!), 'utf8')).toBe('second');
  });

  it('sets aside what belongs with the file (several parts become one folder)', async () => {
    const job = join(dataDir, 'jobs', 'j1.json');
    await mkdir(join(dataDir, 'spool', 'j1'), { recursive: true });
    await mkdir(join(dataDir, 'jobs'));
    await writeFile(join(dataDir, 'spool', 'j1', 'page-1.tiff'), 'page');
    await writeFile(job, '{"view":');
    const read = await readStateFile(job, { format: 'jobs.job', check: () => true }, {
      quarantine, store: 'jobs',
      setAside: { name: 'j1', from: [{ from: job, as: 'j1.json' }, { from: join(dataDir, 'spool', 'j1'), as: 'spool' }, { from: join(dataDir, 'jobs', 'j1'), as: 'ocr' }] },
    });
    expect(read).toMatchObject({ status: 'set-aside', path: 'quarantine/jobs/j1.20240305T020304567Z' });
    const entry = join(dataDir, 'quarantine', 'jobs', 'j1.20240305T020304567Z');
    expect((await readdir(entry)).sort()).toEqual(['j1.json', 'spool']); // the OCR folder never existed
    expect(await readFile(join(entry, 'spool', 'page-1.tiff'), 'utf8')).toBe('page');
  });

  it('leaves a newer file untouched and throws; a missing file is just missing', async () => {
    const path = join(dataDir, 'state.json');
    const text = JSON.stringify({ formatVersion: 3, docId: 'from-the-future' });
    await writeFile(path, text);
    await expect(readStateFile(path, OUTBOX_ITEM, { quarantine, store: 'outbox' })).rejects.toMatchObject({ code: 'storage.newer-format' });
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await quarantine.notices()).toEqual([]);
    expect(await readStateFile(join(dataDir, 'nothing.json'), OUTBOX_ITEM, { quarantine, store: 'outbox' })).toEqual({ status: 'missing' });
  });
});
