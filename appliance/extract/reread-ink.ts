import type { BBox, OcrEngine, OcrLine, OcrPage, OcrWord } from '../ocr/ocr.js';
import { lineFromWords } from '../ocr/ocr-page.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { inkRaster } from '../ocr/ink-raster.js';
import { cropGrey, inkAndPaper } from '../ocr/region-crop.js';

// What the targeted re-reads (reread.ts, reread-recipients.ts) share: a region read again with
// only near-black ink kept, at twice the scale, and the page put back together with what it found.

/** The page with `lines` for lines, top to bottom. */
export function withLines(page: OcrPage, lines: OcrLine[]): OcrPage {
  const sorted = [...lines].sort((a, b) => a.bbox.y0 - b.bbox.y0 || a.bbox.x0 - b.bbox.x0);
  return { ...page, lines: sorted, text: sorted.map((l) => l.text).join('\n') };
}

/** The page's lines without the words `drop` picks (a line left with none goes). */
export function linesWithout(page: OcrPage, drop: (w: OcrWord) => boolean): OcrLine[] {
  return page.lines.map((l) => ({ ...l, words: l.words.filter((w) => !drop(w)) })).filter((l) => l.words.length)
    .map((l) => ({ ...l, text: l.words.map((w) => w.text).join(' ') }));
}

/** The page with the words `drop` picks replaced by `words`, as one line (a re-read row, title or name). */
export function replaceWords(page: OcrPage, drop: (w: OcrWord) => boolean, words: OcrWord[]): OcrPage {
  return withLines(page, [...linesWithout(page, drop), lineFromWords(words)]);
}

export const overlaps = (a: BBox, b: BBox): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Grey levels of a crop where only near-black ink is dark: colour ink (red seal, blue pen) and mid-grey go white. */
export async function inkOnly(page: OcrPage, r: BBox, level = 0.42): Promise<{ data: Buffer; width: number; height: number }> {
  // (the page's ink raster is decoded once for all the cuts of its re-reads)
  const img = cropGrey(await inkRaster(page.imagePath), r);
  const n = img.width * img.height;
  const v = img.data;
  const { ink, paper } = inkAndPaper(img);
  const thr = ink + (paper - ink) * level;
  for (let i = 0; i < n; i++) v[i] = v[i]! < thr ? Math.round(Math.max(0, v[i]! - ink) * 127 / Math.max(1, thr - ink)) : 255;
  return img;
}

/** OCR of the ink-only crop enlarged `scale` times (×2 unless said), in page coordinates. */
export async function readInkOnly(engine: OcrEngine, page: OcrPage, region: BBox, level: number, layout: 'sparse' | 'page' | 'line' = 'sparse', scale = 2): Promise<OcrLine[]> {
  const r = { x0: Math.floor(region.x0), y0: Math.floor(region.y0), x1: Math.ceil(region.x1), y1: Math.ceil(region.y1) };
  if (r.x1 - r.x0 < 16 || r.y1 - r.y0 < 8) return [];
  const img = await inkOnly(page, r, level);
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-name-'));
  const file = join(dir, 'name.png');
  try {
    const pad = 20;
    await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } })
      .resize({ width: img.width * scale, height: img.height * scale, kernel: 'cubic' })
      .extend({ top: pad, bottom: pad, left: pad, right: pad, background: { r: 255, g: 255, b: 255 } })
      .png().toFile(file);
    const W = img.width * scale + pad * 2; const H = img.height * scale + pad * 2;
    const crop: OcrPage = { ...page, imagePath: file, width: W, height: H, dpi: page.dpi * scale, lines: [], text: '' };
    const lines = await engine.recognizeRegion!(crop, { x0: 0, y0: 0, x1: W, y1: H }, { layout, alternatives: true });
    const back = (b: BBox): BBox => ({ x0: r.x0 + (b.x0 - pad) / scale, y0: r.y0 + (b.y0 - pad) / scale, x1: r.x0 + (b.x1 - pad) / scale, y1: r.y0 + (b.y1 - pad) / scale });
    return lines.filter((l) => l.text.trim()).map((l) => ({ ...l, bbox: back(l.bbox), words: l.words.map((w) => ({ ...w, bbox: back(w.bbox) })) }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
