// Cheap page analysis on a small grey raster (long side ~1200 px): is the page blank, and which way
// is up. Measured on the dev corpus instead of tesseract OSD (see docs/accuracy.md): projection
// profiles tell horizontal from vertical text lines, and the ink balance inside each text line
// tells upright from upside down (Latin x-height sits low in the line box; Vietnamese diacritics
// and ascenders add ink above it, descenders are few).

export interface GreyRaster { data: Uint8Array; width: number; height: number }

export interface PageAnalysis {
  blank: boolean;
  /** Fraction of pixels that are ink (dark against the paper). */
  inkRatio: number;
  /** Fraction of ink pixels with no ink neighbour: dust and noise specks (high on speckled scans). */
  speckle: number;
  /** Clockwise rotation to apply to make the page upright. */
  rotation: 0 | 90 | 180 | 270;
  /** 0..1 — how clearly the evidence favours that rotation. */
  rotationConfidence: number;
  /** Text rows of the upright page, top to bottom, as fractions of its height and width. */
  rows: TextRow[];
}

/** A horizontal run of ink on the upright page (a text line, or lines a skew merged). */
export interface TextRow {
  /** Top and bottom, 0..1 of the page height. */
  y0: number; y1: number;
  /** Share of the row's ink in the left (x < 0.4), middle and right (x > 0.6) parts of the page. */
  left: number; middle: number; right: number;
}

/** Ink threshold: well below the paper level, so faint bleed-through and texture stay paper. */
function inkThreshold(r: GreyRaster): number {
  const hist = new Uint32Array(256);
  const d = r.data;
  for (let i = 0; i < d.length; i++) hist[d[i]!]!++;
  return thresholdOf(hist, d.length);
}

function thresholdOf(hist: Uint32Array, pixels: number): number {
  // paper = the brightest dense level (median of the upper half of pixels)
  let acc = 0; let paper = 255;
  const half = pixels / 2;
  for (let v = 0; v < 256; v++) { acc += hist[v]!; if (acc >= half) { paper = v; break; } }
  // darkest 0.1 % level = ink, when there is any
  acc = 0; let ink = 0;
  const tail = pixels * 0.001;
  for (let v = 0; v < 256; v++) { acc += hist[v]!; if (acc >= tail) { ink = v; break; } }
  // faint marks (less than 35 % of the paper level below it) never count as ink
  return Math.min(ink + (paper - ink) * 0.5, paper * 0.65);
}

/** 1 for ink, 0 for paper, and how many ink pixels. */
function binarize(r: GreyRaster): { b: Uint8Array; ink: number } {
  const t = inkThreshold(r);
  const d = r.data;
  const b = new Uint8Array(d.length);
  let ink = 0;
  for (let i = 0; i < d.length; i++) if (d[i]! < t) { b[i] = 1; ink++; }
  return { b, ink };
}

function isolatedInk(b: Uint8Array, w: number, h: number): number {
  let n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let i = y * w + 1, end = y * w + w - 1; i < end; i++) {
      if (b[i] && !(b[i - 1]! | b[i + 1]! | b[i - w]! | b[i + w]! | b[i - w - 1]! | b[i - w + 1]! | b[i + w - 1]! | b[i + w + 1]!)) n++;
    }
  }
  return n;
}

/** Rotates a binary raster 90° clockwise. */
function rotate90(b: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(b.length); // new size h × w
  for (let y = 0; y < h; y++) for (let x = 0, i = y * w; x < w; x++, i++) out[x * h + (h - 1 - y)] = b[i]!;
  return out;
}

/** Rotates a binary raster by `rotation` clockwise in one pass; returns it with its new size. */
function rotateBy(b: Uint8Array, w: number, h: number, rotation: PageAnalysis['rotation']): { u: Uint8Array; uw: number; uh: number } {
  if (rotation === 0) return { u: b, uw: w, uh: h };
  if (rotation === 90) return { u: rotate90(b, w, h), uw: h, uh: w };
  const out = new Uint8Array(b.length);
  if (rotation === 180) { for (let i = 0, n = b.length; i < n; i++) out[n - 1 - i] = b[i]!; return { u: out, uw: w, uh: h }; }
  // 270: (x, y) goes to (y, w - 1 - x) on the h-wide raster
  for (let y = 0; y < h; y++) for (let x = 0, i = y * w; x < w; x++, i++) out[(w - 1 - x) * h + y] = b[i]!;
  return { u: out, uw: h, uh: w };
}

