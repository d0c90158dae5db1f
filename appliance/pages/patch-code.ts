import { levels, type GreyRaster } from './raster.js';

// Patch codes: the separator sheets scanner vendors sell (Kodak's patch code, read by many
// scanners' firmware and by capture software). A patch is four parallel black bars, two wide
// (0.20 in) and two narrow (0.08 in), separated by narrow (0.08 in) spaces, 0.80 in across and at
// least 0.75 in long. The order of wide and narrow names the patch (Kodak A-61599, zone tables):
//   Patch 1 WWNN · Patch 2 WNNW · Patch 3 WNWN · Patch 4 NWWN · Patch T NWNW · Patch 6 NNWW
// read from the sheet's leading edge (the top of the scanned image) when the bars lie across the
// feed, and from the right edge when they lie along it (an "end-fed" patch).
//
// Pure, on the grey raster capture already makes for the blank judgement (~100 dpi): the page is
// cut into thin strips across the bars, each strip's averaged profile is thresholded and its runs
// compared with the pattern, and a patch is only reported when the same code is found on enough
// neighbouring strips to make a bar at least 0.75 in long — text, tables and rules never do.

export type PatchCode = '1' | '2' | '3' | '4' | 'T' | '6';

const CODES: Record<string, PatchCode> = { WWNN: '1', WNNW: '2', WNWN: '3', NWWN: '4', NWNW: 'T', NNWW: '6' };

/** Widths in inches (the spec's ±0.01 in, widened for photocopied sheets and a scanner's blur). */
const NARROW = [0.045, 0.13] as const;
const WIDE = [0.15, 0.27] as const;
const TOTAL = [0.68, 0.92] as const;
/** Paper before and after the bars (the spec asks 0.25 in from the page edges; text may come closer). */
const QUIET = 0.06;
/** Shortest bar length that counts (the spec's minimum for the shortest patch readers). */
const MIN_LENGTH = 0.75;

export interface PatchFound {
  code: PatchCode;
  /** 'across': bars across the feed (read top to bottom); 'along': end-fed (read right to left). */
  direction: 'across' | 'along';
  /** Length of the bars found, inches. */
  lengthIn: number;
}

interface Hit { code: PatchCode; at: number }

/** The bars' code in one thresholded profile (ink = true), or the hits at each place it matches. */
function hitsIn(ink: Uint8Array, dpi: number): Hit[] {
  // run lengths, alternating, starting with paper (a zero-length first run when ink starts)
  const runs: number[] = [];
  let cur = 0; let len = 0;
  for (let i = 0; i < ink.length; i++) {
    if (ink[i] === cur) { len++; continue; }
    runs.push(len); cur = ink[i]!; len = 1;
  }
  runs.push(len);
  // specks inside a bar and toner gaps: runs under 0.02 in join their neighbours
  const minRun = Math.max(1, Math.round(dpi * 0.02));
  for (let i = 1; i + 1 < runs.length; i++) {
    if (runs[i]! < minRun) {
      runs.splice(i - 1, 3, runs[i - 1]! + runs[i]! + runs[i + 1]!);
      i = Math.max(0, i - 2);
    }
  }
  const kind = (px: number): 'N' | 'W' | null => {
    const inch = px / dpi;
    if (inch >= NARROW[0] && inch <= NARROW[1]) return 'N';
    if (inch >= WIDE[0] && inch <= WIDE[1]) return 'W';
    return null;
  };
  const hits: Hit[] = [];
  // where each run starts
  const starts: number[] = [];
  let pos = 0;
  for (const r of runs) { starts.push(pos); pos += r; }
  // even indices are paper runs, odd ones ink: a patch is paper, then ink/paper ×3, ink, then paper
  for (let i = 0; i + 8 < runs.length; i += 2) {
    if (runs[i]! < QUIET * dpi || runs[i + 8]! < QUIET * dpi) continue;
    const bars = [runs[i + 1]!, runs[i + 3]!, runs[i + 5]!, runs[i + 7]!].map(kind);
    const spaces = [runs[i + 2]!, runs[i + 4]!, runs[i + 6]!].map(kind);
    if (bars.includes(null) || spaces.some((s) => s !== 'N')) continue;
    const total = (starts[i + 8]! - starts[i + 1]!) / dpi;
    if (total < TOTAL[0] || total > TOTAL[1]) continue;
    const code = CODES[bars.join('')];
    if (code) hits.push({ code, at: starts[i + 1]! });
  }
  return hits;
}

