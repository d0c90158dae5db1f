import type { BBox, OcrEngine, OcrLine, OcrPage, OcrWord } from '../ocr/ocr.js';
import { cy, lineUnit, overlapShare, pageSegments, segmentOf, type Segment } from './layout.js';
import { recipientsHeadIndex, signatureLayout } from './signature.js';
import { fold } from './vn-text.js';
import { archiveCodesUnsure, archiveWordIndex, inRecipientsColumn, recipientRows, rowLooksRight, unclosedRows } from './recipients.js';
import { firstRowLost } from './recipient-list.js';
import { linesWithout, readInkOnly, replaceWords, withLines } from './reread-ink.js';
import { withSecondReading } from './read-twice.js';

// The "Nơi nhận" list read again where the first read went wrong (reread.ts rereadSignature runs
// it beside the signer's name): rows that do not read as items, and rows the first read lost
// altogether (a gap in the list's single-spaced grid, a list not closed by "Lưu:").

/** The "Nơi nhận" column: left of the signature block, from under the "Nơi nhận" line to below its last item. */
export function recipientsRegion(page: OcrPage, segs = pageSegments(page), unit = lineUnit(segs)): BBox | null {
  const lay = signatureLayout(segs, page.width, unit);
  if (lay.recvIdx < 0) return null;
  const head = segs[lay.recvIdx]!;
  const block = [...lay.auth, ...lay.title, ...lay.nameRow];
  const blockLeft = block.length ? Math.min(...block.map((s) => s.bbox.x0)) : page.width * 0.5;
  const right = Math.min(blockLeft - unit * 0.4, page.width * 0.55);
  const col = segs.filter((s) => s.bbox.y0 > head.bbox.y0 + unit * 0.5 && inRecipientsColumn(s, head, page.width));
  const x0 = Math.max(0, Math.min(head.bbox.x0, ...col.map((s) => s.bbox.x0)) - unit * 0.6);
  const y1 = Math.min(page.height, Math.max(head.bbox.y1, ...col.map((s) => s.bbox.y1)) + unit * 0.8);
  if (right - x0 < unit * 4) return null;
  // under the head line's letters: a word's box may reach into the row below ("nhận:" 30 px lower
  // than "Nơi"), and a crop from there cut the tops of a first item read again
  const full = head.words.filter((w) => w.bbox.y1 - w.bbox.y0 >= unit * 0.5);
  const headBottom = full.length ? Math.min(...full.map((w) => w.bbox.y1)) : head.bbox.y1;
  return { x0, y0: headBottom + unit * 0.1, x1: right, y1 };
}

const rowOk = (r: { text: string; conf: number }, first: boolean): boolean => r.conf >= 0.6 && rowLooksRight(r.text, { first });

/** Re-read words as a row of the list (its text and mean confidence), or null when none were read. */
const asRow = (words: OcrWord[]): Segment | null => (words.length ? segmentOf(words) : null);

/** The "Nơi nhận" list read again where the first read went wrong, then its "Lưu:" row a second time. */
export async function rereadRecipients(engine: OcrEngine, page: OcrPage): Promise<OcrPage> {
  if (!engine.recognizeRegion) return page;
  return rereadArchiveRow(engine, await mendRows(engine, page));
}

/**
 * The rows of "Nơi nhận" that do not read as items (the signature block beside the first lines
 * upsets tesseract's layout analysis: a first item lost or garbled; a misread archive code) read
 * again from the column alone, ink only, ×2, at two ink levels and both segmentations; a row is
 * replaced only by a re-read row at its height that passes the check.
 */
