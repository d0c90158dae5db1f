import type { BBox, OcrEngine, OcrLine, OcrPage, OcrWord } from '../ocr/ocr.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { inkRaster } from '../ocr/ink-raster.js';
import { cropGrey, inkAndPaper } from '../ocr/region-crop.js';
import { axisOf, cy, lineUnit, pageSegments, segmentOf, type Segment } from './layout.js';
import { isKnownTitle } from './titles.js';
import { isNameSyllable, readName } from './names.js';
import { recipientsHeadIndex, rowText, signatureLayout } from './signature.js';
import { fold, foldedLetters } from './vn-text.js';
import { MARK_PHRASES, marksInLine } from './patterns.js';
import { inRecipientsColumn, recipientRows, rowLooksRight } from './recipients.js';

// A second, targeted OCR pass where full-page layout analysis loses text: boxed stamps beside the
// number (read as a picture) and the signature block (seal and handwriting drawn over the title
// and name). Sparse-text segmentation on those rectangles finds them again.

const inside = (b: BBox, r: BBox): boolean => {
  const x = (b.x0 + b.x1) / 2; const y = (b.y0 + b.y1) / 2;
  return x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1;
};

/** Right part of the last page from the "Nơi nhận" line (or the end of the body) down. */
export function signatureRegion(page: OcrPage): BBox {
  const segs = pageSegments(page);
  const recv = segs.find((s) => /^NOI NHAN/.test(fold(s.text)));
  const end = [...segs].reverse().find((s) => /\.\/\.$/.test(s.text.trim()));
  const top = recv ? recv.bbox.y0 - 10 : end ? end.bbox.y1 : page.height * 0.5;
  return { x0: page.width * 0.42, y0: top, x1: page.width, y1: Math.min(page.height, top + page.height * 0.3) };
}

/** Left part of the first page's header, where stamps sit near the number. */
export function stampRegion(page: OcrPage): BBox {
  return { x0: 0, y0: 0, x1: page.width * 0.55, y1: page.height * 0.35 };
}

function withLines(page: OcrPage, lines: OcrLine[]): OcrPage {
  const sorted = [...lines].sort((a, b) => a.bbox.y0 - b.bbox.y0 || a.bbox.x0 - b.bbox.x0);
  return { ...page, lines: sorted, text: sorted.map((l) => l.text).join('\n') };
}

const overlaps = (a: BBox, b: BBox): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Less ink than this high is a rule or specks, not a stamp or a line of text: 1.5 mm. */
const minInkHeight = (page: OcrPage): number => Math.round(page.dpi * 0.06);

/** The words of `line` that spell a mark (patterns.ts MARK_PHRASES), folded: "KHAN" of "KHAN THÔNG BÁO", not "HOÀ" of "CỘNG HOÀ". */
function markWords(line: OcrLine): Set<OcrWord> {
  const folded = line.words.map((w) => foldedLetters(w.text));
  const out = new Set<OcrWord>();
  folded.forEach((_, i) => {
    for (const phrase of MARK_PHRASES) {
      const parts = phrase.split(' ');
      if (parts.every((p, k) => folded[i + k] === p)) parts.forEach((_p, k) => out.add(line.words[i + k]!));
    }
  });
  return out;
}

/**
 * Boxes of the words of the first read that are no stamp it missed or merged into a line of text
 * ("KHAN THÔNG BÁO"): read with confidence ≥ 80, or plainly not a mark word (marks are printed in
 * capitals, no word of them has a digit or over six letters); never the words of a mark.
 */
export function surelyRead(page: OcrPage): BBox[] {
  const notMark = (t: string): boolean => /\p{N}/u.test(t) || (t.match(/\p{Ll}/gu) ?? []).length >= 2 || (t.match(/\p{L}/gu) ?? []).length > 6;
  return page.lines.flatMap((l) => {
    const marks = markWords(l);
    return l.words.filter((w) => w.text.trim() && !marks.has(w) && (w.confidence >= 80 || notMark(w.text)));
  }).map((w) => w.bbox);
}

/** The page plus the text a sparse-text re-read of the region finds where the first pass found none. */
export async function rereadRegion(engine: OcrEngine, page: OcrPage, region: BBox): Promise<OcrPage> {
  if (!engine.recognizeRegion) return page;
  const words = page.lines.flatMap((l) => l.words);
  // (not whitened like the stamp re-read: over the seal, the accents a word's box leaves out were
  // read as new lines, "TM. ỦY BAN NHÂN ^ DÂN": dev-font 95.8 -> 95.7 %, confident-but-wrong 2 -> 3)
  const fresh = (await engine.recognizeRegion(page, region))
    .filter((l) => l.text.trim() && !words.some((w) => overlaps(w.bbox, l.bbox)));
  return fresh.length ? withLines(page, [...page.lines, ...fresh]) : page;
}

