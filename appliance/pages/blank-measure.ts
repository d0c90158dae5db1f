import type { GreyRaster } from './raster.js';
import { inkMask, levels } from './raster.js';

// Is a page blank? Counted in letters, not in ink: a blank back carries dust specks, punch holes,
// a scanner's edge shadow and faint bleed-through, all of which can add up to more ink than one
// printed line. What no blank page has is a few dozen letter-sized marks. The raster is ~100 dpi
// (an A4 page ~830 px wide): a letter of 10 pt or more is 6–40 px tall, a speck is a small round filled blob, a punch
// hole a large one, and shadows touch the page edge.

export interface BlankMeasure {
  /** Letter-like marks found on the page. */
  letters: number;
  /** Ink pixels / all pixels (for the record; not the decision). */
  inkRatio: number;
}

/** Fewer letter-like marks than this and the page is blank (one printed word has more than 3). */
export const BLANK_MAX_LETTERS = 12;

/** Connected ink components (8-neighbour) with their bounding boxes and pixel counts. */
interface Component { x0: number; y0: number; x1: number; y1: number; area: number }

function components(mask: Uint8Array, w: number, h: number): Component[] {
  const labels = new Int32Array(w * h).fill(-1);
  const out: Component[] = [];
  const stack = new Int32Array(w * h);
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]! >= 0) continue;
    const id = out.length;
    const c: Component = { x0: w, y0: h, x1: -1, y1: -1, area: 0 };
    let sp = 0;
    stack[sp++] = start; labels[start] = id;
    while (sp > 0) {
      const i = stack[--sp]!;
      const x = i % w; const y = (i - x) / w;
      c.area++;
      if (x < c.x0) c.x0 = x; if (x > c.x1) c.x1 = x;
      if (y < c.y0) c.y0 = y; if (y > c.y1) c.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy; if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx; if (xx < 0 || xx >= w) continue;
          const j = yy * w + xx;
          if (mask[j] && labels[j]! < 0) { labels[j] = id; stack[sp++] = j; }
        }
      }
    }
    out.push(c);
  }
  return out;
}

/** Pure: letter-like marks on a ~100 dpi grey raster of the page. */
export function measureBlank(r: GreyRaster): BlankMeasure {
  const { threshold } = levels(r);
  const { mask, ink } = inkMask(r, threshold);
  const { width: w, height: h } = r;
  let letters = 0;
  for (const c of components(mask, w, h)) {
    const cw = c.x1 - c.x0 + 1; const ch = c.y1 - c.y0 + 1;
    if (c.x0 === 0 || c.y0 === 0 || c.x1 === w - 1 || c.y1 === h - 1) continue; // edge shadow, torn corner
    if (ch < 6 || ch > 40 || cw > 80) continue; // dots, accents, specks; rules, holes, pictures
    const fill = c.area / (cw * ch);
    const aspect = cw / ch;
    if (fill > 0.6 && aspect > 0.6 && aspect < 1.6) continue; // a round filled blob: dust or a hole
    letters++;
  }
  return { letters, inkRatio: ink / (w * h) };
}

export const isBlank = (m: BlankMeasure): boolean => m.letters < BLANK_MAX_LETTERS;
