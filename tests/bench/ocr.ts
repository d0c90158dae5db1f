import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createWorker } from 'tesseract.js';
import { DEBIAN_TESSDATA, NPM_VIE } from '../../appliance/ocr/create-engine.js';
import { runTesseract } from '../../appliance/ocr/native-engine.js';
import { preparePage } from '../../appliance/ocr/prepare-page.js';
import { RssSampler, argValue } from './rss-sampler.js';

// Pages per minute from page images to a searchable PDF over the dev corpus, one process or worker
// per core (OMP_THREAD_LIMIT=1 everywhere): the tesseract.js worker pool (pdf output) against
// native tesseract (pdf output) and ocrmypdf -l vie. Targets: ≥ 0.9× native, ≥ 1.5× ocrmypdf,
// peak RSS ≤ 700 MB.
//   node dist/tests/bench/index.js ocr [--corpus=DIR] [--pages=N] [--skip-ocrmypdf]

const CORES = 2;

async function pool<T>(items: T[], n: number, fn: (x: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < items.length) { const i = next++; await fn(items[i]!, i); } }));
}

async function measure(name: string, pages: string[], fn: (p: string, i: number) => Promise<void>): Promise<{ ppm: number; rss: number }> {
  const rss = new RssSampler(); rss.start();
  const t0 = performance.now();
  await pool(pages, CORES, fn);
  const s = (performance.now() - t0) / 1000;
  const r = { ppm: Math.round((pages.length / s) * 60 * 10) / 10, rss: rss.stop() };
  process.stderr.write(`bench ocr: ${name} ${r.ppm} pages/min, ${r.rss} MB\n`);
  return r;
}

function ocrmypdf(img: string, out: string, dpi: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn('ocrmypdf', ['-l', 'vie', '--jobs', '1', '--image-dpi', String(dpi), '--output-type', 'pdf', '--optimize', '0', '--quiet', img, out],
      { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, stdio: 'ignore' });
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ocrmypdf exit ${code} on ${img}`))));
  });
}

export async function run(args: string[]): Promise<void> {
  const corpus = argValue(args, 'corpus') ?? '/work/shared/corpus/dev';
  if (!existsSync(corpus)) throw new Error(`bench ocr: no corpus at ${corpus} (--corpus=DIR)`);
  const limit = Number(argValue(args, 'pages') ?? Infinity);
  const work = await mkdtemp(join(tmpdir(), 'sohoa-bench-ocr-'));
  try {
    // the same upright, non-blank page images for every engine (orientation is ours, timed apart)
    const all = readdirSync(corpus).sort().flatMap((d) => (JSON.parse(readFileSync(join(corpus, d, 'truth.json'), 'utf8')).files as string[]).map((f) => join(corpus, d, f)));
    const prepared: Awaited<ReturnType<typeof preparePage>>[] = [];
    for (const p of all) { const pp = await preparePage(p, work); if (!pp.blank) prepared.push(pp); }
    const pages = prepared.slice(0, limit).map((p) => p.imagePath);
    const dpi = (i: number): number => prepared[i]!.dpi;

    const langPath = existsSync(join(DEBIAN_TESSDATA, 'vie.traineddata')) ? DEBIAN_TESSDATA : NPM_VIE;
    const workers = await Promise.all(Array.from({ length: CORES }, () =>
      createWorker('vie', 1, { langPath, gzip: langPath === NPM_VIE, cacheMethod: 'none' })));
    const idle = [...workers];
    const js = await measure('tesseract.js', pages, async (p, i) => {
      const w = idle.pop()!;
      try {
        await w.setParameters({ user_defined_dpi: String(dpi(i)) });
        const { data } = await w.recognize(p, { pdfTitle: 'sohoa' }, { pdf: true, text: false });
        await writeFile(join(work, `js-${i}.pdf`), Buffer.from(data.pdf!));
      } finally { idle.push(w); }
    });
    await Promise.all(workers.map((w) => w.terminate()));

    const native = await measure('native', pages, async (p, i) => {
      await runTesseract([p, join(work, `native-${i}`), '-l', 'vie', '--dpi', String(dpi(i)), 'pdf'], DEBIAN_TESSDATA);
    });
    const omp = args.includes('--skip-ocrmypdf') ? null
      : await measure('ocrmypdf', pages, (p, i) => ocrmypdf(p, join(work, `omp-${i}.pdf`), dpi(i)));
    process.stdout.write(JSON.stringify({
      bench: 'ocr', pages: pages.length, trainedData: langPath,
      tesseractJs: js.ppm, native: native.ppm, ocrmypdf: omp?.ppm ?? null,
      ratioVsNative: Math.round((js.ppm / native.ppm) * 100) / 100,
      ratioVsOcrmypdf: omp ? Math.round((js.ppm / omp.ppm) * 100) / 100 : null,
      peakRssMbTesseractJs: js.rss, peakRssMbNative: native.rss, peakRssMbOcrmypdf: omp?.rss ?? null,
      unit: 'pages/min (searchable PDF); MB',
    }) + '\n');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
