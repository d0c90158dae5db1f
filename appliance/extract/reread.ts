import type { BBox, OcrEngine, OcrLine, OcrPage, OcrWord } from '../ocr/ocr.js';
import { axisOf, lineUnit, pageSegments, type Segment } from './layout.js';
import { isKnownTitle } from './titles.js';
import { isNameSyllable, readName } from './names.js';
import { rowText, signatureLayout } from './signature.js';
import { fold, foldedLetters } from './vn-text.js';
import { MARK_PHRASES, marksInLine } from './patterns.js';
import { rereadRecipients } from './reread-recipients.js';
import { inkOnly, linesWithout, overlaps, readInkOnly, replaceWords, withLines } from './reread-ink.js';

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
  for (const job of await Promise.all([titleJob, nameJob])) if (job) out = replaceWords(out, (w) => inside(w.bbox, job.region), job.words);
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

/** `named` (the signature re-read) with the "Nơi nhận" rows that `listed` replaced in `base`. */
function mergeRecipients(named: OcrPage, base: OcrPage, listed: OcrPage): OcrPage {
  if (listed === base) return named;
  const baseWords = new Set(base.lines.flatMap((l) => l.words));
  const gone = new Set(base.lines.flatMap((l) => l.words).filter((w) => !listed.lines.some((l) => l.words.includes(w))));
  const added = listed.lines.filter((l) => !l.words.some((w) => baseWords.has(w)));
  return withLines(named, [...linesWithout(named, (w) => gone.has(w)), ...added]);
}
