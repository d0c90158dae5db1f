import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createWorker } from 'tesseract.js';
import { DEBIAN_TESSDATA, NPM_VIE } from '../../appliance/ocr/create-engine.js';
import { NativeTesseractEngine, runTesseract } from '../../appliance/ocr/native-engine.js';
import { preparePage } from '../../appliance/ocr/prepare-page.js';
import { buildSearchablePdf } from '../../appliance/pdf/searchable-pdf.js';
import { DEV_CORPUS } from '../../appliance/config/paths.js';
import { RssSampler, argValue } from './rss-sampler.js';

// Pages per minute from page images to a searchable PDF, one process or worker per core
// (OMP_THREAD_LIMIT=1 everywhere), on the same upright, non-blank page images (orientation and
// blank detection are ours and done beforehand, for every engine alike):
//   tesseract.js  — the worker pool (2 workers, pdf output), the engine that always works;
//   sohoa-native  — the appliance's native engine behind OcrEngine (tesseract CLI, TSV) + its own
//                   searchable-PDF builder (appliance/pdf), what the appliance runs when installed;
//   native        — the `tesseract` command, pdf output, one process per core;
//   ocrmypdf      — `ocrmypdf -l vie --jobs 1`, one process per core.
// Targets: tesseract.js ≥ 0.9× native, ≥ 1.5× ocrmypdf, peak RSS ≤ 700 MB. Each engine runs in a
// child process of its own and its peak RSS is that child's process tree (child + its tesseract
// or ocrmypdf processes), so no engine's leftovers count for another.
//
// Pages: the whole corpus takes ~13 min on 2 cores (ocrmypdf alone ~7), so the default is a
// deterministic subset that covers every degradation variant: for each variant (truth.json
// `variant.name`), the first non-blank page of its first PAGES_PER_VARIANT documents in name order.
// `--all` runs every non-blank page of the corpus; `--pages=N` cuts the list to N.
//   node dist/tests/bench/index.js ocr [--corpus=DIR] [--all] [--pages=N] [--skip-ocrmypdf]

const CORES = 2;
const PAGES_PER_VARIANT = 2;
const ENGINES = ['tesseract.js', 'sohoa-native', 'native', 'ocrmypdf'] as const;
type EngineName = (typeof ENGINES)[number];
interface Result { ppm: number; rss: number; seconds: number; cpu: { node: number; children: number } }
interface PageJob { path: string; dpi: number; width: number; height: number; variant: string }

async function pool<T>(items: T[], n: number, fn: (x: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < items.length) { const i = next++; await fn(items[i]!, i); } }));
}

function ocrmypdf(img: string, out: string, dpi: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn('ocrmypdf', ['-l', 'vie', '--jobs', '1', '--image-dpi', String(dpi), '--output-type', 'pdf', '--optimize', '0', '--quiet', img, out],
      { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, stdio: 'ignore' });
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ocrmypdf exit ${code} on ${img}`))));
  });
}

/** In the child: one engine over the page list; prints {seconds} on stdout. Start-up is not timed. */
async function child(name: EngineName, pages: PageJob[], work: string): Promise<void> {
  let fn: (p: PageJob, i: number) => Promise<void>;
  let done = async (): Promise<void> => {};
  let width = CORES;
  if (name === 'tesseract.js') {
    const langPath = existsSync(join(DEBIAN_TESSDATA, 'vie.traineddata')) ? DEBIAN_TESSDATA : NPM_VIE;
    const workers = await Promise.all(Array.from({ length: CORES }, () =>
      createWorker('vie', 1, { langPath, gzip: langPath === NPM_VIE, cacheMethod: 'none' })));
    const idle = [...workers];
    fn = async (p, i) => {
      const w = idle.pop()!;
      try {
        await w.setParameters({ user_defined_dpi: String(p.dpi) });
        const { data } = await w.recognize(p.path, { pdfTitle: 'sohoa' }, { pdf: true, text: false });
        await writeFile(join(work, `js-${i}.pdf`), Buffer.from(data.pdf!));
      } finally { idle.push(w); }
    };
    done = async () => { await Promise.all(workers.map((w) => w.terminate())); };
  } else if (name === 'sohoa-native') {
    const engine = new NativeTesseractEngine({ tessdataDir: DEBIAN_TESSDATA, processes: CORES });
    // still CORES tesseract processes (the engine's limiter), but one page more in flight, so the
    // preparation and PDF of one page overlap the OCR of the next instead of leaving a core idle
    width = CORES + 1;
    fn = async (p, i) => {
      const page = await engine.recognize(p.path, { workDir: work });
      await writeFile(join(work, `sohoa-${i}.pdf`), await buildSearchablePdf([page], { title: 'sohoa' }));
    };
    done = () => engine.close();
  } else if (name === 'native') {
    fn = async (p, i) => { await runTesseract([p.path, join(work, `native-${i}`), '-l', 'vie', '--dpi', String(p.dpi), 'pdf'], DEBIAN_TESSDATA); };
  } else {
    fn = (p, i) => ocrmypdf(p.path, join(work, `omp-${i}.pdf`), p.dpi);
  }
  const t0 = performance.now(); const cpu0 = cpuSeconds();
  await pool(pages, width, fn);
  const seconds = (performance.now() - t0) / 1000; const cpu1 = cpuSeconds();
  await done();
  process.stdout.write(JSON.stringify({ seconds, nodeCpu: cpu1.own - cpu0.own, childCpu: cpu1.children - cpu0.children }) + '\n');
}

/**
 * CPU seconds of this process and of its ended children (tesseract, ocrmypdf), from /proc: where
 * an engine's time goes (the Node side of ours vs the recogniser both share the two cores).
 */
function cpuSeconds(): { own: number; children: number } {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
  const tick = 100; // USER_HZ on Linux
  return { own: (Number(f[11]) + Number(f[12])) / tick, children: (Number(f[13]) + Number(f[14])) / tick };
}

function runChild(name: EngineName, list: string, work: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const index = fileURLToPath(new URL('./index.js', import.meta.url));
    const c = spawn(process.execPath, [index, 'ocr', `--child=${name}`, `--list=${list}`, `--work=${work}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const rss = new RssSampler(c.pid!); rss.start();
    let out = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString('utf8'); });
    c.on('error', reject);
    c.on('close', (code) => {
      const peak = rss.stop();
      if (code !== 0) { reject(new Error(`bench ocr: ${name} exited ${code}`)); return; }
      const { seconds, nodeCpu, childCpu } = JSON.parse(out.trim().split('\n').pop()!) as { seconds: number; nodeCpu: number; childCpu: number };
      const pages = (JSON.parse(readFileSync(list, 'utf8')) as PageJob[]).length;
      const r1 = (x: number): number => Math.round(x * 10) / 10;
      resolve({ ppm: r1((pages / seconds) * 60), rss: peak, seconds: r1(seconds), cpu: { node: r1(nodeCpu), children: r1(childCpu) } });
    });
  });
}