async function mendRows(engine: OcrEngine, page: OcrPage): Promise<OcrPage> {
  const segs = pageSegments(page);
  const unit = lineUnit(segs);
  const recvIdx = recipientsHeadIndex(segs, page.width, unit);
  if (recvIdx < 0) return page;
  const rows = recipientRows(segs, segs[recvIdx]!, page.width, unit);
  // (a row whose item stops short of its close is read again: the rest may be there, under the title beside it)
  const unclosed = new Set(unclosedRows(rows));
  // a row under one that closes its item (";") starts an item of its own: without its dash
  // ("tế tỉnh;" under "- Như Điều 3;") it lost its start, and is no wrapped line; so may a row
  // under one misread (": Trường Chính" over "tế tỉnh;", both of "- Trường Chính trị tỉnh;")
  const opening = new Set<(typeof rows)[number]>();
  let bad: typeof rows = [];
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    if (!prev || /;$/u.test(prev.text.trim()) || bad.includes(prev)) opening.add(r);
    if (!rowOk(r, opening.has(r)) || unclosed.has(r)) bad.push(r);
  });
  let missing = missingRowBands(segs[recvIdx]!.bbox, rows, unit);
  if (!bad.length && !missing.length) return page;
  const column = recipientsRegion(page, segs, unit);
  if (!column) return page;
  const listed = new Set(rows.flatMap((r) => r.words));
  const strays = new Set(page.lines.flatMap((l) => l.words).filter((w) => !listed.has(w)));
  const region = { ...column, y1: Math.min(page.height, Math.max(column.y1, ...missing.map((b) => b.y1))) };
  let out = page;
  for (const [layout, level] of [['page', 0.6], ['sparse', 0.6], ['page', 0.42]] as const) {
    const lines = await readInkOnly(engine, page, region, level, layout);
    // each re-read line belongs to the row of the first read nearest to it in height
    const rowMid = (r: { y0: number; y1: number }): number => (r.y0 + r.y1) / 2;
    const owner = (l: OcrLine): (typeof rows)[number] | undefined => [...rows].sort((a, b) =>
      Math.abs(rowMid(a) - cy(l.bbox)) - Math.abs(rowMid(b) - cy(l.bbox)))[0];
    const still: typeof bad = [];
    for (const r of bad) {
      const words = lines.filter((l) => owner(l) === r && Math.abs(cy(l.bbox) - rowMid(r)) < unit)
        .flatMap((l) => l.words).filter((w) => w.text.trim()).sort((a, b) => a.bbox.x0 - b.bbox.x0);
      const cand = asRow(words);
      if (cand && rowOk(cand, opening.has(r)) && (!unclosed.has(r) || /[;.,:]$/u.test(cand.text))) {
        out = replaceWords(out, (w) => r.words.includes(w), words);
      } else still.push(r);
    }
    bad = still;
    // rows the first read lost altogether: an item-like line of the re-read in the band where one is missing
    // (a word of the list mostly inside the line: the line is read already; a box that only
    // reaches into it, "nhận:" 30 px low over a lost first item, is not; nor are the first read's
    // words that made no row, "nh Œ®/©);" left of a lost "- Viện Kiểm sát … (b/c);")
    const known = out.lines.flatMap((l) => l.words).filter((w) => !strays.has(w));
    const found = missing.map((b) => lines.filter((l) => cy(l.bbox) > b.y0 && cy(l.bbox) < b.y1 && !known.some((w) => overlapShare(w.bbox, l.bbox) > 0.5)
      && lostRowLooksRight(l, b)));
    const add = found.flat();
    // (the first read's stray words inside an added line were its garbled letters: they go)
    const inAdded = (w: OcrWord): boolean => strays.has(w) && add.some((l) => overlapShare(w.bbox, l.bbox) > 0.5);
    if (add.length) out = withLines(out, [...linesWithout(out, inAdded), ...add]);
    missing = missing.filter((_, i) => !found[i]!.length);
    if (!bad.length && !missing.length) break;
  }
  // a row still bad read alone as one line (the seal and the signature block beside it no longer
  // in the layout analysis: "\"`." → "- Như trên;"); what follows the item's closing ";" on that
  // line is the seal's
  for (const r of bad) {
    const mid = (r.y0 + r.y1) / 2; const half = Math.max(r.y1 - r.y0, unit) / 2 + unit * 0.3;
    const lines = await readInkOnly(engine, page, { x0: column.x0, x1: column.x1, y0: Math.max(0, mid - half), y1: Math.min(page.height, mid + half) }, 0.6, 'line');
    const read = lines.flatMap((l) => l.words).filter((w) => w.text.trim()).sort((a, b) => a.bbox.x0 - b.bbox.x0);
    const end = read.findIndex((w) => /;$/u.test(w.text));
    // a row read to its end closes with ";" (misread "," or ":"; the list's last, "Lưu:", with "."):
    // one that stops short lost its end to the seal ("- Trung tâm Kiểm soát bệnh tật" for "… tật tỉnh;")
    const words = end >= 0 ? read.slice(0, end + 1) : /[.,:]$/u.test(read[read.length - 1]?.text ?? '') ? read : [];
    const cand = asRow(words);
    if (cand && rowOk(cand, opening.has(r))) out = replaceWords(out, (w) => r.words.includes(w), words);
  }
  return out;
}