/** The signature block re-read: sparse text where the full page found none, then the printed name on its own. */
export async function rereadSignature(engine: OcrEngine, page: OcrPage): Promise<OcrPage> {
  const read = await rereadRegion(engine, page, signatureRegion(page));
  const [named, listed] = await Promise.all([rereadSignerName(engine, read), rereadRecipients(engine, read)]);
  return mergeRecipients(named, read, listed);
}

/** The page plus any stamp words a sparse-text read of the header finds. */
export async function addStampLines(engine: OcrEngine, page: OcrPage): Promise<OcrPage> {
  if (!engine.recognizeRegion) return page;
  // the header's text the first read was sure of is whitened out: a stamp it missed is what is left
  const fresh = await engine.recognizeRegion(page, stampRegion(page), { known: surelyRead(page), minInkHeight: minInkHeight(page) });
  // a stamp is one or two words on a row of its own: group the sparse words by row
  // a re-read that repeats, clipped at the region's edge, a longer word the first pass read there
  // ("Khán" of the date line's "Khánh Hòa") is no stamp
  const repeats = (l: OcrLine): boolean => page.lines.some((p) => p.words.some((w) => overlaps(w.bbox, l.bbox)
    && foldedLetters(w.text).length > foldedLetters(l.text).length && foldedLetters(w.text).startsWith(foldedLetters(l.text))));
  const marks = fresh.filter((l) => marksInLine(l.text) && !repeats(l) && !page.lines.some((p) => marksInLine(p.text) && inside(l.bbox, p.bbox)));
  return marks.length ? withLines(page, [...page.lines, ...marks]) : page;
}

/**
 * The title and the printed name of the signature block, read again on their own where the seal
 * and the handwriting broke them: a band around the row (or where the row must be), keeping only
 * near-black ink (the seal is red in colour scans and mid-grey in grey ones), enlarged ×2. A row is
 * replaced only when its re-read passes the check the first read failed (a known title; a
 * Vietnamese full name).
 */
export async function rereadSignerName(engine: OcrEngine, page: OcrPage): Promise<OcrPage> {
  if (!engine.recognizeRegion) return page;
  const segs = pageSegments(page);
  const unit = lineUnit(segs);
  const lay = signatureLayout(segs, page.width, unit);
  const heads = [...lay.auth, ...lay.title];
  const band = (y0: number, y1: number, row: Segment[] = []): BBox => {
    const half = Math.max(page.width * 0.2, ...row.map((s) => Math.max(lay.centre - s.bbox.x0, s.bbox.x1 - lay.centre) + unit));
    return { x0: Math.max(page.width * 0.42, lay.centre - half), x1: Math.min(page.width, lay.centre + half), y0, y1 };
  };
  const top = (row: Segment[]): number => Math.min(...row.map((s) => s.bbox.y0));
  const bottom = (row: Segment[]): number => Math.max(...row.map((s) => s.bbox.y1));

  // the title: under the authority lines, at line spacing
  let titleJob: Promise<{ region: BBox; words: OcrWord[] } | null> = Promise.resolve(null);
  // A known title off the authority line's axis lost a word at one end ("Q." of "Q. CHỦ TỊCH"):
  // read again, it is taken only when the new read sits on the axis better by half a line.
  const axis = lay.auth.length ? axisOf(lay.auth.map((s) => s.bbox)) : null;
  const offBy = (boxes: BBox[]): number => (axis === null || !boxes.length ? 0 : Math.abs(axisOf(boxes) - axis));
  const shifted = lay.title.length > 0 && offBy(lay.title.map((s) => s.bbox)) > unit * 0.6;
  if (!(lay.title.length && isKnownTitle(rowText(lay.title))) || shifted) {
    const region = lay.title.length ? band(top(lay.title) - unit * 0.4, bottom(lay.title) + unit * 0.4, lay.title)
      : lay.auth.length ? band(bottom(lay.auth) + unit * 0.05, bottom(lay.auth) + unit * 2) : null;
    const centred = (words: OcrWord[]): boolean => !shifted || offBy(words.map((w) => w.bbox)) < offBy(lay.title.map((s) => s.bbox)) - unit * 0.5;
    if (region) titleJob = inkReread(engine, page, region, [lay.title.flatMap((s) => s.words)], (t) => isKnownTitle(t), () => true)
      .then((words) => (words && centred(words) ? { region, words } : null));
  }
  // the name: the lowest mixed-case row, else the lowest band of ink under the title
  let nameJob: Promise<{ region: BBox; words: OcrWord[] } | null> = Promise.resolve(null);
  if (!(lay.nameRow.length && readName(rowText(lay.nameRow)).valid)) {
    nameJob = (async () => {
      let region: BBox | null = null;
      if (lay.nameRow.length) region = band(top(lay.nameRow) - unit * 0.6, bottom(lay.nameRow) + unit * 0.6, lay.nameRow);
      else if (heads.length) {
        const b = await lowestInkBand(page, band(bottom(heads) + unit, bottom(heads) + unit * 12), unit);
        if (b) region = band(b.y0, b.y1);
      }
      if (!region) return null;
      const r = region;
      const words = await inkReread(engine, page, r, [lay.nameRow.flatMap((s) => s.words)], (t) => readName(t).valid, (w) => /^\p{Lu}/u.test(w) && isNameSyllable(w));
      return words ? { region: r, words } : null;
    })();
  }
  let out = page;
  for (const job of await Promise.all([titleJob, nameJob])) if (job) out = replaceBand(out, job.region, job.words);
  return out;
}


