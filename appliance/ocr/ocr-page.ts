import type { BBox, OcrLine, OcrPage, OcrWord } from './ocr.js';
import type { PreparedPage } from './prepare-page.js';

// Assembling an OcrPage from recognised lines, shared by both engines.

export function lineFromWords(words: OcrWord[]): OcrLine {
  const text = words.map((w) => w.text).join(' ');
  const confidence = words.length ? words.reduce((s, w) => s + w.confidence, 0) / words.length : 0;
  const bbox = {
    x0: Math.min(...words.map((w) => w.bbox.x0)), y0: Math.min(...words.map((w) => w.bbox.y0)),
    x1: Math.max(...words.map((w) => w.bbox.x1)), y1: Math.max(...words.map((w) => w.bbox.y1)),
  };
  return { text, confidence, bbox, words };
}

export function buildPage(prep: PreparedPage, lines: OcrLine[]): OcrPage {
  const clean = lines
    .map((l) => ({ ...l, text: l.text.normalize('NFC').trim(), words: l.words.map((w) => ({ ...w, text: w.text.normalize('NFC') })) }))
    .filter((l) => l.text.length > 0);
  // a page with hardly any confident word is blank paper with specks or bleed-through
  const confident = clean.flatMap((l) => l.words).filter((w) => w.confidence >= 60 && /\p{L}{2}/u.test(w.text));
  const blank = prep.blank || confident.length < 3;
  return {
    imagePath: prep.imagePath, width: prep.width, height: prep.height, dpi: prep.dpi,
    rotation: prep.rotation, blank,
    text: blank ? '' : clean.map((l) => l.text).join('\n'),
    lines: blank ? [] : clean,
  };
}

/** Tesseract's page segmentation mode for each region layout (ocr.ts RegionOptions). */
export const PSM = { sparse: '11', page: '3', block: '6', line: '7' } as const;

/** A region clipped to the page, in whole pixels; null when nothing is left. */
export function clampRegion(page: OcrPage, r: BBox): BBox | null {
  const x0 = Math.max(0, Math.floor(r.x0)); const y0 = Math.max(0, Math.floor(r.y0));
  const x1 = Math.min(page.width, Math.ceil(r.x1)); const y1 = Math.min(page.height, Math.ceil(r.y1));
  return x1 - x0 >= 16 && y1 - y0 >= 16 ? { x0, y0, x1, y1 } : null;
}

/** Moves lines read from a crop back into page coordinates. */
export function offsetLines(lines: OcrLine[], dx: number, dy: number): OcrLine[] {
  const mv = (b: BBox): BBox => ({ x0: b.x0 + dx, y0: b.y0 + dy, x1: b.x1 + dx, y1: b.y1 + dy });
  return lines.map((l) => ({ ...l, bbox: mv(l.bbox), words: l.words.map((w) => ({ ...w, bbox: mv(w.bbox) })) }));
}
