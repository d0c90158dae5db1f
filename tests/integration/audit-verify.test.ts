// The hash-chained audit log as the appliance writes it (the real Register on a temp data folder)
// and as a technician checks it: `sohoa audit verify`, the built CLI as a child process. Each kind
// of tampering is done to the files the way someone with the disk would, and must be named.
import { execFile } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { entryHash, type ChainEntry } from '../../appliance/audit/chain.js';
import { projectPath } from '../../appliance/config/paths.js';
import { Register } from '../../appliance/register/register.js';

const run = promisify(execFile);
const ALWAYS = { start: '00:00', end: '24:00', days: [0, 1, 2, 3, 4, 5, 6] };

interface Report {
  ok: boolean;
  entries: number;
  lastSeq: number;
  files: string[];
  head: { seq: number; hash: string } | null;
  problems: { kind: string; seq?: number; file?: string; line?: number; message: string }[];
  notices: { kind: string; seq?: number; message: string }[];
}

async function verify(dataDir: string, json = true, more: string[] = []): Promise<{ code: number; report: Report; stdout: string; stderr: string }> {
  let out: { code: number; stdout: string; stderr: string };
  try {
    const { stdout, stderr } = await run('node', [projectPath('bin', 'sohoa.js'), 'audit', 'verify', '--data-dir', dataDir, ...(json ? ['--json'] : []), ...more], { timeout: 60_000 });
    out = { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    out = { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
  return { ...out, report: json && out.stdout ? (JSON.parse(out.stdout) as Report) : (null as unknown as Report) };
}

let root: string;
let data: string;
const reg = () => join(data, 'register');
const current = () => join(reg(), 'audit.jsonl');

/** A register writing `n` audit entries, one a minute from `start` (Vietnam time). */
async function writeLog(n: number, opts: { dataDir?: string; start?: string; maxBytes?: number; stepMs?: number } = {}): Promise<void> {
  let t = new Date(opts.start ?? '2026-11-20T08:00:00+07:00').getTime();
  const r = new Register({ dir: join(opts.dataDir ?? data, 'register'), officeHours: ALWAYS, clock: () => new Date(t), auditMaxBytes: opts.maxBytes });
  await r.start();
  for (let i = 1; i <= n; i++) {
    await r.recordAudit('Nguyễn Thị Lan', 'scanned', null, { jobId: `job-${i}`, pages: i });
    t += opts.stepMs ?? 60_000;
  }
  await r.stop();
}

async function lines(path = current()): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter(Boolean);
}

async function writeLines(ls: string[], path = current()): Promise<void> {
  await writeFile(path, ls.map((l) => l + '\n').join(''));
}

beforeAll(async () => {
  if (!(await readFile(projectPath('dist', 'appliance', 'cli', 'audit.js')).catch(() => null))) {
    throw new Error('the CLI is not built: run "npm run build" first (npm test does it in pretest)');
  }
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sohoa-audit-'));
  data = join(root, 'data');
});
afterEach(async () => { await rm(root, { recursive: true, force: true }); });

describe('sohoa audit verify', () => {
  it('an untouched log: exit 0, every entry chained to the one before, the kept head matches', async () => {
    await writeLog(10);
    const entries = (await lines()).map((l) => JSON.parse(l) as ChainEntry);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const [i, e] of entries.entries()) {
      expect(e.hash).toBe(entryHash(e));
      if (i > 0) expect(e.prev).toBe(entries[i - 1]!.hash);
    }
    const head = JSON.parse(await readFile(join(data, 'audit-head.json'), 'utf8'));
    expect(head).toMatchObject({ seq: 10, hash: entries[9]!.hash });

    const { code, report } = await verify(data);
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, entries: 10, lastSeq: 10, files: ['audit.jsonl'], head: { seq: 10 }, problems: [], notices: [] });
    const human = await verify(data, false);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Nhật ký nguyên vẹn: 10 mục \(#1–#10\)/);
  });

  it('an edited entry: its content no longer matches its hash, named by number, file and line', async () => {
    await writeLog(10);
    const ls = await lines();
    ls[4] = ls[4]!.replace('Nguyễn Thị Lan', 'Trần Văn Bình');
    await writeLines(ls);
    const { code, report } = await verify(data);
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'edited', seq: 5, file: 'audit.jsonl', line: 5 })]);
    const human = await verify(data, false);
    expect(human.stdout).toMatch(/CÓ VẤN ĐỀ \(1\)/);
    expect(human.stdout).toContain('[edited] Mục #5 đã bị sửa');
  });

  it('an edited entry whose hash was recomputed: the link from the next entry breaks', async () => {
    await writeLog(10);
    const ls = await lines();
    const e = JSON.parse(ls[4]!) as ChainEntry;
    e.actor = 'Trần Văn Bình';
    e.hash = entryHash(e);
    ls[4] = JSON.stringify(e);
    await writeLines(ls);
    const { code, report } = await verify(data);
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'edited', seq: 5 })]);
    expect(report.problems[0]!.message).toMatch(/Liên kết giữa mục #5 .* và mục #6 bị đứt/);
  });

  it('a deleted entry: the gap in the numbers', async () => {
    await writeLog(10);
    const ls = await lines();
    ls.splice(4, 2);
    await writeLines(ls);
    const { code, report } = await verify(data);
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'deleted', seq: 5 })]);
    expect(report.problems[0]!.message).toMatch(/^Thiếu mục #5–#6/);
  });

  it('reordered entries: the entry found after a higher number', async () => {
    await writeLog(10);
    const ls = await lines();
    [ls[4], ls[5]] = [ls[5]!, ls[4]!];
    await writeLines(ls);
    const { code, report } = await verify(data);
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'reordered', seq: 5, line: 6 })]);
  });

  it('a duplicated entry is named as such', async () => {
    await writeLog(6);
    const ls = await lines();
    ls.push(ls[2]!);
    await writeLines(ls);
    const { report } = await verify(data);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'duplicated', seq: 3, line: 7 })]);
  });

  it('truncated: the last entries removed, the kept head says how many', async () => {
    await writeLog(10);
    await writeLines((await lines()).slice(0, 8));
    const { code, report } = await verify(data);
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'truncated', seq: 9 })]);
    expect(report.problems[0]!.message).toMatch(/mất 2 mục cuối \(#9–#10\)/);
  });

  it('the first entries removed and the rest renumbered from 1 is still caught', async () => {
    await writeLog(6);
    const ls = (await lines()).slice(2).map((l, i) => {
      const e = JSON.parse(l) as ChainEntry;
      e.seq = i + 1;
      e.hash = entryHash(e);
      return JSON.stringify(e);
    });
    await writeLines(ls);
    const { report } = await verify(data);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['edited', 'truncated']));
  });

  it('replaced: a whole other log (another device, or rewritten) put in place of this one', async () => {
    await writeLog(10);
    const other = join(root, 'other');
    await writeLog(10, { dataDir: other, start: '2026-11-21T08:00:00+07:00' });
    await writeFile(current(), await readFile(join(other, 'register', 'audit.jsonl')));
    const { code, report } = await verify(data);
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'replaced', seq: 10 })]);
  });

  it('a tail rewritten consistently with the head passes the machine\'s own head, not the head of an older backup (--head)', async () => {
    await writeLog(8);
    const dayHead = join(root, 'head-of-that-day.json');
    await writeFile(dayHead, await readFile(join(data, 'audit-head.json')));
    // Someone with root removes entry 6 and renumbers, rehashes and re-heads everything after it.
    const es = (await lines()).map((l) => JSON.parse(l) as ChainEntry);
    const kept = [...es.slice(0, 5), ...es.slice(6)];
    for (let i = 5; i < kept.length; i++) {
      const e = { ...kept[i]!, seq: i + 1, prev: kept[i - 1]!.hash };
      e.hash = entryHash(e);
      kept[i] = e;
    }
    await writeLines(kept.map((e) => JSON.stringify(e)));
    await writeFile(join(data, 'audit-head.json'), JSON.stringify({ format: 'sohoa-audit-head/1', seq: 7, hash: kept[6]!.hash, at: new Date().toISOString() }));
    expect((await verify(data)).code).toBe(0); // the limit of a chain without a key
    const { code, report } = await verify(data, true, ['--head', dayHead]);
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'truncated', seq: 8, message: expect.stringContaining(`đầu chuỗi trong ${dayHead}`) })]);
  });

  it('a missing head file is a problem: truncation could no longer be seen', async () => {
    await writeLog(3);
    await rm(join(data, 'audit-head.json'));
    const { code, report } = await verify(data);
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'head' })]);
  });
});

