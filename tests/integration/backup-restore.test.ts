import { execFile, execFileSync } from 'node:child_process';
import { appendFile, chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes, createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../appliance/audit/verify.js';
import { createBackup, listBackups } from '../../appliance/backup/backup.js';
import { restoreBackup } from '../../appliance/backup/restore.js';
import { createCentralServer } from '../../appliance/central/server.js';
import { projectPath } from '../../appliance/config/paths.js';
import { buildNewDocumentPackage } from '../../appliance/edxml/index.js';
import { SohoaError } from '../../appliance/errors.js';
import { EventBus } from '../../appliance/events.js';
import { emptyFields, type DocumentFields } from '../../appliance/extract/fields.js';
import { silentLogger } from '../../appliance/log.js';
import { Outbox } from '../../appliance/outbox/outbox.js';
import { Register } from '../../appliance/register/register.js';

// Backups of real appliance state: a register and an outbox made by the real classes (one package
// delivered to the reference receiver over loopback, one still waiting), signed-PDF files, and the
// folders that must never be backed up (scans in progress, the development token).

const run = promisify(execFile);
const ALWAYS = { start: '00:00', end: '24:00', days: [0, 1, 2, 3, 4, 5, 6] };
const TOKEN = 'backup-test-token';
const AT = new Date('2024-03-05T09:00:00+07:00');
const isRoot = process.getuid?.() === 0;

function doc(n: number, over: Partial<DocumentFields> = {}): DocumentFields {
  return { ...emptyFields(), issuer: 'UBND HUYỆN BẢO THẮNG', numberNotation: `${n}/UBND-VP`, number: String(n), date: '2024-03-01', summary: `Việc số ${n}`, pages: 1, ...over };
}

async function waitFor(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function errorOf(p: Promise<unknown>): Promise<SohoaError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(SohoaError);
  return err as SohoaError;
}

describe('sohoa backup / restore', () => {
  let root: string;
  let data: string;
  const cleanups: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'sohoa-backup-'));
    data = join(root, 'data');
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await rm(root, { recursive: true, force: true });
  });

  async function openRegister(dir = data, auditMaxBytes?: number): Promise<Register> {
    const r = new Register({ dir: join(dir, 'register'), officeHours: ALWAYS, clock: () => AT, auditMaxBytes });
    await r.start();
    cleanups.push(() => r.stop());
    return r;
  }

  /** Four registered documents (one delivered, one queued), a secret one held, scans in progress. */
  async function makeAppliance(): Promise<Register> {
    const reg = await openRegister();
    for (let i = 1; i <= 4; i++) await reg.register(doc(i), 'Nguyễn Văn A');
    await reg.register(doc(5, { confidentiality: 'Mật', summary: 'NỘI DUNG MẬT KHÔNG ĐƯỢC LƯU' }), 'Nguyễn Văn A');

    const centralDir = join(data, 'central');
    const central = createCentralServer({ dataDir: centralDir, tokens: [TOKEN] });
    const { url } = await central.start(0, '127.0.0.1');
    const outbox = new Outbox({ dir: join(data, 'outbox'), centralUrl: url, deviceToken: TOKEN, bus: new EventBus(), log: silentLogger(), minDelayMs: 60_000, maxDelayMs: 60_000, timeoutMs: 5000 });
    await outbox.start();
    for (const n of [1, 2]) {
      const docId = `2024-00000${n}`;
      for (const s of ['signing', 'signed'] as const) await reg.setState(docId, s);
      const pdf = Buffer.from(`%PDF-1.7\n% signed document ${n}\n%%EOF\n`);
      await mkdir(join(data, 'documents'), { recursive: true });
      await writeFile(join(data, 'documents', `${docId}.pdf`), pdf);
      const numberNotation = `${n}/UBND-VP`;
      const xml = buildNewDocumentPackage({
        from: { id: '000.00.00.H99', name: 'VĂN PHÒNG UBND TỈNH' }, to: [{ id: '000.00.00.H00', name: 'TRUNG TÂM' }],
        fields: { ...doc(n), numberNotation }, attachment: { fileName: `vb${n}.pdf`, pdf: new Uint8Array(pdf) },
      }).xml;
      if (n === 2) await central.stop(); // the second one waits in the queue: central is down
      await outbox.enqueue(docId, `000.00.00.H99,2024/03/01,${numberNotation}`, xml);
      await reg.setState(docId, 'queued');
      if (n === 1) {
        await waitFor('delivery', () => outbox.get(docId)?.state === 'delivered');
        await reg.setState(docId, 'delivered');
      }
    }
    await outbox.stop();

    // What must never be in a backup: scans in progress (a secret one among them) and the dev token.
    for (const [path, text] of [['spool/job-1/page-1.png', 'MẬT page'], ['jobs/job-1.json', '{"secret":true}'], ['dev-token/ca.key', 'PRIVATE KEY'], ['dev-token/softhsm2.conf', 'pin']] as const) {
      await mkdir(join(data, path, '..'), { recursive: true });
      await writeFile(join(data, path), text);
    }
    return reg;
  }

  it('writes one verified archive: Vietnam-time name, manifest with hashes and counts, nothing of scans or the token', async () => {
    await makeAppliance();
    const to = join(root, 'usb');
    await mkdir(to);
    const res = await createBackup({ dataDir: data, dir: to, keep: 30, clock: () => new Date('2024-03-05T05:30:07Z') });

    expect(res.file).toBe(join(to, 'sohoa-backup-2024-03-05_12-30-07.tar.gz'));
    expect(await readdir(to)).toEqual(['sohoa-backup-2024-03-05_12-30-07.tar.gz']); // no temporary left
    expect(res).toMatchObject({ documents: 5, lastArrivalNumber: { 2024: 4 }, warnings: [], bytes: (await stat(res.file)).size });

    // Debian's tar reads it: a technician can always get the files out without Sohoa.
    const listed = execFileSync('tar', ['-tzf', res.file], { encoding: 'utf8' }).trim().split('\n');
    expect(listed.at(-1)).toBe('manifest.json');
    expect(listed.filter((p) => /^(spool|jobs|dev-token|central|backup)\//.test(p))).toEqual([]);
    expect(listed).toEqual(expect.arrayContaining([
      'register/counters.json', 'register/audit.jsonl', 'audit-head.json', 'register/documents/2024-000001.json', 'documents/2024-000001.pdf',
      'outbox/items/2024-000001/package.edxml', 'outbox/items/2024-000001/state.json', 'outbox/items/2024-000001/receipt.edxml',
      'outbox/items/2024-000002/package.edxml', 'outbox/items/2024-000002/state.json',
    ]));

    const x = join(root, 'x');
    await mkdir(x);
    execFileSync('tar', ['-xzf', res.file, '-C', x]);
    const manifest = JSON.parse(await readFile(join(x, 'manifest.json'), 'utf8'));
    expect(manifest.counts).toEqual({
      documents: 5, documentsByState: { delivered: 1, queued: 1, registered: 2, 'held-secret': 1 }, lastArrivalNumber: { 2024: 4 },
      outboxItems: 2, outboxByState: { delivered: 1, queued: 1 }, signedPdfs: 2,
    });
    expect(manifest.files).toHaveLength(listed.length - 1);
    for (const f of manifest.files) {
      const original = await readFile(join(data, f.path));
      expect({ path: f.path, sha: sha(original), bytes: original.length }).toEqual({ path: f.path, sha: f.sha256, bytes: f.bytes });
    }
    // The register keeps nothing of the secret document's content, and neither does the backup.
    expect(gunzipSync(await readFile(res.file)).includes(Buffer.from('NỘI DUNG MẬT'))).toBe(false);
  });

  it('takes audit.jsonl up to its last complete line when an append is in progress', async () => {
    await makeAppliance();
    const audit = join(data, 'register', 'audit.jsonl');
    const complete = (await readFile(audit)).length;
    await appendFile(audit, '{"at":"2024-03-05T09:00:01+07:00","act'); // a line half-written at that instant
    const res = await createBackup({ dataDir: data, dir: join(root, 'b'), keep: 3, createDir: true });
    const x = join(root, 'x');
    await mkdir(x);
    execFileSync('tar', ['-xzf', res.file, '-C', x]);
    const copied = await readFile(join(x, 'register', 'audit.jsonl'), 'utf8');
    expect(Buffer.byteLength(copied)).toBe(complete);
    expect(JSON.parse(await readFile(join(x, 'manifest.json'), 'utf8')).auditLogBytes).toBe(complete);
    expect(copied.split('\n').filter(Boolean).map((l) => JSON.parse(l).action)).toContain('held');
  });

  it('stays consistent while documents are being registered, and restores a register that numbers on', async () => {
    const reg = await makeAppliance();
    let stop = false;
    let registered = 5;
    const writer = (async () => {
      for (let i = 6; !stop; i++) registered = (await reg.register(doc(i), 'Trần Thị B')).arrivalNumber!;
    })();
    await waitFor('the desk registering', () => registered >= 6);
    const res = await createBackup({ dataDir: data, dir: join(root, 'b'), keep: 3, createDir: true });
    stop = true;
    await writer;

    const target = join(root, 'restored');
    await restoreBackup({ archive: res.file, dataDir: target });
    const restored = await openRegister(target);
    const numbers = (await restored.book({ limit: 100_000 })).entries.flatMap((e) => (e.arrivalNumber === null ? [] : [e.arrivalNumber])).sort((a, b) => a - b);
    // No gap: every number up to the last one backed up has its document.
    expect(numbers).toEqual(Array.from({ length: res.lastArrivalNumber['2024']! }, (_, i) => i + 1));
    for (const line of (await readFile(join(target, 'register', 'audit.jsonl'), 'utf8')).split('\n').filter(Boolean)) JSON.parse(line);
    expect((await restored.register(doc(999), 'Lê C')).arrivalNumber).toBe(res.lastArrivalNumber['2024']! + 1);
  });

  it('restore: the register continues after the backup\'s last số đến, the queue and PDFs are back byte for byte', async () => {
    const reg = await makeAppliance();
    const res = await createBackup({ dataDir: data, dir: join(root, 'b'), keep: 3, createDir: true });
    for (let i = 6; i <= 8; i++) await reg.register(doc(i), 'Trần Thị B'); // after the backup: lost with the disk

    const target = join(root, 'fresh');
    const out = await restoreBackup({ archive: res.file, dataDir: target });
    expect(out).toMatchObject({ documents: 5, lastArrivalNumber: { 2024: 4 }, movedAside: null });
    expect(out.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/);
    expect((await readdir(target)).sort()).toEqual(['audit-head.json', 'documents', 'outbox', 'register']);

    const restored = await openRegister(target);
    expect(restored.get('2024-000001')?.state).toBe('delivered');
    expect((await restored.register(doc(100), 'Lê C')).arrivalNumber).toBe(5);

    const outbox = new Outbox({ dir: join(target, 'outbox'), centralUrl: 'http://127.0.0.1:9', deviceToken: TOKEN, bus: new EventBus(), log: silentLogger(), minDelayMs: 60_000, maxDelayMs: 60_000 });
    await outbox.start();
    cleanups.push(() => outbox.stop());
    expect(outbox.list().map((i) => [i.docId, i.state])).toEqual([['2024-000002', 'queued'], ['2024-000001', 'delivered']]);
    for (const p of ['documents/2024-000002.pdf', 'outbox/items/2024-000002/package.edxml']) {
      expect(sha(await readFile(join(target, p)))).toBe(sha(await readFile(join(data, p))));
    }
  });

  it('restore refuses a tampered, damaged or padded archive with the reason, and changes nothing', async () => {
    await makeAppliance();
    const res = await createBackup({ dataDir: data, dir: join(root, 'b'), keep: 3, createDir: true });
    const x = join(root, 'x');
    await mkdir(x);
    execFileSync('tar', ['-xzf', res.file, '-C', x]);
    const target = join(root, 'target');

    // A document edited after the backup, the archive rebuilt with Debian's tar, manifest kept.
    const docPath = join(x, 'register', 'documents', '2024-000003.json');
    await writeFile(docPath, (await readFile(docPath, 'utf8')).replace('Việc số 3', 'Việc số 33'));
    const order = execFileSync('tar', ['-tzf', res.file], { encoding: 'utf8' }).trim().split('\n');
    const tampered = join(root, 'tampered.tar.gz');
    execFileSync('tar', ['-czf', tampered, '-C', x, ...order]);
    let err = await errorOf(restoreBackup({ archive: tampered, dataDir: target }));
    expect(err.vi).toMatch(/^Tệp sao lưu bị hỏng hoặc đã bị sửa, không khôi phục: "register\/documents\/2024-000003.json" does not match its SHA-256/);
    await expect(stat(target)).rejects.toThrow(/ENOENT/);

    // One byte flipped in the compressed file.
    const bytes = await readFile(res.file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    const damaged = join(root, 'damaged.tar.gz');
    await writeFile(damaged, bytes);
    err = await errorOf(restoreBackup({ archive: damaged, dataDir: target }));
    expect(err.message).toMatch(/damaged or truncated archive|does not match|header checksum/);

    // Cut short (a copy interrupted).
    const short = join(root, 'short.tar.gz');
    await writeFile(short, (await readFile(res.file)).subarray(0, 2000));
    err = await errorOf(restoreBackup({ archive: short, dataDir: target }));
    expect(err.message).toMatch(/damaged or truncated archive/);

    // A file slipped in that the manifest does not name (a script beside the documents).
    await writeFile(join(x, 'documents', '2024-000099.pdf'), '%PDF-1.7 not from this appliance');
    await writeFile(docPath, (await readFile(docPath, 'utf8')).replace('Việc số 33', 'Việc số 3'));
    const padded = join(root, 'padded.tar.gz');
    execFileSync('tar', ['-czf', padded, '-C', x, ...order.slice(0, -1), 'documents/2024-000099.pdf', 'manifest.json']);
    err = await errorOf(restoreBackup({ archive: padded, dataDir: target }));
    expect(err.message).toMatch(/"documents\/2024-000099.pdf" is in the archive but not in the manifest/);

    // And outside what a backup may hold at all.
    await mkdir(join(x, 'dev-token'));
    await writeFile(join(x, 'dev-token', 'evil'), 'x');
    const foreign = join(root, 'foreign.tar.gz');
    execFileSync('tar', ['-czf', foreign, '-C', x, 'dev-token/evil', ...order]);
    err = await errorOf(restoreBackup({ archive: foreign, dataDir: target }));
    expect(err.message).toMatch(/unexpected path "dev-token\/evil"/);
    await expect(stat(target)).rejects.toThrow(/ENOENT/);

    // The untouched archive restores (so the refusals above were about the changes).
    await restoreBackup({ archive: res.file, dataDir: target });
  });

  it('restore refuses a data folder holding a register unless --force, which moves the old one aside', async () => {
    await makeAppliance();
    const res = await createBackup({ dataDir: data, dir: join(root, 'b'), keep: 3, createDir: true });
    const target = join(root, 'busy');
    const other = await openRegister(target);
    await other.register(doc(77), 'X');
    await other.stop();

    const err = await errorOf(restoreBackup({ archive: res.file, dataDir: target }));
    expect(err.vi).toMatch(/đã có dữ liệu \(register\).*--force/);
    expect((await readdir(join(target, 'register', 'documents')))).toEqual(['2024-000001.json']);

    const out = await restoreBackup({ archive: res.file, dataDir: target, force: true, clock: () => AT });
    expect(out.movedAside).toBe(join(target, 'before-restore-2024-03-05_09-00-00'));
    expect(JSON.parse(await readFile(join(out.movedAside!, 'register', 'documents', '2024-000001.json'), 'utf8')).fields.number).toBe('77');
    expect((await readdir(join(target, 'register', 'documents'))).length).toBe(5);
    // Another log replaced this folder's: the technician's decision, recorded in the chain.
    expect(out.auditLog).toMatchObject({ continues: false, headSeq: 1 });
    const audit = await verifyAudit({ dir: join(target, 'register'), headPath: join(target, 'audit-head.json') });
    expect(audit).toMatchObject({ ok: true, problems: [] });
    expect(audit.notices.map((n) => n.message)).toEqual([expect.stringMatching(/khôi phục \(--force\) từ bản sao lưu không nối tiếp/)]);
  });

  it('carries every audit file and the chain head; an older backup is refused as a rollback unless --force, which the log records', async () => {
    const reg = await openRegister(data, 1000); // rotates every two entries or so
    for (let i = 1; i <= 6; i++) await reg.register(doc(i), 'Nguyễn Văn A');
    const res = await createBackup({ dataDir: data, dir: join(root, 'b'), keep: 3, createDir: true });
    const listed = execFileSync('tar', ['-tzf', res.file], { encoding: 'utf8' }).trim().split('\n');
    const segments = (await readdir(join(data, 'register'))).filter((f) => /^audit-2024-03(-\d+)?\.jsonl$/.test(f));
    expect(segments.length).toBeGreaterThanOrEqual(2);
    expect(listed).toEqual(expect.arrayContaining(['audit-head.json', 'register/audit.jsonl', ...segments.map((f) => `register/${f}`)]));

    // A spare folder: the whole chain is there and verifies, the restore is its last entry.
    const spare = join(root, 'spare');
    const first = await restoreBackup({ archive: res.file, dataDir: spare });
    expect(first.auditLog).toMatchObject({ continues: true, headSeq: null });
    const check = await verifyAudit({ dir: join(spare, 'register'), headPath: join(spare, 'audit-head.json') });
    expect(check).toMatchObject({ ok: true, notices: [] });
    const restored = await openRegister(spare);
    expect((await restored.auditTrail()).at(-1)).toMatchObject({ action: 'restored', detail: { archive: res.file } });

    // The desk goes on; then the register folder is lost (or wiped) and the older backup put back.
    for (let i = 7; i <= 8; i++) await reg.register(doc(i), 'Nguyễn Văn A');
    await reg.stop();
    const head = JSON.parse(await readFile(join(data, 'audit-head.json'), 'utf8')) as { seq: number };
    await rm(join(data, 'register'), { recursive: true });
    const err = await errorOf(restoreBackup({ archive: res.file, dataDir: data }));
    expect(err.vi).toMatch(/^Không khôi phục: bản sao lưu cũ hơn nhật ký kiểm tra của máy .*máy đã ghi đến mục #(\d+)\): khôi phục sẽ xoá dấu vết 2 thao tác gần nhất.*--force/);
    await expect(stat(join(data, 'register'))).rejects.toThrow(/ENOENT/);

    const forced = await restoreBackup({ archive: res.file, dataDir: data, force: true });
    expect(forced.auditLog).toMatchObject({ continues: false, headSeq: head.seq });
    const after = await verifyAudit({ dir: join(data, 'register'), headPath: join(data, 'audit-head.json') });
    expect(after.ok).toBe(true);
    expect(after.notices).toEqual([expect.objectContaining({ message: expect.stringMatching(/^Mục #\d+: kỹ thuật viên đã khôi phục \(--force\)/) })]);
  });

  it('rotation keeps the newest N and nothing else in the folder is touched', async () => {
    await makeAppliance();
    const to = join(root, 'usb');
    await mkdir(to);
    await writeFile(join(to, 'notes.txt'), 'technician notes');
    const days = [1, 2, 3, 4, 5].map((d) => new Date(`2024-03-0${d}T05:00:00Z`));
    const removed: string[][] = [];
    for (const d of days) removed.push((await createBackup({ dataDir: data, dir: to, keep: 3, clock: () => d })).removed);
    // Two in the same second get distinct names and sort after the first.
    await createBackup({ dataDir: data, dir: to, keep: 3, clock: () => days[4]! });
    expect(await listBackups(to)).toEqual([
      'sohoa-backup-2024-03-04_12-00-00.tar.gz', 'sohoa-backup-2024-03-05_12-00-00.tar.gz', 'sohoa-backup-2024-03-05_12-00-00-2.tar.gz',
    ]);
    expect(removed).toEqual([[], [], [], ['sohoa-backup-2024-03-01_12-00-00.tar.gz'], ['sohoa-backup-2024-03-02_12-00-00.tar.gz']]);
    expect(await readFile(join(to, 'notes.txt'), 'utf8')).toBe('technician notes');
    expect((await createBackup({ dataDir: data, dir: to, keep: 0 }).then(() => null, (e: SohoaError) => e))?.message).toMatch(/keep must be an integer/);
  });

  it('a missing backup folder (disk not plugged in) is an error, and nothing is created', async () => {
    await makeAppliance();
    const to = join(root, 'media', 'usb');
    const err = await errorOf(createBackup({ dataDir: data, dir: to, keep: 3 }));
    expect(err.code).toBe('storage.io');
    expect(err.vi).toMatch(/Không tìm thấy thư mục sao lưu .*chưa được cắm/);
    await expect(stat(join(root, 'media'))).rejects.toThrow(/ENOENT/);
  });

  async function mountTmpfs(dir: string, size: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
    cleanups.push(async () => { execFileSync('umount', [dir]); });
  }

  it('a read-only backup folder is an error, and the earlier backups stay as they were', async () => {
    await makeAppliance();
    const to = join(root, 'ro');
    if (isRoot) await mountTmpfs(to, '16m'); // root ignores file modes: a real read-only mount
    else await mkdir(to);
    const first = await createBackup({ dataDir: data, dir: to, keep: 3, clock: () => AT });
    const before = sha(await readFile(first.file));
    if (isRoot) execFileSync('mount', ['-o', 'remount,ro', to]);
    else await chmod(to, 0o555);
    cleanups.push(() => (isRoot ? Promise.resolve() : chmod(to, 0o755)));

    const err = await errorOf(createBackup({ dataDir: data, dir: to, keep: 1 }));
    expect(err.code).toBe('storage.io');
    expect(err.vi).toMatch(/Không ghi được vào thư mục sao lưu .*Các bản sao lưu cũ vẫn còn nguyên/);
    expect(err.message).toMatch(/EROFS|EACCES/);
    expect(await readdir(to)).toEqual([first.file.split('/').at(-1)]);
    expect(sha(await readFile(first.file))).toBe(before);
  });

  it.runIf(isRoot)('a full backup disk is an error, no half archive is left, the earlier backups stay', async () => {
    await makeAppliance();
    const to = join(root, 'small');
    await mountTmpfs(to, '1m');
    const first = await createBackup({ dataDir: data, dir: to, keep: 3, clock: () => AT });
    const before = sha(await readFile(first.file));
    // A scan that does not compress, bigger than the space left.
    await writeFile(join(data, 'documents', '2024-000003.pdf'), Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2 * 1024 * 1024)]));

    const err = await errorOf(createBackup({ dataDir: data, dir: to, keep: 1 }));
    expect(err.code, err.message).toBe('storage.full');
    expect(err.vi).toMatch(/đã đầy.*Các bản sao lưu cũ vẫn còn nguyên/);
    expect(await readdir(to)).toEqual([first.file.split('/').at(-1)]);
    expect(sha(await readFile(first.file))).toBe(before);
  });

  it('a temporary file left by a power cut is removed and never counted as a backup', async () => {
    await makeAppliance();
    const to = join(root, 'usb');
    await mkdir(to);
    const partial = join(to, '.sohoa-backup-2024-03-04_12-00-00.tar.gz.999999999.tmp');
    await writeFile(partial, gzipSync(Buffer.from('half')));
    const res = await createBackup({ dataDir: data, dir: to, keep: 1, clock: () => AT });
    expect(await readdir(to)).toEqual([res.file.split('/').at(-1)]);
  });

  describe('the sohoa command (built CLI as a child process)', () => {
    const sohoa = async (args: string[], env: Record<string, string>) => {
      try {
        const { stdout, stderr } = await run('node', [projectPath('bin', 'sohoa.js'), ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    };

    it('backs up with the configured folder, restores into a fresh folder, refuses to restore over it', async () => {
      await makeAppliance();
      const to = join(root, 'usb');
      await mkdir(to);
      const config = join(root, 'config.json');
      await writeFile(config, JSON.stringify({ dataDir: data, backup: { dir: to, keep: 2 } }));
      const env = { SOHOA_CONFIG: config };

      const help = await sohoa(['backup', '--help'], env);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Examples:\n {2}sohoa backup\n/);

      const b = await sohoa(['backup'], env);
      expect(b.code, b.stderr).toBe(0);
      const summary = JSON.parse(b.stdout);
      expect(summary).toMatchObject({ documents: 5, lastArrivalNumber: { 2024: 4 }, removed: [] });
      expect(summary.file.startsWith(join(to, 'sohoa-backup-'))).toBe(true);
      expect(summary.bytes).toBe((await stat(summary.file)).size);
      expect(typeof summary.ms).toBe('number');

      const target = join(root, 'restored');
      const r = await sohoa(['restore', summary.file, '--data-dir', target], env);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ dataDir: target, documents: 5, lastArrivalNumber: { 2024: 4 } });
      const again = await sohoa(['restore', summary.file, '--data-dir', target], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^sohoa restore: Thư mục dữ liệu .* đã có dữ liệu .*--force/);

      const missing = await sohoa(['backup', '--to', join(root, 'unplugged')], env);
      expect(missing.code).toBe(1);
      expect(missing.stdout).toBe('');
      expect(missing.stderr).toMatch(/^sohoa backup: Không tìm thấy thư mục sao lưu .*\(storage\.io: backup folder .* does not exist\)\n$/);
      expect((await sohoa(['backup', '--keep', 'abc'], env)).code).toBe(2);
      expect((await sohoa(['restore'], env)).code).toBe(2);
    });
  });
});