/**
 * Reads a band at two ink levels (the darker cut drops a grey seal ring crossing the text, the
 * lighter keeps thin accents) until `accept` takes the text; then a syllable read with other
 * accents elsewhere (`others`, the first read) and more confidently wins when `known` allows it.
 */
async function inkReread(engine: OcrEngine, page: OcrPage, region: BBox, others: OcrWord[][],
  accept: (text: string) => boolean, known: (word: string) => boolean): Promise<OcrWord[] | null> {
  const reads = [...others];
  let best: OcrWord[] | null = null;
  for (const level of [0.42, 0.3]) {
    const words = (await readInkOnly(engine, page, region, level)).flatMap((l) => l.words)
      .map((w) => ({ ...w, text: w.text.replace(/[^\p{L}.-]/gu, '') })).filter((w) => /\p{L}/u.test(w.text));
    reads.push(words);
    const text = words.map((w) => w.text).join(' ');
    if (accept(text)) { best = words; break; }
  }
  if (!best) return null;
  const voted = best.map((w) => {
    const alts = reads.flat().filter((o) => o !== w && fold(o.text) === fold(w.text) && o.text !== w.text && known(o.text));
    const top = alts.sort((a, b) => b.confidence - a.confidence)[0];
    return top && top.confidence > w.confidence ? { ...w, text: top.text, confidence: top.confidence } : w;
  });
  return accept(voted.map((w) => w.text).join(' ')) ? voted : best;
}

/** The page with the words inside `region` replaced by `words` (one line). */
function replaceBand(page: OcrPage, region: BBox, words: OcrWord[]): OcrPage {
  const keep = page.lines.map((l) => ({ ...l, words: l.words.filter((w) => !inside(w.bbox, region)) })).filter((l) => l.words.length);
  const line: OcrLine = { text: words.map((w) => w.text).join(' '), confidence: words.reduce((a, w) => a + w.confidence, 0) / words.length, bbox: {
    x0: Math.min(...words.map((w) => w.bbox.x0)), y0: Math.min(...words.map((w) => w.bbox.y0)),
    x1: Math.max(...words.map((w) => w.bbox.x1)), y1: Math.max(...words.map((w) => w.bbox.y1)) }, words };
  return withLines(page, [...keep.map((l) => ({ ...l, text: l.words.map((w) => w.text).join(' ') })), line]);
}

/** Grey levels of a crop where only near-black ink is dark: colour ink (red seal, blue pen) and mid-grey go white. */
async function inkOnly(page: OcrPage, r: BBox, level = 0.42): Promise<{ data: Buffer; width: number; height: number }> {
  // (the page's ink raster is decoded once for all the cuts of its re-reads)
  const img = cropGrey(await inkRaster(page.imagePath), r);
  const n = img.width * img.height;
  const v = img.data;
  const { ink, paper } = inkAndPaper(img);
  const thr = ink + (paper - ink) * level;
  for (let i = 0; i < n; i++) v[i] = v[i]! < thr ? Math.round(Math.max(0, v[i]! - ink) * 127 / Math.max(1, thr - ink)) : 255;
  return img;
}

