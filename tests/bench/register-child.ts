import { performance } from 'node:perf_hooks';
import { Register } from '../../appliance/register/register.js';
import { emptyFields } from '../../appliance/extract/fields.js';
import { atomicWrite } from '../../appliance/store/atomic-write.js';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';

// One measured life of the register on a prepared data folder (run by tests/bench/register.ts in
// a fresh process, so the RSS is this register's alone): start, then `--count` registrations
// timed one by one, then the resident memory. Prints one JSON object. Each registration is paired
// with one bare crash-safe write of a file of the same size on the same disk (atomicWrite: write,
// fsync, rename, fsync of the folder): the floor every durable registration pays, which on a
// shared disk varies with everybody's writes; `overheadP50Ms` is the register's own part.

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const dir = arg('dir')!;
const count = Number(arg('count') ?? 200);

const t0 = performance.now();
const register = new Register({ dir, officeHours: { start: '00:00', end: '24:00', days: [0, 1, 2, 3, 4, 5, 6] } });
await register.start();
const startMs = performance.now() - t0;
const rssAfterStartMb = process.memoryUsage().rss / 2 ** 20;

const times: number[] = [];
const floors: number[] = [];
const overheads: number[] = [];
const floorDir = join(dir, 'bench-floor');
for (let i = 0; i < count; i++) {
  const fields = {
    ...emptyFields(), issuer: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI', numberNotation: `${90000 + i}/BENCH-VP`, number: String(90000 + i),
    date: '2026-01-05', type: 'Công văn', summary: `Về việc đo thời gian đăng ký văn bản số ${i}`, recipients: ['Như trên;'], pages: 1,
  };
  const t = performance.now();
  await register.register(fields, 'bench');
  const took = performance.now() - t;
  times.push(took);
  const f = performance.now();
  await atomicWrite(join(floorDir, `${i % 8}.json`), JSON.stringify(fields, null, 2).repeat(3));
  const floor = performance.now() - f;
  floors.push(floor);
  overheads.push(took - floor);
}
await rm(floorDir, { recursive: true, force: true });
global.gc?.();
const rssMb = process.memoryUsage().rss / 2 ** 20;
// (what the register holds once start-up's garbage is collected: RSS keeps the heap's high-water mark)
const heapUsedMb = process.memoryUsage().heapUsed / 2 ** 20;
await register.stop();
const q = (xs: number[], p: number) => +[...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!.toFixed(2);
process.stdout.write(JSON.stringify({
  startMs: Math.round(startMs), p50Ms: q(times, 0.5), p95Ms: q(times, 0.95), floorP50Ms: q(floors, 0.5), overheadP50Ms: q(overheads, 0.5), rssAfterStartMb: Math.round(rssAfterStartMb), rssMb: Math.round(rssMb), heapUsedMb: +heapUsedMb.toFixed(1) }) + '\n');
