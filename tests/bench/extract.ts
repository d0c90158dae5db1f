import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOcrEngine, type EngineKind } from '../../appliance/ocr/create-engine.js';
import { extractDocument } from '../../appliance/extract/extract-document.js';
import { RssSampler, argValue } from './rss-sampler.js';

// Page images on disk → fields, one-page documents of the dev corpus one after the other (the
// clerk's wait per document), engine loaded once. Target: p50 ≤ 2.0 s on 2 cores.
//   node dist/tests/bench/index.js extract [--corpus=DIR] [--docs=N] [--engine=auto|native|tesseract.js]

export async function run(args: string[]): Promise<void> {
  const corpus = argValue(args, 'corpus') ?? '/work/shared/corpus/dev';
  const limit = Number(argValue(args, 'docs') ?? 20);
  const kind = (argValue(args, 'engine') ?? 'auto') as EngineKind;
  if (!existsSync(corpus)) throw new Error(`bench extract: no corpus at ${corpus} (--corpus=DIR)`);
  const docs = readdirSync(corpus).sort()
    .map((d) => ({ d, files: JSON.parse(readFileSync(join(corpus, d, 'truth.json'), 'utf8')).files as string[] }))
    .filter((x) => x.files.length === 1).slice(0, limit);
  const engine = createOcrEngine({ engine: kind, workers: 2 });
  const work = await mkdtemp(join(tmpdir(), 'sohoa-bench-extract-'));
  const rss = new RssSampler(); rss.start();
  const times: number[] = [];
  try {
    // warm-up: worker start / model load is paid once at service start, not per document
    await extractDocument(engine, [join(corpus, docs[0]!.d, docs[0]!.files[0]!)], work);
    for (const { d, files } of docs) {
      const t0 = performance.now();
      await extractDocument(engine, files.map((f) => join(corpus, d, f)), work);
      times.push((performance.now() - t0) / 1000);
    }
  } finally {
    await engine.close();
    await rm(work, { recursive: true, force: true });
  }
  const peak = rss.stop();
  const s = [...times].sort((a, b) => a - b);
  const q = (p: number): number => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 100) / 100;
  process.stdout.write(JSON.stringify({ bench: 'extract', engine: engine.constructor.name, documents: s.length, p50: q(0.5), p95: q(0.95), peakRssMb: peak, target_p50: 2.0, unit: 's per one-page document; MB' }) + '\n');
}
