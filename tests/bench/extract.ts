import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { createOcrEngine, type EngineKind } from '../../appliance/ocr/create-engine.js';
import { extractDocumentProgressive, refinePages } from '../../appliance/extract/extract-document.js';
import { extractFields } from '../../appliance/extract/extract-fields.js';
import { DEV_CORPUS } from '../../appliance/config/paths.js';
import { RssSampler, argValue } from './rss-sampler.js';
import { profileStart, profileStop, type Span } from '../../appliance/ocr/profile.js';

// The clerk's wait: page images on disk → fields, for every one-page document of the dev corpus,
// one document at a time (the next starts once the previous one's body is read too, so each is
// timed on an otherwise idle engine), engine started once (a warm-up document first, not timed).
// Fields come from extractDocumentProgressive: header and signature bands first, body after —
// the path the desk takes for a one-page scan job (pipeline/page-reader.ts recogniseFieldsFirst).
// Figures: p50/p95 of the time to fields, the same for the whole text (`full`), how many documents
// had their fields before their body was read, and peak RSS of this process plus its child
// processes (native tesseract), sampled from /proc every 50 ms (rss-sampler.ts).
// --compare also times, right after each document, the whole-page path (every page OCR'd whole,
// then the re-reads, then the fields: the desk's path for a job of several pages), so both see the
// same machine load.
// --profile prints, per document, one JSON line {"bench":"extract-profile",...}: the time of each
// stage (ms; decode, orientation analysis, speckle measure, upright image write, each tesseract
// call with its wait for a process, re-reads, extraction) and when it ended relative to the
// fields; then one line with the median of each stage over the documents.
//   node dist/tests/bench/index.js extract [--corpus=DIR] [--docs=N] [--engine=auto|native|tesseract.js] [--compare] [--profile]

export async function run(args: string[]): Promise<void> {
  const corpus = argValue(args, 'corpus') ?? DEV_CORPUS;
  const limit = Number(argValue(args, 'docs') ?? Infinity);
  const kind = (argValue(args, 'engine') ?? 'auto') as EngineKind;
  if (!existsSync(corpus)) throw new Error(`bench extract: no corpus at ${corpus} (--corpus=DIR or SOHOA_SHARED)`);
  const docs = readdirSync(corpus).sort()
    .filter((d) => existsSync(join(corpus, d, 'truth.json')))
    .map((d) => ({ d, files: JSON.parse(readFileSync(join(corpus, d, 'truth.json'), 'utf8')).files as string[] }))
    .filter((x) => x.files.length === 1).slice(0, limit);
  const engine = createOcrEngine({ engine: kind, workers: 2 });
  const work = await mkdtemp(join(tmpdir(), 'sohoa-bench-extract-'));
  const load0 = loadavg()[0]!;
  const rss = new RssSampler(); rss.start();
  const toFields: number[] = []; const toFull: number[] = []; const whole: number[] = [];
  let early = 0;
  const profile = args.includes('--profile');
  const perStage = new Map<string, number[]>();
  try {
    // warm-up: worker start / model load is paid once at service start, not per document
    await extractDocumentProgressive(engine, [join(corpus, docs[0]!.d, docs[0]!.files[0]!)], work).full;
    for (const { d, files } of docs) {
      if (profile) profileStart();
      const t0 = performance.now();
      const p = extractDocumentProgressive(engine, files.map((f) => join(corpus, d, f)), work);
      let fullAt = 0;
      const full = p.full.then((r) => { fullAt = performance.now(); return r; });
      await p.fields;
      const fieldsAt = performance.now();
      if (!fullAt) early++;
      await full;
      toFields.push((fieldsAt - t0) / 1000); toFull.push((fullAt - t0) / 1000);
      if (profile) printProfile(d, profileStop(), fieldsAt - t0, fullAt - t0, perStage);
      if (args.includes('--compare')) {
        const t1 = performance.now();
        const pages = await Promise.all(files.map((f) => engine.recognize(join(corpus, d, f), { workDir: work })));
        extractFields(await refinePages(engine, pages));
        whole.push((performance.now() - t1) / 1000);
      }
    }
  } finally {
    await engine.close();
    await rm(work, { recursive: true, force: true });
  }
  const peak = rss.stop();
  if (profile) {
    const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    process.stdout.write(JSON.stringify({
      bench: 'extract-profile', summary: 'median over documents of each stage (ms, summed within a document; 0 when a document did not run it)',
      stages: Object.fromEntries([...perStage].map(([k, v]) => [k, med([...v, ...Array(toFields.length - v.length).fill(0)])])),
      loadAvg1m: Math.round(loadavg()[0]! * 100) / 100,
    }) + '\n');
  }
  const q = (xs: number[], p: number): number => {
    const s = [...xs].sort((a, b) => a - b);
    return Math.round(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]! * 100) / 100;
  };
  process.stdout.write(JSON.stringify({
    bench: 'extract', engine: engine.constructor.name, corpus, documents: toFields.length,
    p50: q(toFields, 0.5), p95: q(toFields, 0.95), max: q(toFields, 1),
    fullTextP50: q(toFull, 0.5), fullTextP95: q(toFull, 0.95), fieldsBeforeBody: early,
    ...(whole.length ? { wholePageP50: q(whole, 0.5), wholePageP95: q(whole, 0.95) } : {}),
    peakRssMb: peak, peakRssIncludes: 'node + child processes', loadAvg1m: [Math.round(load0 * 100) / 100, Math.round(loadavg()[0]! * 100) / 100],
    target_p50: 2.0, unit: 's from page image on disk to fields, one-page documents; MB',
  }) + '\n');
}

/** One document's stages: total ms per stage, and the timeline (start-end ms) of the OCR calls. */
function printProfile(doc: string, spans: Span[], fieldsMs: number, fullMs: number, perStage: Map<string, number[]>): void {
  const totals: Record<string, number> = {};
  for (const s of spans) totals[s.stage] = (totals[s.stage] ?? 0) + (s.end - s.start);
  for (const [k, v] of Object.entries(totals)) perStage.set(k, [...(perStage.get(k) ?? []), v]);
  const timeline = [...spans].sort((a, b) => a.start - b.start)
    .map((s) => `${s.stage}${s.detail ? `(${s.detail})` : ''} ${s.start}-${s.end}${s.end <= fieldsMs ? '' : ' after-fields'}`);
  process.stdout.write(JSON.stringify({
    bench: 'extract-profile', doc, fieldsMs: Math.round(fieldsMs), fullMs: Math.round(fullMs), stages: totals, timeline,
    loadAvg1m: Math.round(loadavg()[0]! * 100) / 100,
  }) + '\n');
}
