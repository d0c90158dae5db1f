// Small helpers on 8-bit grey rasters shared by the page-cleanup measures: the paper and ink levels
// of a page and its ink mask. The ink threshold sits well below the paper: faint bleed-through,
// paper texture and a photocopier's grey band stay paper, low-contrast print still counts as ink.

export interface GreyRaster { data: Uint8Array; width: number; height: number }

export interface Levels {
  /** Paper level: the median grey value (0 black … 255 white). */
  paper: number;
  /** Ink level: the darkest 0.5 % of the pixels. */
  ink: number;
  /** Grey values below this are ink. */
  threshold: number;
}

export function histogram(r: GreyRaster): Uint32Array {
  const hist = new Uint32Array(256);
  const d = r.data;
  for (let i = 0; i < d.length; i++) hist[d[i]!]!++;
  return hist;
}

function quantile(hist: Uint32Array, total: number, q: number): number {
  let acc = 0;
  const want = total * q;
  for (let v = 0; v < 256; v++) { acc += hist[v]!; if (acc >= want) return v; }
  return 255;
}

export function levels(r: GreyRaster): Levels {
  const hist = histogram(r);
  const n = r.data.length;
  const paper = quantile(hist, n, 0.5);
  const ink = quantile(hist, n, 0.005);
  // half-way between ink and paper, and never within 35 % of the paper level (bleed-through)
  const threshold = Math.min(ink + (paper - ink) * 0.5, paper * 0.65);
  return { paper, ink, threshold };
}

/** 1 for ink, 0 for paper; with the count of ink pixels. */
export function inkMask(r: GreyRaster, threshold: number): { mask: Uint8Array; ink: number } {
  const d = r.data;
  const mask = new Uint8Array(d.length);
  let ink = 0;
  for (let i = 0; i < d.length; i++) if (d[i]! < threshold) { mask[i] = 1; ink++; }
  return { mask, ink };
}