/** Row ink counts of the columns [x0, x1): narrow strips keep skewed lines separable. */
function rowProfile(b: Uint8Array, w: number, h: number, x0 = 0, x1 = w): Float64Array {
  const p = new Float64Array(h);
  for (let y = 0; y < h; y++) { let s = 0; for (let x = x0; x < x1; x++) s += b[y * w + x]!; p[y] = s; }
  return p;
}

const STRIPS = 10;
function strips(w: number): Array<[number, number]> {
  const sw = Math.floor(w / STRIPS);
  return Array.from({ length: STRIPS }, (_, i) => [i * sw, (i + 1) * sw] as [number, number]);
}

/** Sum of squared row-to-row changes: high when ink is organised in horizontal lines. */
function lineness(p: Float64Array): number {
  let s = 0; let tot = 0;
  for (let i = 1; i < p.length; i++) { const d = p[i]! - p[i - 1]!; s += d * d; tot += p[i]!; }
  return tot ? s / tot : 0;
}

/**
 * The ink pixels' coordinates: the skew search below walks these instead of the whole raster
 * (ink is a few per cent of a page, and the search makes 26 passes).
 */
interface InkPoints { xs: Int32Array; ys: Int32Array; w: number; h: number }
function inkPoints(b: Uint8Array, w: number, h: number, count: number): InkPoints {
  const xs = new Int32Array(count); const ys = new Int32Array(count);
  let k = 0;
  for (let y = 0; y < h; y++) for (let x = 0, i = y * w; x < w; x++, i++) if (b[i]) { xs[k] = x; ys[k++] = y; }
  return { xs, ys, w, h };
}
/** The same points on the raster turned 90° clockwise (as `rotate90`). */
const turned = (p: InkPoints): InkPoints => ({ xs: p.ys.map((y) => p.h - 1 - y), ys: p.xs, w: p.h, h: p.w });

/** Row profile along lines of slope `slope` (a skewed scan's text lines are not quite level). */
function shearedProfile(pts: InkPoints, slope: number): Float64Array {
  const pad = Math.ceil(Math.abs(slope) * pts.w);
  const p = new Float64Array(pts.h + 2 * pad);
  const shift = new Int32Array(pts.w); // row shift of each column, worked out once
  for (let x = 0; x < pts.w; x++) shift[x] = pad - Math.round(x * slope);
  const { xs, ys } = pts;
  for (let k = 0; k < xs.length; k++) p[ys[k]! + shift[xs[k]!]!]!++;
  return p;
}

/** Lineness at the best of the small skews a feeder produces (±3.5°). */
function bestLineness(pts: InkPoints): number {
  let best = 0;
  for (let s = -0.06; s <= 0.0601; s += 0.01) best = Math.max(best, lineness(shearedProfile(pts, s)));
  return best;
}

/**
 * Upright evidence in [-1, 1] for a raster whose text lines are horizontal: positive when the ink
 * of the text lines leans to their bottom half (upright), negative when it leans to the top.
 */
function uprightScore(b: Uint8Array, w: number, h: number): { score: number; lines: number } {
  let num = 0; let den = 0; let lines = 0;
  for (const [x0, x1] of strips(w)) {
  const p = rowProfile(b, w, h, x0, x1);
  const minInk = 1;
  let y = 0;
  while (y < h) {
    if (p[y]! < minInk) { y++; continue; }
    const start = y;
    while (y < h && p[y]! >= minInk) y++;
    const end = y; // [start, end)
    const height = end - start;
    if (height < 4 || height > h * 0.05) continue; // not a text line (rule, stamp, picture)
    // the x-height band is where the ink is densest; compare its position inside the line box
    let peak = 0; for (let i = start; i < end; i++) peak = Math.max(peak, p[i]!);
    let top = start; while (p[top]! < peak * 0.5) top++;
    let bot = end - 1; while (p[bot]! < peak * 0.5) bot--;
    const above = top - start; const below = end - 1 - bot;
    let ink = 0; for (let i = start; i < end; i++) ink += p[i]!;
    // upright: more room (diacritics, ascenders, capitals) above the dense band than below it
    num += Math.sign(above - below) * ink; den += ink; lines++;
  }
  }
  return { score: den ? num / den : 0, lines };
}

