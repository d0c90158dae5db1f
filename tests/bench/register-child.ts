import { performance } from 'node:perf_hooks';
import { Register } from '../../appliance/register/register.js';
import { emptyFields } from '../../appliance/extract/fields.js';

// One measured life of the register on a prepared data folder (run by tests/bench/register.ts in
// a fresh process, so the RSS is this register's alone): start, then `--count` registrations
// timed one by one, then the resident memory. Prints one JSON object.

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const dir = arg('dir')!;
const count = Number(arg('count') ?? 200);

const t0 = performance.now();
const register = new Register({ dir, officeHours: { start: '00:00', end: '24:00', days: [0, 1, 2, 3, 4, 5, 6] } });
await register.start();
const startMs = performance.now() - t0;
const rssAfterStartMb = process.memoryUsage().rss / 2 ** 20;

const times: number[] = [];
for (let i = 0; i < count; i++) {
  const fields = {
    ...emptyFields(), issuer: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI', numberNotation: `${90000 + i}/BENCH-VP`, number: String(90000 + i),
    date: '2026-01-05', type: 'Công văn', summary: `Về việc đo thời gian đăng ký văn bản số ${i}`, recipients: ['Như trên;'], pages: 1,
  };
  const t = performance.now();
  await register.register(fields, 'bench');
  times.push(performance.now() - t);
}
global.gc?.();
const rssMb = process.memoryUsage().rss / 2 ** 20;
await register.stop();
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
process.stdout.write(JSON.stringify({ startMs: Math.round(startMs), p50Ms: +q(0.5).toFixed(2), p95Ms: +q(0.95).toFixed(2), rssAfterStartMb: Math.round(rssAfterStartMb), rssMb: Math.round(rssMb) }) + '\n');
