import type { BBox } from '../ocr/ocr.js';
import { axisOf, cx, cy, median, segmentOf, type Segment } from './layout.js';
import { fold, levenshtein } from './vn-text.js';
import { AUTHORITY_RE } from './patterns.js';
import { isKnownTitle, opensWithMisreadPrefix } from './titles.js';

// The signature block of the last page (NĐ30 App. I): bottom right, centred lines — the authority
// ("TM./KT./TL. …"), the title (capitals), the signature and round seal, then the printed name.
// Seal and handwriting drawn over the block leave OCR debris between the lines; the name is the
// lowest mixed-case row of the block, wherever it sits relative to a (possibly lost) title.

export interface SignatureLayout {
  /** Index of the "Nơi nhận" line, or -1. */
  recvIdx: number;
  /** Top of the block: the body ends here. */
  bodyEnd: number;
  auth: Segment[];
  title: Segment[];
  /** Segments of the lowest mixed-case row (the printed name, possibly broken), or []. */
  nameRow: Segment[];
  /** Horizontal centre of the block (its lines are centred on it). */
  centre: number;
}

const h = (b: BBox): number => b.y1 - b.y0;

/** Seal text, signature strokes and specks read as letters: not a line of the block. */
export function isDebris(s: Segment, unit: number): boolean {
  const letters = (s.text.match(/\p{L}/gu) ?? []).length;
  // (a line in capitals by its middle word's height, not the row's: a seal drawn over a title
  // stretches one or two word boxes down, "CHẮNH VĂN PHÒNG" 2.6 lines tall with words of 1.5-2.3)
  const height = capsLike(s.text) && s.words.length ? median(s.words.map((w) => h(w.bbox))) : h(s.bbox);
  if (height < unit * 0.55 || height > unit * 2.2) return true;
  if (letters === 0) return true;
  return s.conf < 0.35;
}

/** A line printed in capitals, allowing a stray lower-case letter from a seal or signature stroke. */
export function capsLike(text: string): boolean {
  const letters = text.match(/\p{L}/gu) ?? [];
  return letters.length > 0 && letters.filter((l) => l === l.toLocaleUpperCase('vi')).length >= letters.length * 0.75;
}

/**
 * A row's segments left to right. One line read as two that interleave ("TM. NHÂN DÂN" around
 * "ỦY BAN", the seal between the words) is one segment, its words left to right.
 */
function readingOrder(row: Segment[]): Segment[] {
  const sorted = [...row].sort((a, b) => a.bbox.x0 - b.bbox.x0);
  const interleaved = sorted.some((s, i) => i > 0 && s.bbox.x0 < sorted[i - 1]!.bbox.x1);
  return interleaved ? [segmentOf(sorted.flatMap((s) => s.words).sort((a, b) => a.bbox.x0 - b.bbox.x0))] : sorted;
}

/** Joins the segments of one row left to right. */
export const rowText = (row: Segment[]): string => readingOrder(row).map((s) => s.text).join(' ');

/** The body's last line, closed with "./." (NĐ30), its signs read with spaces or the last dot lost. */
const closesBody = (s: Segment): boolean => /\.\s*\/\s*\.?$/.test(s.text.trim());

/**
 * Index of the "Nơi nhận:" line. Printed bold italic and small, it is sometimes the one line OCR
 * garbles ("Nai trai"); then the list itself shows where it is: the short line at the left margin
 * just above a run of dash items in the lower half of the page that ends with "- Lưu:".
 */
