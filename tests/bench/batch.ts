import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir, availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startAppliance } from '../../appliance/app.js';
import { DEV_CORPUS, projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import type { JobView } from '../../appliance/pipeline/desk.js';
import { apiAs, provisionedDefaults, scannerControl } from '../helpers/appliance.js';
import { RssSampler, argValue } from './rss-sampler.js';
import { cpuFigures, load1, readCpu } from './cpu-meter.js';
import { profileStart, profileStop, type Span } from '../../appliance/ocr/profile.js';

// `npm run bench -- batch [--ppm=30] [--pages=N] [--corpus=DIR[,DIR]] [--niceness=0..19]`: a stack of ≥ 100 real
// pages through the whole appliance as on the desk ("Quét cả tập"): the eSCL simulator's feeder at
// --ppm pages per minute, sane-airscan, capture (preview, blank judgement), OCR, the split into
// documents, field extraction, until every document of the stack is ready for review. The figures:
//   adfPagesPerMin  the feeder's rate as observed (first to last page scanned)
//   pagesPerMin     end to end: pages / (batch started → every document ready for review)
//   adfStalls       how often the feeder had a sheet ready and the host did not ask for it
//   peakRssMb       this process (the appliance runs in it) and its children (scanimage, tesseract)
//   cpuSecondsPerPage  CPU (user + sys) of this process and its children (tesseract, scanimage,
//                   zbarimg) from the batch's start until it is ready for review, per page: unlike
//                   pagesPerMin it hardly moves with the machine's load
//   capacityPagesPerMin  cores × 60 / cpuSecondsPerPage: the pace the cores could carry alone
//   load1Start/load1End  the 1-minute load average at the start and the end (a busy machine
//                   makes pagesPerMin inconclusive)
// Target: pagesPerMin ≥ the ADF's 30 on 2 cores, peakRssMb ≤ 700. Last line: one JSON object.
// `--profile` also prints (stderr) the stage spans (appliance/ocr/profile.ts) summed by stage.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The stack: every page of the corpora, document after document (blank backs included). */
function stackOf(corpora: string[]): string[] {
  const files: string[] = [];
  for (const corpus of corpora) {
    for (const doc of readdirSync(corpus).sort()) {
      const truth = join(corpus, doc, 'truth.json');
      if (!existsSync(truth)) continue;
      files.push(...(JSON.parse(readFileSync(truth, 'utf8')) as { files: string[] }).files.map((f) => join(corpus, doc, f)));
    }
  }
  return files;
}

export async function run(args: string[]): Promise<void> {
  const ppm = Number(argValue(args, 'ppm') ?? 30);
  const corpora = (argValue(args, 'corpus') ?? `${DEV_CORPUS},${DEV_CORPUS}-font`).split(',').map((c) => resolve(c)).filter(existsSync);
  let stack = corpora.length ? stackOf(corpora) : [];
  if (stack.length === 0) stack = stackOf([projectPath('provisioning', 'demo-pages')]);
  const want = Number(argValue(args, 'pages') ?? Math.max(100, stack.length));
  while (stack.length < want) stack = [...stack, ...stack];
  stack = stack.slice(0, want);

  const dir = await mkdtemp(join(tmpdir(), 'sohoa-bench-batch-'));
  const base = await provisionedDefaults(dir);
  const config = {
    ...base,
    ocr: { ...base.ocr, workers: availableParallelism(), niceness: Number(argValue(args, 'niceness') ?? base.ocr.niceness) },
    scanner: { ...base.scanner, simulator: { ...base.scanner.simulator, pagesPerMinute: ppm } },
  };
  const rss = new RssSampler();
  const load0 = load1();
  const profile = args.includes('--profile');
  const appliance = await startAppliance(config, { log: silentLogger() });
  try {
    const api = apiAs('Bench', () => appliance.url, () => dir);
    const sim = scannerControl(() => appliance.scannerSimulatorUrl);
    await sim('feeder', { files: stack });
    const scanned: number[] = [];
    appliance.bus.on('scan.page', () => { scanned.push(performance.now()); });
    rss.start();
    // the service's event loop (the eSCL simulator answers on it too, in this process): a block
    // longer than the simulator's grace counts as a feeder stall although the driver asked in time
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    if (profile) profileStart();
    const cpu0 = readCpu();
    const t0 = performance.now();
    const started = await api<JobView>('POST', '/api/batch', {});
    if (started.status !== 200) throw new Error(`bench batch: POST /api/batch answered ${started.status} ${JSON.stringify(started.body)}`);
    const batchId = started.body.jobId;
    let cpuDone = cpu0;
    let done = 0; let documents = 0; let failed = 0; let lastNote = 0;
    for (;;) {
      await sleep(1000);
      const jobs = (await api<JobView[]>('GET', '/api/jobs')).body;
      const batch = jobs.find((j) => j.jobId === batchId);
      if (!batch) throw new Error('bench batch: the batch job disappeared');
      if (batch.state === 'failed' && batch.batch?.documents.length === 0) throw new Error(`bench batch: the batch failed: ${JSON.stringify(batch.error)}`);
      const docs = jobs.filter((j) => j.split?.batchId === batchId);
      if (batch.state === 'split' && docs.length > 0 && docs.every((d) => d.state !== 'extracting' && d.state !== 'scanning')) {
        cpuDone = readCpu(); done = performance.now(); documents = docs.length; failed = docs.filter((d) => d.state === 'failed').length;
        break;
      }
      if (performance.now() - lastNote > 30_000) {
        lastNote = performance.now();
        process.stderr.write(`bench batch: ${batch.batch?.pagesScanned ?? 0}/${stack.length} pages scanned, ${docs.length} documents split, load ${loadavg()[0]!.toFixed(1)}\n`);
      }
      if (performance.now() - t0 > 60 * 60_000) throw new Error('bench batch: not done within an hour');
    }
    const peakRssMb = rss.stop();
    loopDelay.disable();
    if (profile) printProfile(profileStop());
    const state = await (await fetch(`${appliance.scannerSimulatorUrl}/control/state`)).json() as { adfStalls: number; pagesFed: number };
    const adfSeconds = (scanned.at(-1)! - scanned[0]!) / 1000;
    const round = (n: number) => Math.round(n * 10) / 10;
    process.stdout.write(JSON.stringify({
      bench: 'batch', pages: scanned.length, documents, documentsFailed: failed, ppmAsked: ppm,
      adfPagesPerMin: round(((scanned.length - 1) / adfSeconds) * 60), pagesPerMin: round((scanned.length / ((done - t0) / 1000)) * 60),
      secondsTotal: round((done - t0) / 1000), reviewLagSeconds: round((done - scanned.at(-1)!) / 1000),
      adfStalls: state.adfStalls, eventLoopDelayMs: { p99: Math.round(loopDelay.percentile(99) / 1e6), max: Math.round(loopDelay.max / 1e6) }, peakRssMb, ocrWorkers: config.ocr.workers, ocrNiceness: config.ocr.niceness, cores: availableParallelism(),
      ...cpuFigures(cpu0, cpuDone, scanned.length, availableParallelism()),
      load1Start: load0, load1End: load1(),
    }) + '\n');
  } finally {
    rss.stop();
    await appliance.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Wall time of each stage summed over the batch (spans overlap: a sum can exceed the run). */
function printProfile(spans: Span[]): void {
  const by = new Map<string, { n: number; ms: number }>();
  for (const sp of spans) {
    const key = sp.stage === 'tesseract.run' ? `${sp.stage} ${sp.detail?.split(' ').slice(0, 2).join(' ') ?? ''}` : sp.stage;
    const e = by.get(key) ?? { n: 0, ms: 0 };
    e.n++; e.ms += sp.end - sp.start;
    by.set(key, e);
  }
  for (const [k, e] of [...by].sort((a, b) => b[1].ms - a[1].ms)) process.stderr.write(`profile ${k.padEnd(40)} ${String(e.n).padStart(5)}× ${(e.ms / 1000).toFixed(1).padStart(7)} s\n`);
}