export async function run(args: string[]): Promise<void> {
  const childName = argValue(args, 'child') as EngineName | undefined;
  if (childName) {
    await child(childName, JSON.parse(readFileSync(argValue(args, 'list')!, 'utf8')) as PageJob[], argValue(args, 'work')!);
    return;
  }
  const corpus = argValue(args, 'corpus') ?? DEV_CORPUS;
  if (!existsSync(corpus)) throw new Error(`bench ocr: no corpus at ${corpus} (--corpus=DIR or SOHOA_SHARED)`);
  const limit = Number(argValue(args, 'pages') ?? Infinity);
  const all = args.includes('--all');
  const work = await mkdtemp(join(tmpdir(), 'sohoa-bench-ocr-'));
  try {
    const docs = readdirSync(corpus).sort().filter((d) => existsSync(join(corpus, d, 'truth.json')))
      .map((d) => { const t = JSON.parse(readFileSync(join(corpus, d, 'truth.json'), 'utf8')) as { files: string[]; variant?: { name?: string } }; return { d, files: t.files, variant: t.variant?.name ?? 'unknown' }; });
    const perVariant = new Map<string, number>();
    const pages: PageJob[] = [];
    for (const doc of docs) {
      if (!all && (perVariant.get(doc.variant) ?? 0) >= PAGES_PER_VARIANT) continue;
      for (const f of doc.files) {
        // each document's upright pages in a folder of their own: the pages of different
        // documents share file names (page-1.png), and one upright file would overwrite another
        const docWork = join(work, doc.d);
        await mkdir(docWork, { recursive: true });
        const p = await preparePage(join(corpus, doc.d, f), docWork);
        if (p.blank) continue;
        pages.push({ path: p.imagePath, dpi: p.dpi, width: p.width, height: p.height, variant: doc.variant });
        if (!all) break; // the subset: one page per document
      }
      perVariant.set(doc.variant, (perVariant.get(doc.variant) ?? 0) + 1);
    }
    const list = join(work, 'pages.json');
    await writeFile(list, JSON.stringify(pages.slice(0, limit)));
    const n = Math.min(limit, pages.length);
    const variants = new Set(pages.slice(0, n).map((p) => p.variant));
    process.stderr.write(`bench ocr: ${n} pages (${all ? 'whole corpus' : `subset: ${PAGES_PER_VARIANT} per variant`}), variants ${[...variants].sort().join(', ')}\n`);
    const load0 = loadavg()[0]!;
    const r: Partial<Record<EngineName, Result>> = {};
    for (const name of ENGINES) {
      if (name === 'ocrmypdf' && args.includes('--skip-ocrmypdf')) continue;
      r[name] = await runChild(name, list, work);
      process.stderr.write(`bench ocr: ${name} ${r[name]!.ppm} pages/min (${r[name]!.seconds} s; CPU s: node ${r[name]!.cpu.node}, children ${r[name]!.cpu.children}), peak RSS ${r[name]!.rss} MB\n`);
    }
    const ratio = (a?: { ppm: number }, b?: { ppm: number }): number | null => (a && b ? Math.round((a.ppm / b.ppm) * 100) / 100 : null);
    process.stdout.write(JSON.stringify({
      bench: 'ocr', pages: n, selection: all ? 'all non-blank pages' : `first non-blank page of the first ${PAGES_PER_VARIANT} documents of each variant`,
      variants: [...variants].sort(),
      tesseractJs: r['tesseract.js']?.ppm, sohoaNative: r['sohoa-native']?.ppm, native: r.native?.ppm, ocrmypdf: r.ocrmypdf?.ppm ?? null,
      ratioVsNative: ratio(r['tesseract.js'], r.native), ratioVsOcrmypdf: ratio(r['tesseract.js'], r.ocrmypdf),
      sohoaNativeVsNative: ratio(r['sohoa-native'], r.native), sohoaNativeVsOcrmypdf: ratio(r['sohoa-native'], r.ocrmypdf),
      peakRssMb: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.rss])),
      cpuSeconds: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.cpu])),
      loadAvg1m: [Math.round(load0 * 100) / 100, Math.round(loadavg()[0]! * 100) / 100],
      targets: { ratioVsNative: 0.9, ratioVsOcrmypdf: 1.5, peakRssMb: 700 },
      unit: 'pages/min (page images → searchable PDF); MB (child process tree)',
    }) + '\n');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
