import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, writeSync, closeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectPath } from '../../appliance/config/paths.js';
import { stateFileText } from '../../appliance/store/migrations.js';
import { emptyFields } from '../../appliance/extract/fields.js';
import { toVnIso, vnYear } from '../../appliance/register/vn-time.js';
import { argValue } from './rss-sampler.js';

// `npm run bench -- register [--large=100000] [--small=1000] [--count=200]`: the register with a
// small and a large number of documents already in it (issue 10: registering ≤ 10 ms p50 with
// 100 000 documents, memory not growing with the register's size). Each size gets a data folder of
// generated register entries (the format the register writes: one file per document, all but the
// last 50 accepted by the central system: the open ones are a day's work at any size); the register is then started twice in fresh processes (the first start may
// build whatever the register derives from its files, the second is an ordinary restart), and each
// time `count` documents are registered one by one. Figures: start-up time, p50/p95 of one
// registration, resident memory after the registrations.

const exec = promisify(execFile);
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

const ISSUERS = ['ỦY BAN NHÂN DÂN TỈNH LÀO CAI', 'SỞ TÀI CHÍNH TỈNH LÀO CAI', 'BỘ NỘI VỤ', 'VĂN PHÒNG CHÍNH PHỦ', 'SỞ GIÁO DỤC VÀ ĐÀO TẠO', 'CÔNG AN TỈNH HÀ NAM'];
const WORDS = 'về việc triển khai kế hoạch năm đảm bảo an toàn giao thông phòng chống thiên tai công tác cán bộ tổ chức hội nghị tổng kết báo cáo tình hình thực hiện nhiệm vụ quý đề nghị cung cấp thông tin'.split(' ');
/** Documents still in the desk's hands (not yet accepted by the central system): a day's work, whatever the register's size. */
const OPEN = 50;

/** Writes `n` register entries of this year (numbers 1..n, arrival dates spread from 1 January to today). */
export function generate(dir: string, n: number): void {
  const docs = join(dir, 'documents');
  mkdirSync(docs, { recursive: true, mode: 0o700 });
  const now = new Date();
  const year = vnYear(now);
  const jan1 = Date.UTC(year, 0, 1, 1, 0, 0); // 08:00 +07:00
  const span = Math.max(1, now.getTime() - jan1);
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 1; i <= n; i++) {
    const at = new Date(jan1 + Math.floor((span * (i - 1)) / n));
    const summary = Array.from({ length: 12 }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
    const issuer = ISSUERS[i % ISSUERS.length]!;
    const state = i <= n - OPEN ? 'accepted' : (['registered', 'signed', 'queued', 'delivered', 'failed'] as const)[i % 5]!;
    const docId = `${year}-${String(i).padStart(6, '0')}`;
    const entry = {
      docId, arrivalNumber: i, arrivalDate: toVnIso(at), receivedAt: toVnIso(at), year,
      fields: { ...emptyFields(), issuer, numberNotation: `${i}/UBND-VP`, number: String(i), date: toVnIso(at).slice(0, 10), type: 'Công văn', summary, recipients: ['Như trên;', 'Lưu: VT.'], pages: 2 },
      extras: {}, state,
      history: [{ state: 'registered', at: toVnIso(at), actor: 'bench', detail: null }, { state, at: toVnIso(at), actor: 'bench', detail: null }],
      duplicateOf: null, message: null, registeredBy: 'bench',
    };
    const fd = openSync(join(docs, `${docId}.json`), 'w', 0o600);
    writeSync(fd, stateFileText('register.document', entry, 2) + '\n');
    closeSync(fd);
  }
}

interface Life { startMs: number; p50Ms: number; p95Ms: number; floorP50Ms: number; overheadP50Ms: number; rssAfterStartMb: number; rssMb: number; heapUsedMb: number }

async function life(dir: string, count: number): Promise<Life> {
  const { stdout } = await exec(process.execPath, ['--expose-gc', projectPath('dist', 'tests', 'bench', 'register-child.js'), `--dir=${dir}`, `--count=${count}`],
    { timeout: 600_000, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Life;
}

export async function run(args: string[]): Promise<void> {
  const small = Number(argValue(args, 'small') ?? 1000);
  const large = Number(argValue(args, 'large') ?? 100_000);
  const count = Number(argValue(args, 'count') ?? 200);
  const root = mkdtempSync(join(tmpdir(), 'sohoa-bench-register-'));
  try {
    const result: Record<string, unknown> = { bench: 'register', loadBefore: load() };
    for (const [name, n] of [['small', small], ['large', large]] as const) {
      const dir = join(root, name);
      const t = Date.now();
      generate(dir, n);
      const generateMs = Date.now() - t;
      const first = await life(dir, count);
      const second = await life(dir, count);
      const figures = { documents: n, generateMs, firstStart: first, restart: second };
      process.stdout.write(JSON.stringify({ bench: 'register', size: name, ...figures }) + '\n');
      result[name] = figures;
    }
    const s = result.small as { restart: Life }; const l = result.large as { restart: Life; firstStart: Life };
    process.stdout.write(JSON.stringify({
      bench: 'register', documents: large, p50Ms: l.restart.p50Ms, p95Ms: l.restart.p95Ms, floorP50Ms: l.restart.floorP50Ms, overheadP50Ms: l.restart.overheadP50Ms, startMs: l.restart.startMs, firstStartMs: l.firstStart.startMs,
      rssSmallMb: s.restart.rssMb, rssLargeMb: l.restart.rssMb, heapSmallMb: s.restart.heapUsedMb, heapLargeMb: l.restart.heapUsedMb, small, count, load: load(), unit: 'ms per registration (floor: one bare fsync\'d atomic write on the same disk, overhead: registration minus floor); RSS MB after start + count registrations (fresh process)',
    }) + '\n');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
