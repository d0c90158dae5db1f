import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectPath } from '../../appliance/config/paths.js';
import { writeRegisterFiles } from '../helpers/register-files.js';
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
      writeRegisterFiles(dir, n, { open: 50 });
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
