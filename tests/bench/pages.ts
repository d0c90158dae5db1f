import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEV_CORPUS, projectPath } from '../../appliance/config/paths.js';
import { argValue } from './rss-sampler.js';

// Page cleanup scored against the corpus truth, the way the issue checks it: the real CLI
// (`sohoa pages DOC... --out DIR --json`) over every page of the corpus, each answer compared with
// truth.json's variant (rotation, skew angle, blank pages). One line per corpus, then one summary:
//   node dist/tests/bench/index.js pages [--corpus=DIR[,DIR]] [--show-errors]
// Targets: orientation 100 %, |residual skew| ≤ 0.3°, blank pages found 100 %, 0 text pages dropped.

const exec = promisify(execFile);

interface Truth { id: string; files: string[]; variant: { name: string; blankPages?: number[]; params: { angleDeg?: number; rotateDeg?: number } } }
interface Answer { input: string; rotation: number; skewDeg: number; blank: boolean; bytes: number; format: string | null }

/** The clockwise turn that makes a page of this variant upright. */
export function expectedRotation(v: Truth['variant']): number {
  if (v.name === 'rotate-180') return 180;
  if (v.name === 'rotate-90') return (360 - (v.params.rotateDeg ?? 0)) % 360;
  return 0;
}

interface Figures {
  corpus: string; pages: number; orientationPct: number; skewResidualMaxDeg: number; skewResidualMeanDeg: number;
  skewedPages: number; blankFound: number; blankPages: number; textPagesDropped: number; kbPerPage: number; secondsPerPage: number;
}

async function score(corpus: string, showErrors: boolean): Promise<Figures> {
  const docs = readdirSync(corpus).filter((d) => existsSync(join(corpus, d, 'truth.json'))).sort();
  const pages: Array<{ path: string; rotation: number; skew: number; blank: boolean }> = [];
  for (const d of docs) {
    const t = JSON.parse(readFileSync(join(corpus, d, 'truth.json'), 'utf8')) as Truth;
    t.files.forEach((f, i) => pages.push({
      path: join(corpus, d, f), rotation: expectedRotation(t.variant), skew: t.variant.params.angleDeg ?? 0,
      blank: (t.variant.blankPages ?? []).includes(i + 1),
    }));
  }
  const out = await mkdtemp(join(tmpdir(), 'sohoa-bench-pages-'));
  try {
    const t0 = performance.now();
    const { stdout } = await exec(process.execPath, [projectPath('bin', 'sohoa.js'), 'pages', ...pages.map((p) => p.path), '--out', out, '--json'],
      { maxBuffer: 64 << 20, timeout: 30 * 60_000 });
    const seconds = (performance.now() - t0) / 1000;
    const answers = JSON.parse(stdout) as Answer[];
    let oriented = 0; let maxRes = 0; let sumRes = 0; let blankFound = 0; let dropped = 0; let bytes = 0; let written = 0;
    pages.forEach((p, i) => {
      const a = answers[i]!;
      if (a.input !== p.path) throw new Error(`bench pages: answer ${i} is for ${a.input}, not ${p.path}`);
      const errors: string[] = [];
      if (p.blank) { if (a.blank) blankFound++; else errors.push('blank page kept'); } else if (a.blank) { dropped++; errors.push('text page dropped'); }
      if (!p.blank) {
        if (a.rotation === p.rotation) oriented++; else errors.push(`rotation ${a.rotation}, expected ${p.rotation}`);
        const res = Math.abs(a.skewDeg - p.skew);
        maxRes = Math.max(maxRes, res); sumRes += res;
        if (res > 0.3) errors.push(`skew ${a.skewDeg}°, expected ${p.skew}°`);
      }
      if (a.format) { bytes += a.bytes; written++; }
      if (errors.length && showErrors) process.stderr.write(`${p.path}: ${errors.join('; ')}\n`);
    });
    const text = pages.filter((p) => !p.blank).length;
    const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
    return {
      corpus, pages: pages.length, orientationPct: round((100 * oriented) / text), skewResidualMaxDeg: round(maxRes),
      skewResidualMeanDeg: round(sumRes / text, 3), skewedPages: pages.filter((p) => p.skew !== 0).length,
      blankFound, blankPages: pages.filter((p) => p.blank).length, textPagesDropped: dropped,
      kbPerPage: Math.round(bytes / 1024 / Math.max(1, written)), secondsPerPage: round(seconds / pages.length),
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const corpora = (argValue(args, 'corpus') ?? `${DEV_CORPUS},${DEV_CORPUS}-font`).split(',').map((c) => resolve(c));
  const load0 = loadavg()[0]!;
  const all: Figures[] = [];
  for (const corpus of corpora) {
    if (!existsSync(corpus)) throw new Error(`bench pages: no corpus at ${corpus} (--corpus=DIR)`);
    const f = await score(corpus, args.includes('--show-errors'));
    all.push(f);
    process.stdout.write(JSON.stringify({ bench: 'pages-corpus', ...f }) + '\n');
  }
  const sum = (k: keyof Figures) => all.reduce((s, f) => s + (f[k] as number), 0);
  const text = sum('pages') - sum('blankPages');
  const ok = all.every((f) => f.orientationPct === 100 && f.skewResidualMaxDeg <= 0.3 && f.blankFound === f.blankPages && f.textPagesDropped === 0);
  process.stdout.write(JSON.stringify({
    bench: 'pages', pages: sum('pages'),
    orientationPct: Math.round((10000 * all.reduce((s, f) => s + (f.orientationPct / 100) * (f.pages - f.blankPages), 0)) / text) / 100,
    skewResidualMaxDeg: Math.max(...all.map((f) => f.skewResidualMaxDeg)),
    blankFound: sum('blankFound'), blankPages: sum('blankPages'), textPagesDropped: sum('textPagesDropped'),
    kbPerPage: Math.round(all.reduce((s, f) => s + f.kbPerPage * (f.pages - f.blankPages), 0) / text),
    secondsPerPage: Math.round((100 * all.reduce((s, f) => s + f.secondsPerPage * f.pages, 0)) / sum('pages')) / 100,
    targetsMet: ok, load1: Math.round(load0 * 100) / 100, loadEnd: Math.round(loadavg()[0]! * 100) / 100,
  }) + '\n');
}