describe('the audit log on disk', () => {
  it('rotates by size and by month; the chain runs on across files, verify reads them all, a removed file is named', async () => {
    // 40 entries, 12 h apart from 25 November: about half in November, half in December.
    await writeLog(40, { start: '2026-11-25T08:00:00+07:00', stepMs: 12 * 3600_000, maxBytes: 2000 });
    const files = (await readdir(reg())).filter((f) => f.startsWith('audit')).sort();
    expect(files).toContain('audit-2026-11.jsonl');
    expect(files).toContain('audit-2026-11-2.jsonl');
    expect(files).toContain('audit-2026-12.jsonl');
    expect(files).toContain('audit.jsonl');
    // Each closed file holds one month; the first entry of each file links to the last of the one before.
    const segs = await Promise.all(files.map(async (f) => ({ f, es: (await lines(join(reg(), f))).map((l) => JSON.parse(l) as ChainEntry) })));
    segs.sort((a, b) => a.es[0]!.seq - b.es[0]!.seq);
    for (const [i, s] of segs.entries()) {
      if (s.f !== 'audit.jsonl') expect(new Set(s.es.map((e) => e.at.slice(0, 7)))).toEqual(new Set([s.f.slice(6, 13)]));
      if (i > 0) expect(s.es[0]!.prev).toBe(segs[i - 1]!.es.at(-1)!.hash);
    }
    expect(segs.flatMap((s) => s.es.map((e) => e.seq))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

    const ok = await verify(data);
    expect(ok.code).toBe(0);
    expect(ok.report).toMatchObject({ ok: true, entries: 40, lastSeq: 40 });
    expect(ok.report.files.at(-1)).toBe('audit.jsonl');
    expect(ok.report.files).toHaveLength(files.length);

    // The register reads every file back, in order.
    const r = new Register({ dir: reg(), officeHours: ALWAYS });
    await r.start();
    expect((await r.auditTrail()).map((a) => (a.detail as { pages: number }).pages)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    await r.stop();

    await rm(join(reg(), 'audit-2026-11-2.jsonl'));
    const gone = await verify(data);
    expect(gone.code).toBe(1);
    expect(gone.report.problems).toEqual([expect.objectContaining({ kind: 'deleted', seq: segs[1]!.es[0]!.seq })]);
  });

  it('after a crash between closing a file and the next entry, the chain continues from the closed file', async () => {
    await writeLog(5);
    await rename(current(), join(reg(), 'audit-2026-11.jsonl')); // closed, no new current file yet
    await writeLog(2, { start: '2026-11-20T09:00:00+07:00' });
    expect((await lines()).map((l) => (JSON.parse(l) as ChainEntry).seq)).toEqual([6, 7]);
    expect((await verify(data)).report).toMatchObject({ ok: true, entries: 7 });
  });

  it('a line torn by a power cut is cut off at start and kept word for word in a notice; verify passes and says so', async () => {
    await writeLog(4);
    const half = '{"seq":5,"at":"2026-11-20T08:04:00+07:00","actor":"Nguyễn Thị Lan","act';
    await appendFile(current(), half);
    const torn = await verify(data);
    expect(torn.code).toBe(0); // an append in progress looks the same: a notice
    expect(torn.report.notices).toEqual([expect.objectContaining({ kind: 'notice' })]);

    await writeLog(1, { start: '2026-11-20T09:00:00+07:00' });
    const es = (await lines()).map((l) => JSON.parse(l) as ChainEntry);
    expect(es.map((e) => e.action)).toEqual(['scanned', 'scanned', 'scanned', 'scanned', 'audit-notice', 'scanned']);
    expect(es[4]!.detail).toMatchObject({ kind: 'torn-line', bytes: Buffer.byteLength(half), text: expect.stringContaining('"actor":"Nguyễn Thị Lan","act') });
    const { code, report } = await verify(data);
    expect(code).toBe(0);
    expect(report.notices).toEqual([expect.objectContaining({ seq: 5, message: expect.stringMatching(/dòng cuối của audit.jsonl bị ghi dở/) })]);
  });

  it('a complete last entry that only lost its newline is kept as it is', async () => {
    await writeLog(3);
    const text = await readFile(current(), 'utf8');
    await writeFile(current(), text.slice(0, -1));
    await writeLog(1, { start: '2026-11-20T09:00:00+07:00' });
    expect((await lines()).map((l) => (JSON.parse(l) as ChainEntry).action)).toEqual(['scanned', 'scanned', 'scanned', 'scanned']);
    expect((await verify(data)).report).toMatchObject({ ok: true, notices: [] });
  });

  it('a log found shorter than its kept head at start is recorded in the chain and stays a problem', async () => {
    await writeLog(6);
    await writeLines((await lines()).slice(0, 3));
    await writeLog(2, { start: '2026-11-20T09:00:00+07:00' }); // the service starts again and goes on
    const es = (await lines()).map((l) => JSON.parse(l) as ChainEntry);
    expect(es[3]).toMatchObject({ seq: 4, action: 'audit-notice', detail: { kind: 'behind-head', headSeq: 6, foundSeq: 3 } });
    const { code, report } = await verify(data);
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'truncated', seq: 4 })]);
  });

  it('a log from before the chain is closed as audit-legacy.jsonl and anchored by its hash', async () => {
    await mkdir(reg(), { recursive: true });
    await writeLines([
      JSON.stringify({ at: '2026-11-01T08:00:00+07:00', actor: 'Nguyễn Thị Lan', action: 'login', docId: null }),
      JSON.stringify({ at: '2026-11-01T08:01:00+07:00', actor: 'Nguyễn Thị Lan', action: 'scanned', docId: null }),
    ]);
    await writeLog(2);
    expect((await readdir(reg())).filter((f) => f.startsWith('audit')).sort()).toEqual(['audit-legacy.jsonl', 'audit.jsonl']);
    const first = JSON.parse((await lines())[0]!) as ChainEntry;
    expect(first).toMatchObject({ seq: 1, action: 'audit-notice', detail: { kind: 'legacy', file: 'audit-legacy.jsonl', lines: 2 } });
    expect((await verify(data)).code).toBe(0);

    const legacy = join(reg(), 'audit-legacy.jsonl');
    await writeFile(legacy, (await readFile(legacy, 'utf8')).replace('scanned', 'deleted'));
    const { code, report } = await verify(data);
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'edited', seq: 1, file: 'audit-legacy.jsonl' })]);
  });

  it('answers usage errors with status 2 and has help with examples', async () => {
    const help = await run('node', [projectPath('bin', 'sohoa.js'), 'audit', '--help'], { timeout: 60_000 });
    expect(help.stdout).toMatch(/Examples:\n {2}sohoa audit verify\n/);
    const bad = await run('node', [projectPath('bin', 'sohoa.js'), 'audit', 'check'], { timeout: 60_000 }).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/^sohoa audit: unknown action "check"/) });
  });
});
