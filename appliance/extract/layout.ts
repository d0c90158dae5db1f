import type { BBox, OcrPage, OcrWord } from '../ocr/ocr.js';

// Rebuilds the page as "segments": runs of words on one visual row with no wide gap inside.
// tesseract often joins the two header columns (issuer | motto) or "Nơi nhận" and the signature
// block into one line; a gap of several character heights separates them again.

export interface Segment {
  text: string;
  words: OcrWord[];
  bbox: BBox;
  /** Mean word confidence, 0..1. */
  conf: number;
}

export const cx = (b: BBox): number => (b.x0 + b.x1) / 2;
export const cy = (b: BBox): number => (b.y0 + b.y1) / 2;
/** Middle of the horizontal extent of some boxes (a centred line's axis). */
export const axisOf = (boxes: BBox[]): number => (Math.min(...boxes.map((b) => b.x0)) + Math.max(...boxes.map((b) => b.x1))) / 2;
const height = (b: BBox): number => b.y1 - b.y0;
/** Share of the smaller box covered by the other. */
export function overlapShare(a: BBox, b: BBox): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0); const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / Math.max(1, Math.min((a.x1 - a.x0) * (a.y1 - a.y0), (b.x1 - b.x0) * (b.y1 - b.y0)));
}

export function segmentOf(words: OcrWord[]): Segment {
  const bbox = {
    x0: Math.min(...words.map((w) => w.bbox.x0)), y0: Math.min(...words.map((w) => w.bbox.y0)),
    x1: Math.max(...words.map((w) => w.bbox.x1)), y1: Math.max(...words.map((w) => w.bbox.y1)),
  };
  const conf = words.reduce((s, w) => s + w.confidence, 0) / words.length / 100;
  return { text: words.map((w) => w.text).join(' '), words, bbox, conf };
}

/** The middle value (the upper one of an even count), 0 for none. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

/** Segments of a page, top to bottom then left to right. */
export function pageSegments(page: OcrPage): Segment[] {
  const all = page.lines.flatMap((l) => l.words).filter((w) => w.text.trim());
  // a band read twice (a re-read merged over the first read) gives the same word twice
  const once = all.filter((w, i) => !all.some((o, j) => j < i && o.text === w.text && overlapShare(o.bbox, w.bbox) > 0.8));
  if (!once.length) return [];
  const h = median(once.map((w) => height(w.bbox))) || 1;
  // letters read from a speck a third of a line wide and high are no word: left in, such a "TỦ"
  // took the place of the "phòng" it sits on (a dash or a dot that small is kept: list items)
  const words = once.filter((w) => !(/[\p{Lu}\p{Ll}]/u.test(w.text) && height(w.bbox) < h * 0.35 && w.bbox.x1 - w.bbox.x0 < h * 0.35));
  // rows: words whose vertical centres are within ~half a line of the row's running centre, and
  // not far from that of their horizontal neighbour in the row: on a skewed scan a row that ran
  // on into the other column ends lower (or higher) than it starts, and the next line's first word
  // ("VĂN" under "UBND TỈNH GIA LAI") is level with that end, not with its neighbour
  const sorted = [...words].sort((a, b) => cy(a.bbox) - cy(b.bbox));
  const rows: OcrWord[][] = [];
  // a speck ("-", "_") is no reference for a line's height
  const speck = (o: OcrWord): boolean => height(o.bbox) < h * 0.5;
  const nearest = (r: OcrWord[], w: OcrWord): OcrWord => {
    const full = r.filter((o) => !speck(o));
    return (full.length ? full : r).reduce((best, o) => (Math.abs(cx(o.bbox) - cx(w.bbox)) < Math.abs(cx(best.bbox) - cx(w.bbox)) ? o : best));
  };
  // two words over the same stretch are not of one row (a mark read apart above its letter, a
  // speck); an italic word's box overhangs its full-height neighbour's by its slant and tail
  // ("tháng" over the "4" after it), about half a line
  const clash = (o: OcrWord, w: OcrWord): boolean => {
    const overlap = Math.min(o.bbox.x1, w.bbox.x1) - Math.max(o.bbox.x0, w.bbox.x0);
    return overlap > 0 && (overlap > h * 0.6 || speck(o) || speck(w));
  };
  // a speck that joined a row first does not keep a full word out of it (a "-" over "THÔNG" pushed
  // the word onto a row of its own, after the issuer's line): the speck leaves for a row of its own
  for (const w of sorted) {
    const row = rows.find((r) => Math.abs(cy(r[r.length - 1]!.bbox) - cy(w.bbox)) < h * 0.45
      && Math.abs(cy(nearest(r, w).bbox) - cy(w.bbox)) < h * 0.75
      && !r.some((o) => clash(o, w) && (speck(w) || !speck(o))));
    if (!row) { rows.push([w]); continue; }
    for (const o of speck(w) ? [] : row.filter((x) => clash(x, w))) { row.splice(row.indexOf(o), 1); rows.push([o]); }
    row.push(w);
  }
  const segments: Segment[] = [];
  for (const row of rows) {
    row.sort((a, b) => a.bbox.x0 - b.bbox.x0);
    let cur: OcrWord[] = [];
    for (const w of row) {
      const prev = cur[cur.length - 1];
      if (prev && w.bbox.x0 - prev.bbox.x1 > h * 2.2) { segments.push(segmentOf(cur)); cur = []; }
      cur.push(w);
    }
    if (cur.length) segments.push(segmentOf(cur));
  }
  return segments.sort((a, b) => (Math.abs(cy(a.bbox) - cy(b.bbox)) < h * 0.45 ? a.bbox.x0 - b.bbox.x0 : cy(a.bbox) - cy(b.bbox)));
}