/** OCR of the ink-only, ×2 crop, in page coordinates. */
async function readInkOnly(engine: OcrEngine, page: OcrPage, region: BBox, level: number, layout: 'sparse' | 'page' | 'line' = 'sparse'): Promise<OcrLine[]> {
  const r = { x0: Math.floor(region.x0), y0: Math.floor(region.y0), x1: Math.ceil(region.x1), y1: Math.ceil(region.y1) };
  if (r.x1 - r.x0 < 16 || r.y1 - r.y0 < 8) return [];
  const img = await inkOnly(page, r, level);
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-name-'));
  const file = join(dir, 'name.png');
  try {
    const pad = 20;
    await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } })
      .resize({ width: img.width * 2, height: img.height * 2, kernel: 'cubic' })
      .extend({ top: pad, bottom: pad, left: pad, right: pad, background: { r: 255, g: 255, b: 255 } })
      .png().toFile(file);
    const W = img.width * 2 + pad * 2; const H = img.height * 2 + pad * 2;
    const crop: OcrPage = { ...page, imagePath: file, width: W, height: H, dpi: page.dpi * 2, lines: [], text: '' };
    const lines = await engine.recognizeRegion!(crop, { x0: 0, y0: 0, x1: W, y1: H }, { layout, alternatives: true });
    const back = (b: BBox): BBox => ({ x0: r.x0 + (b.x0 - pad) / 2, y0: r.y0 + (b.y0 - pad) / 2, x1: r.x0 + (b.x1 - pad) / 2, y1: r.y0 + (b.y1 - pad) / 2 });
    return lines.filter((l) => l.text.trim()).map((l) => ({ ...l, bbox: back(l.bbox), words: l.words.map((w) => ({ ...w, bbox: back(w.bbox) })) }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The lowest band of rows with ink in a region, about one text line high, or null. */
async function lowestInkBand(page: OcrPage, region: BBox, unit: number): Promise<{ y0: number; y1: number } | null> {
  const r = { x0: Math.max(0, Math.floor(region.x0)), y0: Math.max(0, Math.floor(region.y0)), x1: Math.min(page.width, Math.ceil(region.x1)), y1: Math.min(page.height, Math.ceil(region.y1)) };
  if (r.x1 - r.x0 < 16 || r.y1 - r.y0 < 16) return null;
  const img = await inkOnly(page, r);
  const rows: boolean[] = [];
  for (let y = 0; y < img.height; y++) {
    let dark = 0;
    for (let x = 0; x < img.width; x++) if (img.data[y * img.width + x]! < 128) dark++;
    rows.push(dark >= 3);
  }
  let y = img.height - 1;
  while (y >= 0 && !rows[y]) y--;
  if (y < 0) return null;
  const bottom = y;
  while (y >= 0 && (rows[y] || rows[y - 1] || rows[y - 2])) y--;
  const top = Math.max(y, bottom - Math.round(unit * 1.6));
  return { y0: r.y0 + top - unit * 0.5, y1: r.y0 + bottom + unit * 0.5 };
}

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
  return { x0, y0: head.bbox.y1 + unit * 0.1, x1: right, y1 };
}

/** The "Nơi nhận" column read again on its own, ink only, ×2 (one column: the signature block beside it no longer disturbs the layout analysis). */
export async function readRecipientsColumn(engine: OcrEngine, page: OcrPage, layout: 'sparse' | 'page' = 'page', level = 0.42): Promise<OcrLine[]> {
  if (!engine.recognizeRegion) return [];
  const region = recipientsRegion(page);
  return region ? readInkOnly(engine, page, region, level, layout) : [];
}

const rowOk = (r: { text: string; conf: number }, first: boolean): boolean => r.conf >= 0.6 && rowLooksRight(r.text, { first });

/** Re-read words as a row of the list (its text and mean confidence), or null when none were read. */
const asRow = (words: OcrWord[]): Segment | null => (words.length ? segmentOf(words) : null);

/**
 * The rows of "Nơi nhận" that do not read as items (the signature block beside the first lines
 * upsets tesseract's layout analysis: a first item lost or garbled; a misread archive code) read
 * again from the column alone, ink only, ×2, at two ink levels and both segmentations; a row is
 * replaced only by a re-read row at its height that passes the check.
 */
export async function rereadRecipients(engine: OcrEngine, page: OcrPage): Promise<OcrPage> {
  if (!engine.recognizeRegion) return page;
  const segs = pageSegments(page);
  const unit = lineUnit(segs);
  const recvIdx = recipientsHeadIndex(segs, page.width, unit);
  if (recvIdx < 0) return page;
  const rows = recipientRows(segs, segs[recvIdx]!, page.width, unit);
  let bad = rows.filter((r, i) => !rowOk(r, i === 0));
  let missing = missingRowBands(segs[recvIdx]!.bbox, rows, unit);
  if (!bad.length && !missing.length) return page;
  const column = recipientsRegion(page, segs, unit);
  if (!column) return page;
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
      if (cand && rowOk(cand, r === rows[0])) {
        out = replaceWords(out, new Set(r.words), words);
      } else still.push(r);
    }
    bad = still;
    // rows the first read lost altogether: an item-like line of the re-read in the band where one is missing
    const known = out.lines.flatMap((l) => l.words);
    const found = missing.map((b) => lines.filter((l) => cy(l.bbox) > b.y0 && cy(l.bbox) < b.y1 && !known.some((w) => overlaps(w.bbox, l.bbox))
      && l.confidence >= 60 && (rowLooksRight(l.text, { first: true }) || (l.confidence >= 75 && /^[-–—]\s*\p{Lu}/u.test(l.text.trim())))));
    const add = found.flat();
    if (add.length) out = withLines(out, [...out.lines, ...add]);
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
    if (cand && rowOk(cand, r === rows[0])) out = replaceWords(out, new Set(r.words), words);
  }
  return out;
}