/**
 * Fraction of ink pixels with no ink neighbour (the `speckle` of PageAnalysis), measured on every
 * other pixel of every other row of the full raster: at half size single-pixel noise specks stay
 * single pixels while the strokes of letters stay connected.
 */
export function speckleAtHalf(r: GreyRaster): number {
  const w = r.width >> 1; const h = r.height >> 1;
  const hist = new Uint32Array(256);
  const half = new Uint8Array(w * h);
  const d = r.data;
  for (let y = 0, k = 0; y < h; y++) {
    for (let j = 2 * y * r.width, end = j + 2 * w; j < end; j += 2, k++) { const v = d[j]!; half[k] = v; hist[v]!++; }
  }
  const t = thresholdOf(hist, half.length);
  let ink = 0;
  for (let i = 0; i < half.length; i++) { if (half[i]! < t) { half[i] = 1; ink++; } else half[i] = 0; }
  return isolatedInk(half, w, h) / Math.max(1, ink);
}

/** Blank or not, and which way is up, from a small raster. */
export function analysePage(r: GreyRaster): Omit<PageAnalysis, 'speckle'> {
  const { b, ink } = binarize(r);
  const inkRatio = ink / b.length;
  if (inkRatio < 0.0015) return { blank: true, inkRatio, rotation: 0, rotationConfidence: 0, rows: [] };

  const pts = inkPoints(b, r.width, r.height, ink);
  const horiz = bestLineness(pts);
  const vert = bestLineness(turned(pts));
  const sideways = vert > horiz;
  const u = sideways ? uprightScore(rotate90(b, r.width, r.height), r.height, r.width) : uprightScore(b, r.width, r.height);
  const axisMargin = Math.abs(horiz - vert) / Math.max(horiz, vert);
  let rotation: PageAnalysis['rotation'];
  if (sideways) rotation = u.score >= 0 ? 90 : 270;
  else rotation = u.score >= 0 ? 0 : 180;
  // few lines or a weak lean: not much evidence
  const lineWeight = Math.min(1, u.lines / 100);
  const rotationConfidence = Math.min(1, axisMargin * 2) * Math.min(1, Math.abs(u.score) * 2) * lineWeight;
  return { blank: false, inkRatio, rotation, rotationConfidence, rows: textRows(b, r.width, r.height, rotation) };
}

/** Rows of ink of the page once turned upright by `rotation` (clockwise). */
export function textRows(b: Uint8Array, w: number, h: number, rotation: PageAnalysis['rotation']): TextRow[] {
  const { u, uw, uh } = rotateBy(b, w, h, rotation);
  const xl = Math.floor(uw * 0.4); const xr = Math.ceil(uw * 0.6);
  const rows: TextRow[] = [];
  let cur: { y0: number; y1: number; l: number; m: number; r: number } | null = null;
  for (let y = 0; y < uh; y++) {
    let l = 0; let m = 0; let r = 0;
    const o = y * uw;
    for (let x = 0; x < xl; x++) l += u[o + x]!;
    for (let x = xl; x < xr; x++) m += u[o + x]!;
    for (let x = xr; x < uw; x++) r += u[o + x]!;
    if (l + m + r >= 2) { // a lone speck does not make a row
      if (cur) { cur.y1 = y + 1; cur.l += l; cur.m += m; cur.r += r; } else cur = { y0: y, y1: y + 1, l, m, r };
    } else if (cur) { rows.push(toRow(cur)); cur = null; }
  }
  if (cur) rows.push(toRow(cur));
  return rows;
  function toRow(c: { y0: number; y1: number; l: number; m: number; r: number }): TextRow {
    const t = c.l + c.m + c.r;
    return { y0: c.y0 / uh, y1: c.y1 / uh, left: c.l / t, middle: c.m / t, right: c.r / t };
  }
}