export function recipientsHeadIndex(segs: Segment[], width: number, unit: number): number {
  const named = segs.findIndex((s) => /^NOI ?NHAN/.test(fold(s.text))); // (its two words read glued: "Nơinhận:")
  if (named >= 0) return named;
  // its two words one letter off, still ended by the colon ("Nai nhận: tình ä", seal debris after it)
  const misread = segs.findIndex((s) => s.bbox.x0 < width * 0.3 && /^\S+\s+\S+[:;]/u.test(s.text.trim())
    && levenshtein(fold(s.text.trim().split(/\s+/).slice(0, 2).join(' ')).replace(/[:;]$/, ''), 'NOI NHAN') <= 1);
  if (misread >= 0) return misread;
  // the list ends with the archive line; the body with "./." above it
  const archive = segs.findIndex((s) => s.bbox.x0 < width * 0.3 && /^[-–—]?\s*LUU\s*[:;.]/.test(fold(s.text)));
  if (archive < 0) return besideAuthority(segs, width, unit);
  const a = segs[archive]!;
  let end = -1;
  segs.forEach((s, i) => { if (i < archive && s.bbox.y1 < a.bbox.y0 && closesBody(s)) end = i; });
  if (end < 0) return -1;
  const below = segs.map((s, i) => ({ s, i })).filter(({ s, i }) => i > end && i < archive && s.bbox.x0 < width * 0.3 && s.bbox.y0 > segs[end]!.bbox.y1 - unit * 0.3)
    .sort((x, y) => x.s.bbox.y0 - y.s.bbox.y0);
  const head = below[0];
  // (words with letters: a skewed page glues the first item's dash onto the head, "M. L nhận. -")
  const headWords = head?.s.text.trim().split(/\s+/).filter((w) => /\p{L}/u.test(w)).length ?? 0;
  if (!head || /^[-–—]/.test(head.s.text.trim()) || headWords > 3 || a.bbox.y0 - head.s.bbox.y0 > unit * 30) return besideAuthority(segs, width, unit);
  return head.i;
}

/**
 * The head line garbled and the archive line lost or misread too ("208001 0E", "- tức In"): NĐ30
 * sets "Nơi nhận:" on the row of the authority's first line, so it is the left-margin segment
 * beside the first "TM./KT./TL." line under the body's "./.", with a dash item right under it.
 */
function besideAuthority(segs: Segment[], width: number, unit: number): number {
  let end = -1;
  segs.forEach((s, i) => { if (closesBody(s)) end = i; });
  if (end < 0) return -1;
  const auth = segs.find((s, i) => i > end && s.bbox.x0 > width * 0.4 && AUTHORITY_RE.test(fold(s.text).replace(/^[^A-Z]+/, '')));
  if (!auth) return -1;
  const left = (s: Segment): boolean => s.bbox.x0 < width * 0.3 && s.bbox.x1 < auth.bbox.x0;
  const head = segs.findIndex((s, i) => i > end && left(s) && Math.abs(cy(s.bbox) - cy(auth.bbox)) < unit * 0.6);
  if (head < 0) return -1;
  const h0 = segs[head]!.bbox;
  const item = segs.some((s) => left(s) && s.bbox.y0 > h0.y0 + unit * 0.5 && s.bbox.y0 < h0.y1 + unit * 2 && /^[-–—]/.test(s.text.trim()));
  return item ? head : -1;
}

