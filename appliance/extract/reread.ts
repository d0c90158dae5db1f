import type { BBox, OcrEngine, OcrLine, OcrPage } from '../ocr/ocr.js';
import { pageSegments } from './layout.js';
import { fold } from './vn-text.js';
import { marksInLine } from './patterns.js';

// A second, targeted OCR pass where full-page layout analysis loses text: boxed stamps beside the
// number (read as a picture) and the signature block (seal and handwriting drawn over the title
// and name). Sparse-text segmentation on those rectangles finds them again.

const inside = (b: BBox, r: BBox): boolean => {
  const x = (b.x0 + b.x1) / 2; const y = (b.y0 + b.y1) / 2;
  return x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1;
};

/** Right part of the last page from the "Nơi nhận" line (or the end of the body) down. */
export function signatureRegion(page: OcrPage): BBox {
  const segs = pageSegments(page);
  const recv = segs.find((s) => /^NOI NHAN/.test(fold(s.text)));
  const end = [...segs].reverse().find((s) => /\.\/\.$/.test(s.text.trim()));
  const top = recv ? recv.bbox.y0 - 10 : end ? end.bbox.y1 : page.height * 0.5;
  return { x0: page.width * 0.42, y0: top, x1: page.width, y1: Math.min(page.height, top + page.height * 0.3) };
}

/** Left part of the first page's header, where stamps sit near the number. */
export function stampRegion(page: OcrPage): BBox {
  return { x0: 0, y0: 0, x1: page.width * 0.55, y1: page.height * 0.35 };
}

function withLines(page: OcrPage, lines: OcrLine[]): OcrPage {
  const sorted = [...lines].sort((a, b) => a.bbox.y0 - b.bbox.y0 || a.bbox.x0 - b.bbox.x0);
  return { ...page, lines: sorted, text: sorted.map((l) => l.text).join('\n') };
}

const overlaps = (a: BBox, b: BBox): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** The page plus the text a sparse-text re-read of the region finds where the first pass found none. */
export async function rereadRegion(engine: OcrEngine, page: OcrPage, region: BBox): Promise<OcrPage> {
  if (!engine.recognizeRegion) return page;
  const words = page.lines.flatMap((l) => l.words);
  const fresh = (await engine.recognizeRegion(page, region))
    .filter((l) => l.text.trim() && !words.some((w) => overlaps(w.bbox, l.bbox)));
  return fresh.length ? withLines(page, [...page.lines, ...fresh]) : page;
}

/** The page plus any stamp words a sparse-text read of the header finds. */
export async function addStampLines(engine: OcrEngine, page: OcrPage): Promise<OcrPage> {
  if (!engine.recognizeRegion) return page;
  const fresh = await engine.recognizeRegion(page, stampRegion(page));
  // a stamp is one or two words on a row of its own: group the sparse words by row
  const marks = fresh.filter((l) => marksInLine(l.text) && !page.lines.some((p) => marksInLine(p.text) && inside(l.bbox, p.bbox)));
  return marks.length ? withLines(page, [...page.lines, ...marks]) : page;
}