/** Median word height of a page: the unit for gaps and tolerances. */
export function lineUnit(segs: Segment[]): number {
  return median(segs.flatMap((s) => s.words.map((w) => height(w.bbox)))) || 1;
}

/**
 * The national title's first word read glued to the agency line's last ("VÀCỘNG HOÀ"): two words,
 * the box cut where the letters say.
 */
function unglueTitle(w: OcrWord, next: OcrWord | undefined, fold: (s: string) => string): OcrWord[] {
  const f = fold(w.text);
  if (f.length <= 4 || !f.endsWith('CONG') || !/^HOA\b/.test(fold(next?.text ?? ''))) return [w];
  const chars = [...w.text];
  const cut = chars.length - 4;
  if (!/\p{L}/u.test(chars.slice(0, cut).join(''))) return [w]; // a speck before it ("_CỘNG") is cut elsewhere
  const x = Math.round(w.bbox.x0 + (w.bbox.x1 - w.bbox.x0) * cut / chars.length);
  return [{ ...w, text: chars.slice(0, cut).join(''), bbox: { ...w.bbox, x1: x }, choices: undefined },
    { ...w, text: chars.slice(cut).join(''), bbox: { ...w.bbox, x0: x }, choices: undefined }];
}

/**
 * The two header columns read as one segment when the gap between them is narrow ("UBND TỈNH BẮC
 * CỘNG HÒA XÃ HỘI …", "Số: 12/TB-UBND Hà Nội, ngày …"): split before the national title or motto
 * ("CỘNG HÒA", "Độc lập"), and after the notation token of a "Số:" line when the rest is long
 * enough to be another column's text and starts right of the page centre.
 */
export function splitColumns(segs: Segment[], width: number, height: number, fold: (s: string) => string): Segment[] {
  const out: Segment[] = [];
  for (const s of segs) {
    if (s.bbox.y0 > height * 0.25) { out.push(s); continue; } // the header only
    const ws = s.words.flatMap((w, i) => unglueTitle(w, s.words[i + 1], fold));
    let cut = -1;
    for (let i = 1; i < ws.length && cut < 0; i++) {
      // an underline or speck glued before the title ("_CỘNG HÒA") does not hide it
      const two = fold(`${ws[i]!.text.replace(/^[^\p{L}]+/u, '')} ${ws[i + 1]?.text ?? ''}`);
      if (/^(CONG HOA|DOC LAP)\b/.test(two) && ws[i]!.bbox.x0 > width * 0.4) cut = i;
    }
    if (cut < 0 && /^S[OỐÔ0]\s*[:;.]?$/u.test(fold(ws[0]?.text ?? '')) && ws.length > 3) {
      // "Số:" + notation (one token, or a few joined by / or -) then the other column
      const i = ws.findIndex((w, k) => k >= 2 && w.bbox.x0 > width * 0.45 && w.bbox.x0 - ws[k - 1]!.bbox.x1 > (w.bbox.y1 - w.bbox.y0) * 0.6);
      if (i > 0) cut = i;
    }
    if (cut > 0) out.push(segmentOf(ws.slice(0, cut)), segmentOf(ws.slice(cut)));
    else out.push(s);
  }
  return out;
}
