import type { OcrWord } from '../ocr/ocr.js';
import { archiveCodes, archiveWordIndex, ITEM_ABBREVIATIONS, OFFICE_CODES, properWord, rowLooksRight } from './recipients.js';
import { knownWord } from './vn-words.js';

// Evidence that tells a right "Nơi nhận" list from a wrong one, for the learned calibration
// (calibration.ts). The raw score of a list (its worst row's mean word confidence) does not separate
// them: a list that lost a row under the seal, or merged two rows, reads with good confidence. What
// does: rows that do not read as list items (recipient phrase model of recipients.ts: dash, words of
// the lexicon, abbreviations, places, "Lưu: VT, …"), items that did not open with the list marker,
// a gap or a tall row in the list's line grid (a lost or merged row), and the least sure word.

export interface ListEvidence {
  /** Share of the column's rows that do not read as a well-formed item (or its wrapped end), 0..1. */
  badRows: number;
  /** Share of the final items that are not recipient phrases (itemIsPhrase), 0..1. */
  badItems: number;
  /** Share of the items that did not open with the list marker "- ", 0..1. */
  undashed: number;
  /** Lines the list's grid says are missing or merged (gaps of a line pitch, rows two lines tall), capped at 3. */
  gridMismatch: number;
  /** The least confidence of a word of the list, 0..1. */
  minWord: number;
  /**
   * The least OCR confidence of the "Lưu:" line's codes after VT, 0..1 (1 when there are none): a
   * code is a few letters no word list checks, and a misread one is often another code ("TH" for
   * TTr in small type). On the kept pages of rounds P–Q every code read at 80 % or more was right
   * (162), 14 of the 29 read under 70 % were wrong; minWord, spent on the often-garbled VT, misses it.
   */
  minCode?: number;
}

/** No evidence against the list (fields that are not lists, or a list that is empty by rule). */
export const NO_LIST_EVIDENCE: ListEvidence = { badRows: 0, badItems: 0, undashed: 0, gridMismatch: 0, minWord: 1, minCode: 1 };

type Row = { words: OcrWord[]; text: string; y0: number; y1: number };

/**
 * The evidence for a list read from `rows` (the column under its head, recipientRows) into items
 * (`dashedItems` of the raw items opened with a dash; `items` the final ones); `headY0` is the top of the
 * "Nơi nhận" line; `docCodes` the document's own unit codes (documentCodes).
 */
/** The drafter's mark closing a "Lưu:" line: a short name and the copies ("Tươi(5)", "Ha5b", "Ki(4b)"). */
const DRAFTER = /^\p{Lu}\p{Ll}{0,6}\(?\d{1,2}\p{Ll}?\)?$/u;

/**
 * Whether a final item is a recipient phrase (NĐ30 App. I): "Lưu:" with known office codes (or the
 * document's own), or words of the language, known places and names, known abbreviations, "Đ/c",
 * numbers and a closing "(b/c)" or "(để …)" of known words.
 */
export function itemIsPhrase(item: string, docCodes: string[]): boolean {
  const codes = archiveCodes(item);
  if (codes) return codes.length > 0 && codes[0] === 'VT' && codes.every((c, i) => OFFICE_CODES.has(c) || docCodes.includes(c)
    || (i === codes.length - 1 && DRAFTER.test(c)));
  const paren = [...item.matchAll(/\(([^)]*)\)/gu)].map((m) => m[1]!.trim());
  if (paren.some((p) => !/^b\/c$/u.test(p) && !/^để\s/u.test(p))) return false;
  const words = item.replace(/\(\s*b\/c\s*\)/gu, ' ').replace(/[()]/gu, ' ').split(/[\s,;]+/u).filter(Boolean);
  return words.length > 0 && words.every((w) => w === 'Đ/c' || w === '-' || /[FJWZfjwz]/u.test(w) || /^\d+$/u.test(w) || ITEM_ABBREVIATIONS.has(w) || OFFICE_CODES.has(w)
    || (knownWord(w) && !/^\p{Lu}{2,}$/u.test(w)) || properWord(w));
}

export function listEvidence(rows: Row[], items: string[], rawItems: number, dashedItems: number, headY0: number, docCodes: string[]): ListEvidence {
  const itemCount = items.length;
  if (!rows.length) return { badRows: 1, badItems: 1, undashed: 1, gridMismatch: 3, minWord: 0, minCode: 0 };
  // a row opening with a dash is an item's first row; any other is the wrapped end of one
  const bad = rows.filter((r, i) => !rowLooksRight(r.text, { first: i === 0 || /^[-–—]/u.test(r.text.trim()) })).length;
  const heights = rows.map((r) => r.y1 - r.y0).sort((a, b) => a - b);
  const lineHeight = heights[Math.floor(heights.length / 2)]!;
  const ys = [headY0, ...rows.map((r) => r.y0)];
  const steps = ys.slice(1).map((y, i) => y - ys[i]!).filter((d) => d > 0);
  const pitch = steps.length ? Math.min(...steps) : 0;
  // lines skipped between rows (a step of k pitches hides k-1 lines) plus rows as tall as two lines
  const skipped = pitch > 0 ? steps.reduce((a, d) => a + Math.max(0, Math.round(d / pitch) - 1), 0) : 0;
  const tall = lineHeight > 0 ? rows.filter((r) => r.y1 - r.y0 > lineHeight * 1.7).length : 0;
  const confs = rows.flatMap((r) => r.words.map((w) => w.confidence / 100));
  return {
    badRows: bad / rows.length,
    badItems: itemCount ? items.filter((t) => !itemIsPhrase(t, docCodes)).length / itemCount : 1,
    undashed: Math.min(1, Math.max(0, 1 - dashedItems / Math.max(1, rawItems))),
    gridMismatch: Math.min(3, skipped + tall),
    minWord: confs.length ? Math.min(...confs) : 0,
    minCode: Math.min(1, ...rows.flatMap(archiveCodeWords).map((w) => w.confidence / 100)),
  };
}

/** The words of a "Lưu:" row after its first code (VT, repaired by rule whatever was read); none for other rows. */
function archiveCodeWords(row: Row): OcrWord[] {
  const at = archiveWordIndex(row.words);
  return at < 0 ? [] : row.words.slice(at + 2);
}
