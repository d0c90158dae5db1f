import type { OcrEngine, OcrPage } from '../ocr/ocr.js';
import { expandInput } from '../ocr/page-input.js';
import { extractFields, type ExtractOptions } from './extract-fields.js';
import type { ExtractionResult } from './fields.js';
import { addStampLines, rereadRegion, signatureRegion } from './reread.js';

// One document end to end: its files (page images or PDFs) → OCR of every page (in parallel, the
// engine bounds the concurrency) → targeted re-reads of stamps and signature → fields.
// workDir receives rasterised and upright page images.

export async function refinePages(engine: OcrEngine, pages: OcrPage[]): Promise<OcrPage[]> {
  const kept = pages.map((p, i) => ({ p, i })).filter(({ p }) => !p.blank);
  if (!kept.length || !engine.recognizeRegion) return pages;
  const out = [...pages];
  const first = kept[0]!; const last = kept[kept.length - 1]!;
  const [stamped, signed] = await Promise.all([
    addStampLines(engine, first.p),
    rereadRegion(engine, last.p, signatureRegion(last.p)),
  ]);
  out[last.i] = signed;
  out[first.i] = first.i === last.i ? { ...signed, lines: [...signed.lines, ...stamped.lines.slice(first.p.lines.length)] } : stamped;
  return out;
}

export async function extractDocument(engine: OcrEngine, files: string[], workDir: string, opts: ExtractOptions = {}):
Promise<{ result: ExtractionResult; pages: OcrPage[] }> {
  const images = (await Promise.all(files.map((f) => expandInput(f, workDir)))).flat();
  const pages = await refinePages(engine, await Promise.all(images.map((img) => engine.recognize(img, { workDir }))));
  return { result: extractFields(pages, opts), pages };
}