/**
 * Looks for a patch in one direction. `profile(k, out)` fills the averaged values of strip k
 * (strips numbered across the bars' length, values along the reading direction).
 */
function scan(strips: number, length: number, strip: number, dpi: number, threshold: number,
  profile: (k: number, out: Float32Array) => void): { code: PatchCode; lengthIn: number } | null {
  const values = new Float32Array(length);
  const ink = new Uint8Array(length);
  const tol = Math.max(2, Math.round(dpi * 0.06));
  // chains of neighbouring strips that show the same code at about the same place
  let open: { code: PatchCode; at: number; count: number }[] = [];
  let best: { code: PatchCode; count: number } | null = null;
  for (let k = 0; k < strips; k++) {
    profile(k, values);
    for (let i = 0; i < length; i++) ink[i] = values[i]! < threshold ? 1 : 0;
    const next: typeof open = [];
    for (const h of hitsIn(ink, dpi)) {
      const prev = open.find((c) => c.code === h.code && Math.abs(c.at - h.at) <= tol);
      const chain = { code: h.code, at: h.at, count: (prev?.count ?? 0) + 1 };
      next.push(chain);
      if (!best || chain.count > best.count) best = { code: chain.code, count: chain.count };
    }
    // one strip without the hit (a staple hole, a fold) does not break the bar
    for (const c of open) if (!next.some((n) => n.code === c.code && Math.abs(n.at - c.at) <= tol) && c.count > 0) next.push({ ...c, count: c.count - 0.5 });
    open = next.filter((c) => c.count > 0);
  }
  if (!best) return null;
  const lengthIn = (best.count * strip) / dpi;
  return lengthIn >= MIN_LENGTH ? { code: best.code, lengthIn: Math.round(lengthIn * 100) / 100 } : null;
}

/** The patch on a page (grey raster at `dpi`, ~100–300), or null. */
export function findPatch(r: GreyRaster, dpi: number): PatchFound | null {
  const lv = levels(r);
  // nothing printed dark enough to be a patch bar
  if (lv.paper - lv.ink < 60) return null;
  const threshold = (lv.paper + lv.ink) / 2;
  const { data, width: w, height: h } = r;
  const strip = Math.max(2, Math.round(dpi * 0.03));
  // bars across the feed: strips are columns, read top to bottom
  const across = scan(Math.floor(w / strip), h, strip, dpi, threshold, (k, out) => {
    const x0 = k * strip;
    for (let y = 0; y < h; y++) {
      let s = 0;
      const row = y * w + x0;
      for (let x = 0; x < strip; x++) s += data[row + x]!;
      out[y] = s / strip;
    }
  });
  if (across) return { ...across, direction: 'across' };
  // end-fed: strips are rows, read right to left
  const along = scan(Math.floor(h / strip), w, strip, dpi, threshold, (k, out) => {
    const y0 = k * strip;
    out.fill(0);
    for (let y = y0; y < y0 + strip; y++) {
      const row = y * w;
      for (let x = 0; x < w; x++) out[w - 1 - x]! += data[row + x]!;
    }
    for (let i = 0; i < w; i++) out[i]! /= strip;
  });
  return along ? { ...along, direction: 'along' } : null;
}

/** The patch codes that end a document: T (transfer) and 2, as vendors sell them for separating documents. */
export const SEPARATOR_PATCHES: readonly PatchCode[] = ['T', '2'];