/** The "Lưu:" row read a second time (read-twice.ts), for the list to doubt codes the two readings disagree on (recipient-list.ts). */
async function rereadArchiveRow(engine: OcrEngine, page: OcrPage): Promise<OcrPage> {
  const segs = pageSegments(page);
  const unit = lineUnit(segs);
  const head = recipientsHeadIndex(segs, page.width, unit);
  if (head < 0) return page;
  const row = recipientRows(segs, segs[head]!, page.width, unit).find((r) => archiveWordIndex(r.words) >= 0);
  // (a row whose codes were all read sure is taken as read: an OCR call saved on most documents)
  const column = row && archiveCodesUnsure(row.words) ? recipientsRegion(page, segs, unit) : null;
  if (!row || !column) return page;
  const height = row.y1 - row.y0;
  const band = { x0: column.x0, x1: Math.max(column.x1, Math.min(page.width, row.words[row.words.length - 1]!.bbox.x1 + unit)),
    y0: Math.max(0, row.y0 - height * 0.3), y1: Math.min(page.height, row.y1 + height * 0.3) };
  return withSecondReading(engine, page, row.words, band);
}

/**
 * Bands of the "Nơi nhận" column where a printed row is missing from the first read: a gap of
 * about two rows between rows (the list is single-spaced: its own pitch is its closest two rows),
 * about a line of white under the head line (its first item lost), and below the last row when it is not the archive line that always closes the list (NĐ30 App. I).
 */
export function missingRowBands(head: BBox, rows: Array<{ text: string; y0: number; y1: number }>, unit: number): MissingBand[] {
  if (!rows.length) return [];
  const tops = [head.y0, ...rows.map((r) => r.y0)];
  const steps = tops.slice(1).map((y, i) => y - tops[i]!);
  const pitch = Math.max(unit, Math.min(...steps.filter((d) => d > unit * 0.5), unit * 1.6));
  const out: MissingBand[] = [];
  if (firstRowLost(head, rows, unit)) out.push({ y0: head.y1, y1: rows[0]!.y0, open: false });
  steps.forEach((d, i) => {
    if (i === 0) return;
    // an item that does not close (";", "." or ":") goes on below: its lost line may be a short
    // wrapped tail ("huyện;") that tesseract's layout dropped, a gap of a little under two rows
    const open = !/[;.:]$/u.test(rows[i - 1]!.text.trim());
    if (d > pitch * (open ? 1.5 : 1.7)) out.push({ y0: open ? rows[i - 1]!.y0 + pitch * 0.6 : rows[i - 1]!.y1, y1: rows[i]!.y0, open });
  });
  const last = rows[rows.length - 1]!;
  if (!/^[-–—]?\s*LUU\s*[:;.,]/.test(fold(last.text.trim()))) out.push({ y0: last.y1, y1: last.y1 + pitch * 2.2, open: false });
  return out;
}

/** A band of the list where a printed row is missing; `open`: the row above it does not close its item. */
export interface MissingBand { y0: number; y1: number; open: boolean }

/**
 * Whether a line re-read in a missing band is a row of the list: an item's start, or, under an
 * item that does not close, its wrapped tail (lower case, or a name's capitals: "Văn Chấn;"),
 * which closes the item.
 */
export function lostRowLooksRight(l: OcrLine, band: MissingBand): boolean {
  const text = l.text.trim();
  if (l.confidence < 60) return false;
  if (rowLooksRight(text, { first: true }) || (l.confidence >= 75 && /^[-–—]\s*\p{Lu}/u.test(text))) return true;
  return band.open && /^\p{L}/u.test(text) && /[;.,]$/u.test(text) && rowLooksRight(`- ${text}`, { first: true });
}
