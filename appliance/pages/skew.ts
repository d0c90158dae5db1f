import type { GreyRaster } from './raster.js';
import { inkMask, levels } from './raster.js';

// Skew of an upright page by projection profiles: the ink is summed along lines of slope tan(a)
// for candidate angles a; text lines line up with the true angle, where the profile is the most
// peaked (largest sum of squares). A coarse search over ±MAX_DEG, then a fine one around the best.
// Positive = the content is turned clockwise (its lines run down to the right on the image).

export interface SkewEstimate {
  /** The angle found, in degrees (0 when unsure). */
  deg: number;
  /** How much sharper the profile is at that angle than at the worst one: ~1 = no evidence. */
  sharpness: number;
}

export const MAX_DEG = 5;
/** Below this contrast between the best and worst angle the page has no lines to trust. */
const MIN_SHARPNESS = 1.15;
/** Angles smaller than this are left alone: turning the image costs more than it gains. */
export const MIN_CORRECTION_DEG = 0.1;
/**
 * The least skew the OCR and the PDF level a page for. Below it tesseract reads the page as well
 * crooked as level (its own line finder follows a slope of a few tenths of a degree), and every
 * resampling softens the letters a little: an upright page, or one judged a hair off, is read as
 * scanned.
 */
export const LEVEL_MIN_DEG = 0.3;

/** The angle to level a page by: the estimate when it is sure and at least LEVEL_MIN_DEG, else 0. */
export function levellingDeg(e: SkewEstimate): number {
  return Math.abs(e.deg) >= LEVEL_MIN_DEG ? e.deg : 0;
}

interface Points { xs: Int32Array; ys: Int32Array; w: number; h: number }

function points(mask: Uint8Array, w: number, h: number, count: number): Points {
  const xs = new Int32Array(count); const ys = new Int32Array(count);
  let k = 0;
  for (let y = 0; y < h; y++) for (let x = 0, i = y * w; x < w; x++, i++) if (mask[i]) { xs[k] = x; ys[k++] = y; }
  return { xs, ys, w, h };
}

/** Sum of squares of the profile along slope tan(deg). */
function peakedness(p: Points, deg: number, buf: Float64Array, pad: number): number {
  const t = Math.tan((deg * Math.PI) / 180);
  buf.fill(0);
  const { xs, ys } = p;
  const cx = p.w / 2;
  for (let k = 0; k < xs.length; k++) {
    // row of the point once the line through it is levelled; centred so the shift stays small
    const y = ys[k]! - (xs[k]! - cx) * t + pad;
    const y0 = Math.floor(y); const f = y - y0;
    buf[y0] = buf[y0]! + 1 - f; buf[y0 + 1] = buf[y0 + 1]! + f; // split between two rows: sub-pixel angles count
  }
  let s = 0;
  for (let i = 0; i < buf.length; i++) s += buf[i]! * buf[i]!;
  return s;
}

/** Pure: the skew of an upright grey raster (~150–200 dpi gives ±0.05° precision). */
export function estimateSkew(r: GreyRaster): SkewEstimate {
  const { threshold } = levels(r);
  const { mask, ink } = inkMask(r, threshold);
  if (ink < 200) return { deg: 0, sharpness: 1 };
  // Only marks inside the page margins: the scanner's edge shadow is straight along the paper edge.
  const mx = Math.round(r.width * 0.03); const my = Math.round(r.height * 0.03);
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) if (y < my || y >= r.height - my || x < mx || x >= r.width - mx) mask[y * r.width + x] = 0;
  }
  let count = 0; for (let i = 0; i < mask.length; i++) count += mask[i]!;
  const p = points(mask, r.width, r.height, count);
  const pad = Math.ceil(Math.tan((MAX_DEG * Math.PI) / 180) * r.width) + 2;
  const buf = new Float64Array(r.height + 2 * pad + 2);
  const score = (d: number) => peakedness(p, d, buf, pad);
  let best = 0; let bestScore = -1; let worst = Infinity;
  for (let d = -MAX_DEG; d <= MAX_DEG + 1e-9; d += 0.2) {
    const s = score(d);
    if (s > bestScore) { bestScore = s; best = d; }
    worst = Math.min(worst, s);
  }
  const coarse = best;
  for (let d = coarse - 0.2; d <= coarse + 0.2 + 1e-9; d += 0.02) {
    const s = score(d);
    if (s > bestScore) { bestScore = s; best = d; }
  }
  const sharpness = bestScore / worst;
  if (sharpness < MIN_SHARPNESS || Math.abs(best) >= MAX_DEG - 0.1) return { deg: 0, sharpness };
  return { deg: Math.round(best * 100) / 100, sharpness };
}
