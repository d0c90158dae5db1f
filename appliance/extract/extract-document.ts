import type { OcrEngine, OcrPage } from '../ocr/ocr.js';
import { expandInput } from '../ocr/page-input.js';
import { extractFields, type ExtractOptions } from './extract-fields.js';
import type { ExtractionResult } from './fields.js';

// One document end to end: its files (page images or PDFs) → OCR of every page (in parallel, the
// engine bounds the concurrency) → fields. workDir receives rasterised and upright page images.

export async function extractDocument(engine: OcrEngine, files: string[], workDir: string, opts: ExtractOptions = {}):
Promise<{ result: ExtractionResult; pages: OcrPage[] }> {
  const images = (await Promise.all(files.map((f) => expandInput(f, workDir)))).flat();
  const pages = await Promise.all(images.map((img) => engine.recognize(img, { workDir })));
  return { result: extractFields(pages, opts), pages };
}