/**
 * Bands of the "Nơi nhận" column where a printed row is missing from the first read: a gap of
 * about two rows between rows (the list is single-spaced: its own pitch is its closest two rows),
 * and below the last row when it is not the archive line that always closes the list (NĐ30 App. I).
 */
export function missingRowBands(head: BBox, rows: Array<{ text: string; y0: number; y1: number }>, unit: number): Array<{ y0: number; y1: number }> {
  if (!rows.length) return [];
  const tops = [head.y0, ...rows.map((r) => r.y0)];
  const steps = tops.slice(1).map((y, i) => y - tops[i]!);
  const pitch = Math.max(unit, Math.min(...steps.filter((d) => d > unit * 0.5), unit * 1.6));
  const out: Array<{ y0: number; y1: number }> = [];
  steps.forEach((d, i) => { if (i > 0 && d > pitch * 1.7) out.push({ y0: rows[i - 1]!.y1, y1: rows[i]!.y0 }); });
  const last = rows[rows.length - 1]!;
  if (!/^[-–—]?\s*LUU\s*[:;.,]/.test(fold(last.text.trim()))) out.push({ y0: last.y1, y1: last.y1 + pitch * 2.2 });
  return out;
}

/** `named` (the signature re-read) with the "Nơi nhận" rows that `listed` replaced in `base`. */
function mergeRecipients(named: OcrPage, base: OcrPage, listed: OcrPage): OcrPage {
  if (listed === base) return named;
  const baseWords = new Set(base.lines.flatMap((l) => l.words));
  const gone = new Set(base.lines.flatMap((l) => l.words).filter((w) => !listed.lines.some((l) => l.words.includes(w))));
  const added = listed.lines.filter((l) => !l.words.some((w) => baseWords.has(w)));
  const keep = named.lines.map((l) => ({ ...l, words: l.words.filter((w) => !gone.has(w)) })).filter((l) => l.words.length)
    .map((l) => ({ ...l, text: l.words.map((w) => w.text).join(' ') }));
  return withLines(named, [...keep, ...added]);
}

/** The page with the words `gone` (by identity) replaced by `words` (one line). */
function replaceWords(page: OcrPage, gone: Set<OcrWord>, words: OcrWord[]): OcrPage {
  const keep = page.lines.map((l) => ({ ...l, words: l.words.filter((w) => !gone.has(w)) })).filter((l) => l.words.length)
    .map((l) => ({ ...l, text: l.words.map((w) => w.text).join(' ') }));
  const line: OcrLine = { text: words.map((w) => w.text).join(' '), confidence: words.reduce((a, w) => a + w.confidence, 0) / words.length, bbox: {
    x0: Math.min(...words.map((w) => w.bbox.x0)), y0: Math.min(...words.map((w) => w.bbox.y0)),
    x1: Math.max(...words.map((w) => w.bbox.x1)), y1: Math.max(...words.map((w) => w.bbox.y1)) }, words };
  return withLines(page, [...keep, line]);
}
