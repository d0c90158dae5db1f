import type { BBox } from './ocr.js';
import type { Grey } from './prepare-page.js';

// The rectangle a re-read hands to tesseract, cut from the page's grey raster, with what the first
// read already read whitened out (RegionOptions.known): tesseract's time goes to the lines it
// recognises, so a stamp re-read of the header (mostly text already read) costs what the stamp
// costs; and when nothing but rules and specks is left, there is nothing to read at all.

/** The grey crop `r` (whole pixels) of `img`; a rectangle not inside the raster is an error, as sharp's extract. */
export function cropGrey(img: Grey, r: BBox): Grey {
  if (r.x0 < 0 || r.y0 < 0 || r.x1 > img.width || r.y1 > img.height || r.x1 <= r.x0 || r.y1 <= r.y0) {
    throw new Error(`crop ${r.x0},${r.y0}-${r.x1},${r.y1} outside a ${img.width}x${img.height} raster`);
  }
  const w = r.x1 - r.x0; const h = r.y1 - r.y0;
  const data = Buffer.allocUnsafe(w * h);
  for (let y = 0; y < h; y++) img.data.copy(data, y * w, (r.y0 + y) * img.width + r.x0, (r.y0 + y) * img.width + r.x1);
  return { data, width: w, height: h };
}

/** Paints the rectangles `boxes` (page pixels; the crop's top left at `at`), grown by `pad`, white. */
export function whiten(crop: Grey, at: { x0: number; y0: number }, boxes: BBox[], pad: number): void {
  for (const b of boxes) {
    const x0 = Math.max(0, Math.floor(b.x0 - pad - at.x0)); const x1 = Math.min(crop.width, Math.ceil(b.x1 + pad - at.x0));
    const y0 = Math.max(0, Math.floor(b.y0 - pad - at.y0)); const y1 = Math.min(crop.height, Math.ceil(b.y1 + pad - at.y0));
    if (x1 <= x0 || y1 <= y0) continue;
    for (let y = y0; y < y1; y++) crop.data.fill(255, y * crop.width + x0, y * crop.width + x1);
  }
}

/** A crop's ink and paper levels: its darkest percent and its median grey (from a histogram, no sort). */
export function inkAndPaper(crop: Grey): { ink: number; paper: number } {
  const hist = new Uint32Array(256);
  for (let i = 0; i < crop.data.length; i++) hist[crop.data[i]!]!++;
  const at = (q: number): number => { let n = 0; const want = crop.data.length * q; for (let v = 0; v < 256; v++) { n += hist[v]!; if (n > want) return v; } return 255; };
  return { ink: at(0.01), paper: at(0.5) };
}

/** The ink/paper cut of a crop: halfway between its darkest percent and its median; null when it has no contrast (no ink at all). */
export function inkThreshold(crop: Grey): number | null {
  const { ink, paper } = inkAndPaper(crop);
  return paper - ink < 48 ? null : ink + (paper - ink) / 2;
}

/**
 * The height (pixels) of the tallest run of inked rows of a crop: a row is inked when it holds at
 * least `minDark` pixels darker than `threshold`; a one-row gap does not end a run. A rule or a
 * line of specks is a few rows; a stamp, a line of text or a signature is many.
 */
export function tallestInk(crop: Grey, threshold: number, minDark: number): number {
  let best = 0; let run = 0; let gap = 0;
  for (let y = 0; y < crop.height; y++) {
    let dark = 0;
    const row = y * crop.width;
    for (let x = 0; x < crop.width && dark < minDark; x++) if (crop.data[row + x]! < threshold) dark++;
    if (dark >= minDark) { run += 1 + gap; gap = 0; if (run > best) best = run; } else if (run && gap < 1) gap++; else { run = 0; gap = 0; }
  }
  return best;
}