export function signatureLayout(segs: Segment[], width: number, unit: number): SignatureLayout {
  const recvIdx = recipientsHeadIndex(segs, width, unit);
  // the block's first line (bigger type, top-aligned with "Nơi nhận:") may start a little above
  // it; it never reaches up into the body's last line (which starts at the left margin)
  const recvTop = recvIdx >= 0 ? segs[recvIdx]!.bbox.y0 : 0;
  const lastBody = Math.max(-Infinity, ...segs.filter((s, i) => i !== recvIdx && s.bbox.x0 < width * 0.3 && s.bbox.y1 <= recvTop + unit * 0.2).map((s) => s.bbox.y1));
  const bodyEnd = recvIdx >= 0 ? Math.max(recvTop - unit * 1.6, lastBody - unit * 0.3)
    : Math.max(...segs.filter((s) => /\.\/\.$|\/\.$/.test(s.text.trim())).map((s) => s.bbox.y1), 0);
  const right = segs.filter((s) => s.bbox.y0 >= bodyEnd && s.bbox.x0 > width * 0.4 && !isDebris(s, unit));
  // rows of the block, top to bottom
  const rows: Segment[][] = [];
  for (const s of [...right].sort((a, b) => cy(a.bbox) - cy(b.bbox))) {
    const row = rows.find((r) => Math.abs(cy(r[0]!.bbox) - cy(s.bbox)) < unit * 0.5);
    if (row) row.push(s); else rows.push([s]);
  }
  const auth: Segment[] = []; const title: Segment[] = [];
  let nameRow: Segment[] = [];
  let headBottom = -Infinity; // bottom of the last authority/title row
  let headSpan = { x0: Infinity, x1: -Infinity }; // left and right ends of the authority/title rows
  for (const row of rows) {
    const sorted = readingOrder(row);
    const text = sorted.map((s) => s.text).join(' ');
    const top = Math.min(...row.map((s) => s.bbox.y0));
    if (capsLike(text)) {
      // the authority and title lines follow each other at line spacing; caps further down are
      // seal text or debris
      if (auth.length + title.length && top - headBottom > unit * 1.0) continue;
      // and they are centred on one axis: a row mostly beside those above is seal text ("NHÂN" of the ring)
      const x0 = Math.min(...row.map((s) => s.bbox.x0)); const x1 = Math.max(...row.map((s) => s.bbox.x1));
      if (auth.length + title.length && Math.min(x1, headSpan.x1) - Math.max(x0, headSpan.x0) < (x1 - x0) * 0.5) continue;
      headSpan = { x0: Math.min(headSpan.x0, x0), x1: Math.max(headSpan.x1, x1) };
      const isAuth = AUTHORITY_RE.test(fold(text).replace(/^[^A-Z]+/, '')) || opensWithMisreadPrefix(text.replace(/^[^\p{L}\d]+/u, '')); // (a digit may be the prefix's letter misread: "1T." for "KT.")
      if (isAuth && !title.length) auth.push(...sorted); else title.push(...sorted);
      headBottom = Math.max(...row.map((s) => s.bbox.y1));
      nameRow = [];
    } else if (auth.length || title.length || /^\p{Lu}/u.test(text.replace(/^[^\p{L}]+/u, ''))) {
      nameRow = row; // the lowest mixed-case row wins
    }
  }
  // "Q. GIÁM ĐỐC" with no title under it is the acting head's title, not an authority line
  const lastAuth = auth.length ? rowText(auth.filter((s) => Math.abs(cy(s.bbox) - cy(auth[auth.length - 1]!.bbox)) < unit * 0.5)) : '';
  // nor is it under a TM. line ("TM. ỦY BAN NHÂN DÂN" / "Q. CHỦ TỊCH"): what was taken for a title
  // under it, unless it reads as a known title, is seal text
  if (/^Q\s*[.,]/.test(fold(lastAuth))) {
    const row = auth.filter((s) => Math.abs(cy(s.bbox) - cy(auth[auth.length - 1]!.bbox)) < unit * 0.5);
    const known = title.length && isKnownTitle(rowText(title));
    if (!title.length || (auth.length > row.length && !known)) {
      auth.splice(auth.length - row.length, row.length);
      title.splice(0, title.length, ...row);
    }
  }
  // a known title with capitals under it that make it none, and are no title themselves, are seal
  // text ("GIÁM ĐỐC" / "SÂN Tỷ"); a known title under a known title is a lost "KT." line's head
  const firstRow = title.filter((s) => Math.abs(cy(s.bbox) - cy(title[0]!.bbox)) < unit * 0.5);
  const under = title.slice(firstRow.length);
  if (under.length && isKnownTitle(rowText(firstRow)) && !isKnownTitle(rowText(title)) && !isKnownTitle(rowText(under))) title.splice(firstRow.length);
  // a fragment over a known title, the two no title together, is what is left of a lost authority
  // line ("ng. TỊCH" of "KT. CHỦ TỊCH" over "PHO CHỦ TỊCH"): the title is the row under it
  else if (under.length && !isKnownTitle(rowText(firstRow)) && isKnownTitle(rowText(under)) && !isKnownTitle(rowText(title))) title.splice(0, firstRow.length);
  const heads = [...auth, ...title];
  const centre = heads.length ? heads.reduce((a, s) => a + cx(s.bbox), 0) / heads.length
    : nameRow.length ? axisOf(nameRow.map((s) => s.bbox)) : width * 0.72;
  return { recvIdx, bodyEnd, auth, title, nameRow, centre };
}
