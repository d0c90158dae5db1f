import type { BBox, OcrEngine, OcrPage, OcrWord } from '../ocr/ocr.js';
import { readInkOnly, replaceWords } from './reread-ink.js';

// A line whose few characters decide a field read a second time, alone and ×3 (ink only, one
// line): the "Lưu:" row's small codes (reread-recipients.ts). A misread there is often another
// valid value ("TH" for TTr) that no list can catch; two readings at odds can (recipient-list.ts
// weighs them). (The date line was tried too: the ×3 read turned 8s into 6s as surely, 3 right
// dates of 60 flagged, none mended; not kept.)

/**
 * `words` (one printed line, page coordinates) read again from `band`: each a new word keeping
 * what the second read saw at its place (OcrWord.reread). A word the second read split, merged
 * (a comma inside: "VT,Lĩnh7)") or missed keeps none.
 */
export async function readWordsTwice(engine: OcrEngine, page: OcrPage, words: OcrWord[], band: BBox): Promise<OcrWord[]> {
  const again = (await readInkOnly(engine, page, band, 0.6, 'line', 3)).flatMap((l) => l.words).filter((w) => w.text.trim());
  const width = (b: BBox): number => b.x1 - b.x0;
  const sameWord = (a: BBox, b: BBox): boolean => Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 0.6 * Math.max(width(a), width(b));
  // (every word a new one: a merge of re-reads, reread.ts mergeRecipients, takes a line with none
  // of the first read's words as the line's new reading)
  return words.map((w) => {
    const match = again.filter((x) => sameWord(w.bbox, x.bbox) && !/[,;]\S/u.test(x.text));
    return match.length === 1 ? { ...w, reread: match[0]!.text } : { ...w };
  });
}

/** The page with `words` replaced by their second reading, or the page itself when the second read matched none. */
export async function withSecondReading(engine: OcrEngine, page: OcrPage, words: OcrWord[], band: BBox): Promise<OcrPage> {
  const read = await readWordsTwice(engine, page, words, band);
  return read.some((w) => w.reread !== undefined) ? replaceWords(page, (w) => words.includes(w), read) : page;
}
