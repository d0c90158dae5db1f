import type { OcrWord } from '../ocr/ocr.js';
import { cy, segmentOf, type Segment } from './layout.js';
import { knownWord, pairCount, repairText } from './vn-words.js';
import { DISTRICT_NAMES, PROVINCE_NAMES } from './places.js';
import { isNameSyllable } from './names.js';
import { fold } from './vn-text.js';

/** A word in capitals that can be an abbreviation (TT, HĐND, MTTQ): no vowel mark, which capitals of a word carry ("ỘI" is a word's end). */
export const isAbbreviation = (w: string): boolean => /^\p{Lu}[\p{Lu}\d]+$/u.test(w) && /^[A-Z\dĐ]+$/u.test(w);

/** Capitalised syllables of place names (UBND huyện Mường Khương) and personal names (Đ/c Nguyễn Văn An). */
const PLACE_SYLLABLES = new Set([...PROVINCE_NAMES, ...DISTRICT_NAMES].flatMap((p) => p.split(/[\s-]+/)).filter(Boolean));
export const properWord = (w: string): boolean => /^\p{Lu}/u.test(w) && (PLACE_SYLLABLES.has(w) || isNameSyllable(w));

// Checks and repairs for the items of "Nơi nhận" (NĐ30 App. I): "- Như trên;", "- UBND các
// huyện, thành phố;", "- Lưu: VT, VP." Each item is a name of a body in ordinary words or
// capitalised abbreviations; the archive line lists the archive office (VT) and the drafting
// unit's code, an upper-case abbreviation.

/** Common unit codes of the "Lưu:" line (văn thư, văn phòng, phòng/ban of a UBND or a Sở). */
export const OFFICE_CODES = new Set([
  'VT', 'VP', 'TH', 'NC', 'KT', 'KTN', 'KGVX', 'XD', 'NV', 'CV', 'TCHC', 'HCTH', 'HCTC', 'HCTP', 'TCCB', 'TCKH',
  'KH', 'KHTC', 'TC', 'TCCV', 'VX', 'NN', 'NNMT', 'TNMT', 'GT', 'GTXD', 'CN', 'KTTH', 'QLĐT', 'ĐT', 'TTr', 'PC',
  'TTHC', 'KSTT', 'HC', 'QT', 'NCPC', 'TKBT', 'VHXH', 'KTTC', 'KHĐT', 'QLCL', 'QLDA', 'TĐKT', 'CCHC', 'BTCD',
  'HĐND', 'UBND', 'LĐTBXH', 'GDĐT', 'YT', 'TP', 'NV1', 'NV2', 'NV3', 'QLNN', 'ANQP', 'ĐN', 'TTTT', 'VHTT', 'VHTTDL',
]);

/** Letters OCR confuses in serif capitals at list size: printed letter → misreads. */
const CONFUSED: Record<string, string[]> = { P: ['E', 'F', 'R'], C: ['G'], T: ['I', 'F', 'L', 'Y'], H: ['U', 'N'], D: ['O'], V: ['Y'], r: ['T', 'I'] };

/** Abbreviations of NĐ30 recipient items besides the office codes (Thường trực, Mặt trận, Đoàn ĐBQH, Phó Chủ tịch…). */
export const ITEM_ABBREVIATIONS = new Set(['TT', 'MTTQ', 'UBMTTQ', 'ĐBQH', 'CT', 'PCT', 'CVP', 'PCVP', 'PVP', 'TTĐT', 'BCH', 'TAND', 'VKSND', 'BHXH', 'LĐLĐ', 'HĐQT', 'TƯ', 'THCS', 'THPT']);

/**
 * A capital abbreviation of a list item that no list holds, of three letters or more and with a
 * letter no unit's initials hold, repaired to
 * the one known abbreviation whose every letter it differs in is an OCR confusion ("TTĐI" → TTĐT,
 * as the "Lưu:" codes are in checkCode); else as read.
 */
export function repairItemAbbreviation(word: string): string {
  // items name bodies freely (TTYT, CNTT): only a letter no unit's initials hold (I, E, F…) says misread
  if (word.length < 3 || !isAbbreviation(word) || !UNLIKELY.test(word) || ITEM_ABBREVIATIONS.has(word) || OFFICE_CODES.has(word)) return word;
  const cands = confusedWith(word, [...ITEM_ABBREVIATIONS, ...OFFICE_CODES]);
  return cands.size === 1 ? [...cands][0]! : word;
}

/**
 * The known codes of the same length whose every letter the reading differs in is one OCR confuses
 * with it ("HGTG" for HCTC): a closed vocabulary, so any number of such letters.
 */
function confusedWith(read: string, known: Iterable<string>): Set<string> {
  const confusable = (printed: string, seen: string): boolean => printed === seen || (CONFUSED[printed] ?? []).includes(seen);
  const cands = new Set<string>();
  for (const k of known) if (k.length === read.length && [...k].every((ch, i) => confusable(ch, read[i]!))) cands.add(k);
  return cands;
}

/** Letters that open no syllable of a unit name: a code holding one was misread. */
const UNLIKELY = /[EFIJWZ]/;

/** The parts of a notation after the number, as printed: year, type code, unit codes ("…/2022/QĐ-UBND"). */
export function notationParts(notation: string | null): string[] {
  if (!notation) return [];
  return notation.split('/').slice(1).flatMap((p) => p.split('-')).map((p) => p.trim()).filter(Boolean);
}

/** The unit codes a document itself uses: the parts of its notation after the number ("…/QĐ-UBND", "…/UBND-VP"). */
export function documentCodes(notation: string | null): string[] {
  return notationParts(notation).filter((p) => /^\p{Lu}[\p{Lu}\d]{1,7}$/u.test(p));
}

/**
 * A code of the "Lưu:" line checked against the known codes: `ok` when known or plausible,
 * `code` repaired when one confused letter away from exactly one known code, else `ok: false`.
 */
export function checkCode(code: string, docCodes: string[] = []): { code: string; ok: boolean; repaired: boolean } {
  const known = new Set([...OFFICE_CODES, ...docCodes]);
  if (known.has(code)) return { code, ok: true, repaired: false };
  // the drafter's code (NĐ30 App. I): initials or a name and, in brackets, the copies made ("Hg(3b)", "Nhân(2)")
  if (DRAFTER.test(code)) return { code, ok: true, repaired: false };
  // one read in capitals with a marked vowel ("ĐỊ7b"): a name's syllable (no unit's initials carry a
  // vowel's mark), its letters after the first in lower case
  const named = /^(\p{Lu})(\p{Lu}{1,6})(\(\d{1,2}\p{Ll}?\)|\d{1,2}\p{Ll})$/u.exec(code);
  if (named && MARKED_VOWEL.test(named[2]!.normalize('NFD'))) return { code: named[1]! + named[2]!.toLocaleLowerCase('vi') + named[3]!, ok: true, repaired: true };
  const cands = confusedWith(code, known);
  // a letter read twice, or a neighbour's misread read beside it ("VHTTT", "NYV"): one of them
  if (!cands.size) {
    for (let i = 0; i < code.length; i++) {
      const twin = (j: number): boolean => j >= 0 && j < code.length && (code[j] === code[i] || (CONFUSED[code[j]!] ?? []).includes(code[i]!));
      const c = code.slice(0, i) + code.slice(i + 1);
      if ((twin(i - 1) || twin(i + 1)) && known.has(c)) cands.add(c);
    }
  }
  // a two-letter code with a confusable letter that reads as a code as it is ("TN", a unit of its
  // own, or TH with H read as N): kept as read, and doubtful (longer codes are rarer by chance)
  if (cands.size && code.length === 2 && !docCodes.some((d) => cands.has(d)) && !UNLIKELY.test(code) && ABBREVIATION.test(code)) return { code, ok: false, repaired: false };
  // the small final letter of a mixed-case code lost ("TT" for TTr): the one known code it begins
  if (!cands.size && !OFFICE_CODES.has(code)) for (const k of known) if (k.length === code.length + 1 && k.startsWith(code) && /\p{Ll}$/u.test(k)) cands.add(k);
  if (cands.size === 1) return { code: [...cands][0]!, ok: true, repaired: true };
  // unknown: plausible only when every letter can open a syllable, none carries a vowel's mark
  // ("TĨ" for TTr: dev-font doc-020) and the shape is a code's
  return { code, ok: cands.size === 0 && plausibleCode(code), repaired: false };
}

/**
 * The unit codes of a notation after its first code ("…/BC-TIr"), each repaired as checkCode repairs
 * a "Lưu:" code, and only when it holds a letter no unit's initials hold (I, E, F…): a unit's own
 * code may be any abbreviation, one no list holds.
 */
export function repairNotationCodes(notation: string): string {
  const cut = notation.lastIndexOf('/');
  const [first, ...codes] = notation.slice(cut + 1).split('-');
  if (cut < 0 || !codes.length) return notation;
  const fixed = codes.map((code) => { const r = UNLIKELY.test(code) ? checkCode(code) : null; return r?.repaired ? r.code : code; });
  return notation.slice(0, cut + 1) + [first, ...fixed].join('-');
}

/**
 * A notation whose codes hold a letter no unit's initials hold (I, E, F…) left after the repair
 * ("…/CT-TIPVHCC"): a misread nothing known explains, so the notation is in doubt.
 */
export const notationCodesDoubtful = (notation: string): boolean =>
  notation.slice(notation.lastIndexOf('/') + 1).split('-').some((code) => UNLIKELY.test(code));

/** Where a row's words name the archive ("- Lưu:" or "Lưu:" as its first or second word), or −1. */
export function archiveWordIndex(words: OcrWord[]): number {
  const at = words.findIndex((w) => /^LUU/u.test(fold(w.text)));
  return at > 1 ? -1 : at;
}

/**
 * Whether a code of the "Lưu:" row after VT was read under 85 %: on the kept pages of round Q every
 * code read at 80 % or more was right (162), so only a row with a code read less sure is read a
 * second time (reread-recipients.ts), and only there do two readings weigh (recipient-list.ts).
 */
export function archiveCodesUnsure(words: OcrWord[]): boolean {
  const at = archiveWordIndex(words);
  return at >= 0 && words.slice(at + 2).some((w) => w.confidence < 85);
}

/** The codes of a "Lưu:" item ("Lưu: VT, VP" → ["VT", "VP"]), or null when it is not one. */
export function archiveCodes(item: string): string[] | null {
  const m = /^Lưu\s*:\s*(.*)$/u.exec(item);
  // a lone lower-case letter is a speck: codes are capitals ("Lưu: x VT, NN")
  return m ? m[1]!.split(/[\s,]+/).filter((c) => c && !/^\p{Ll}$/u.test(c)) : null;
}

/** The item with its "Lưu:" codes repaired against the known codes; `sure` false when a code stays doubtful. */
export function repairArchive(item: string, docCodes: string[] = []): { item: string; sure: boolean } {
  const codes = archiveCodes(item);
  if (!codes) return { item, sure: true };
  // the first code is always VT (văn thư): glued to a known code after it, the comma between was lost ("VTNC")
  const glued = /^VT(.{2,})$/u.exec(codes[0] ?? '');
  if (glued && !OFFICE_CODES.has(codes[0]!) && (OFFICE_CODES.has(glued[1]!) || docCodes.includes(glued[1]!) || DRAFTER.test(glued[1]!))) codes.splice(0, 1, 'VT', glued[1]!);
  // the drafter's count with its closing bracket lost at the line's end ("Thư(4"): it has one
  const last = codes.length - 1;
  if (last > 0 && /^\p{Lu}\p{Ll}{0,6}\(\d{1,2}\p{Ll}?$/u.test(codes[last]!)) codes[last] += ')';
  if (!codes.length || !codes.every((c) => ABBREVIATION.test(c) || DRAFTER.test(c))) return { item, sure: false };
  const checked = codes.map((c) => checkCode(c, docCodes));
  // a code repaired from a reading that is itself a plausible code ("TN" → TH) may have been right: doubtful
  return { item: `Lưu: ${checked.map((c) => c.code).join(', ')}`, sure: checked.every((c, i) => c.ok && !(c.repaired && i > 0 && plausibleCode(codes[i]!))) };
}

const DRAFTER = /^\p{Lu}\p{Ll}{0,6}(?:\(\d{1,2}\p{Ll}?\)|\d{1,2}\p{Ll})$/u;
/** A vowel carrying a tone or shape mark, decomposed (Đ's stroke is no combining mark). */
const MARKED_VOWEL = /[AEIOUY][\u0300-\u0309\u0323\u031b]/u;

/**
 * A code's shape with no letter a unit's initials never hold (E, F, I…), no marked vowel (no
 * unit's initials carry one: "ĐỊ7b" was a drafter's name, "TĨ" a misread TTr) and no number of
 * two digits (a unit is numbered "NV1"; "T75" was a drafter's "Ti7b").
 */
const plausibleCode = (c: string): boolean => ABBREVIATION.test(c) && !UNLIKELY.test(c) && !MARKED_VOWEL.test(c.normalize('NFD')) && !/\d\d/u.test(c);

/**
 * A word of an item that reads as an abbreviation: a known one, or capitals with no letter a unit's
 * initials never hold (E, F, I…) and no marked vowel. A re-read "TE Tỉnh ủy, TF HDND" or "đơn VỊ"
 * is a misread, not codes (dev doc-021, doc-030).
 */
const codeLike = (w: string): boolean => OFFICE_CODES.has(w) || ITEM_ABBREVIATIONS.has(w) || plausibleCode(w);

/**
 * A drafter code's copy count is digits ("Lệ(5b)", "Quyết(8)"): a symbol of it read as a letter or
 * a sign ("Lệ(Bb)") takes the best digit tesseract offered for that place; `doubtful` when there is
 * none, when a second digit is at least half as likely ("Nt(Bb)": 6 at 69, 5 at 66), or when it
 * counts twenty copies or more (an archive keeps a few). (A digit
 * read as a digit stays: a rival digit behind it was as often right as wrong in the kept pages.)
 */
export function copyCount(word: OcrWord): { text: string; doubtful: boolean } {
  const choices = word.choices ?? [];
  const symbols = choices.map((c) => c[0]!.text);
  const as = { text: word.text, doubtful: false };
  if (!choices.length || symbols.join('') !== word.text || !/^\p{Lu}\p{Ll}{0,6}\(/u.test(word.text)) return as;
  const open = symbols.indexOf('(');
  const close = symbols.indexOf(')', open + 1);
  if (close < open + 2) return as;
  // the count's places: between the brackets, but for a closing "b" (bản, copies)
  const end = close - 1 > open + 1 && symbols[close - 1] === 'b' ? close - 1 : close;
  let doubtful = false;
  for (let i = open + 1; i < end; i++) {
    const digits = choices[i]!.filter((c) => /^\d$/u.test(c.text));
    if (!digits.length) { doubtful = true; continue; }
    if (symbols[i] === digits[0]!.text) continue;
    symbols[i] = digits[0]!.text;
    doubtful ||= digits[1] !== undefined && digits[1].confidence >= digits[0]!.confidence * 0.5;
  }
  // an archive keeps a few copies, not tens: "Cương(77)" was a 7 read twice
  doubtful ||= Number(symbols.slice(open + 1, end).join('')) >= 20;
  return { text: symbols.join(''), doubtful };
}
const ABBREVIATION = /^\p{Lu}(?:[\p{Lu}\d]{1,7}|[\p{Lu}\d]{0,6}\p{Ll})$/u; // VP, KGVX, NV1, TTr

/**
 * Word-initial misreads a lexicon can settle: a capital T read as I or l ("Irang" → "Trang"), a
 * stroke read as I before a capital ("INhư" → "Như"). Only when the printed form is no word and
 * the repaired one is.
 */
export function repairInitials(text: string): string {
  return text.replace(/(^|[\s(])([Il|])(\p{L}+)/gu, (m, pre: string, first: string, rest: string) => {
    if (knownWord(first + rest)) return m;
    if (/^\p{Ll}/u.test(rest) && knownWord('T' + rest)) return `${pre}T${rest}`;
    if (/^\p{Lu}/u.test(rest) && (knownWord(rest) || ABBREVIATION.test(rest))) return pre + rest;
    return m;
  });
}

/** An opening bracket with at most four characters after it at an item's end: the rest of its note is lost. */
export const CUT_NOTE = /\([^)]{0,4}[\s;.,]*$/u;

/**
 * Whether one printed row of the list reads as a well-formed item (or the wrapped end of one):
 * a dash, then words of the lexicon or capital abbreviations, "(b/c)", numbers; no debris.
 */
export function rowLooksRight(text: string, opts: { first: boolean }): boolean {
  const t = repairText(repairInitials(text.trim().replace(/^([-–—])['"`‘’“”]+\s*/u, '$1 '))).text;
  const dashed = /^[-–—]\s+\S/.test(t);
  if (opts.first && !dashed) return false;
  if (!dashed && !/^\p{Ll}/u.test(t)) return false; // a wrapped line goes on in lower case
  const body = t.replace(/^[-–—]\s+/, '').replace(/[;.,]$/, '');
  if (/[^\p{L}\d\s,;.:()/&-]/u.test(body) || /\s[.,;:]|[,;:]\S|[.]{2}/u.test(body)) return false;
  // a note cut short at the row's end ("… Hà Tĩnh (" for "… Hà Tĩnh (b/c);"): the seal or the edge took the rest
  if (CUT_NOTE.test(body)) return false;
  const codes = archiveCodes(body.replace(/;/g, ','));
  // the first code is always VT (văn thư); its second letter is often misread and repaired later
  if (codes) return codes.length > 0 && codes.every((c, i) => (i === 0 && /^V\S$/u.test(c)) || (ABBREVIATION.test(c) && checkCode(c).ok && !checkCode(c).repaired));
  const words = body.replace(/\(\s*(để\s+)?b\s*\/\s*c\s*\)/giu, ' ').split(/[\s,;()]+/).filter(Boolean);
  // ("Đ/c", đồng chí, opens a person's item: without it a right "- Đ/c Phạm Kim Giang;" was re-read, and
  // a re-read "Đức Phạm Kim Giang" looked right)
  // (a word of two capitals or more is a code or nothing: "đơn VỊ" is no item's spelling)
  const capitals = (w: string): boolean => w.length > 1 && w === w.toLocaleUpperCase('vi') && /\p{L}/u.test(w);
  return words.length > 0 && words.every((w) => w === 'Đ/c' || /^\d+$/.test(w) || codeLike(w) || (!capitals(w) && ((knownWord(w) && w.length > 1) || properWord(w))));
}

/**
 * A segment of the "Nơi nhận" column: it starts near the column's left edge (or, wrapped or
 * indented, left of the page middle) and ends before the signature block's lines, which start
 * right of ~55 % of the page; a long item ("- Ban Quản lý dự án đầu tư xây dựng huyện;") may
 * reach past the middle.
 */
export function inRecipientsColumn(s: Segment, head: Segment, width: number): boolean {
  return startsInColumn(s, head, width) && s.bbox.x1 < columnEnd(width);
}

const startsInColumn = (s: Segment, head: Segment, width: number): boolean => s.bbox.x0 < Math.max(head.bbox.x0 + width * 0.05, width * 0.35);
/** Where the column ends: the signature block's lines start right of it. */
const columnEnd = (width: number): number => width * 0.58;

/**
 * A segment that starts in the column and runs on past it, cut after its item's closing ";": what
 * follows on the line is the seal's or the signature block's (seal specks a word's gap after
 * "… thành phố (b/c);" made one segment with it, too wide for the column: the item was lost).
 */
function endAtItemClose(s: Segment, head: Segment, width: number): Segment {
  if (s.bbox.x1 < columnEnd(width) || !startsInColumn(s, head, width)) return s;
  const close = s.words.findLastIndex((w) => /;$/u.test(w.text) && w.bbox.x1 < columnEnd(width));
  if (close >= 0) return close < s.words.length - 1 ? segmentOf(s.words.slice(0, close + 1)) : s;
  // an item whose close the seal hid, the seal's letters glued on ("- Phòng … Chính sác NHÂN)"):
  // the words it ends with that reach past the column and were read unsure are the seal's, all
  // but a note's opening ("(b/øØ#<s€" of "(b/c);": the item's own, however garbled)
  const end = s.words.findLastIndex((w) => w.confidence >= 60 || /^\(/u.test(w.text)) + 1;
  return end > 0 && end < s.words.length && s.words[end - 1]!.bbox.x1 < columnEnd(width) ? segmentOf(s.words.slice(0, end)) : s;
}

/**
 * The note "(b/c)" cut short at an item's end, its b read as h or the seal's ink after its slash
 * ("(h/", "(b/øØ#<s€ YH4"): the one note opening "b/" (NĐ30 App. I), to be completed as it.
 */
export const BC_NOTE_CUT = /\s\(\s*[bh]\s*\/(?!\s*\p{Ll}\s*\))[^()]*$/u;

/**
 * Rows of an item that stops short: a new item ("- …") follows, and the row holds no item's close
 * (";" or "." on a word, its last word closing with "," or ":", misreads of ";", or a note's ")"). NĐ30 closes
 * every item but the last with ";": its end was lost ("- CVP, các" for "- CVP, các PCVP UBND
 * tỉnh;", the rest under the signature block's title). On the kept pages of round O: 3 lists
 * confident and wrong, 2 right ones of 376 ("-Nhưtrên").
 */
export function unclosedRows<R extends { text: string }>(rows: R[]): R[] {
  return rows.filter((r, k) => k + 1 < rows.length && /^[-–—~]/u.test(rows[k + 1]!.text.trim())
    && !/[;.,:]$/u.test(r.text.trim()) && !r.text.split(/\s+/).some((w) => /[;.]$/u.test(w))
    // (nor one that ends on a note, a sign read after it, or on the opening of "(b/c)" cut by the
    // seal, "(b/øØ#": the note is an item's last word)
    && !/\)\s*[^\p{L}\d\s]{0,2}$/u.test(r.text.trim()) && !BC_NOTE_CUT.test(r.text.trim()));
}

/** Rows of the "Nơi nhận" column under its head line: words left to right, mean confidence 0..1. */
export function recipientRows(segs: Segment[], head: Segment, width: number, unit: number): Array<{ words: OcrWord[]; text: string; conf: number; y0: number; y1: number }> {
  const col = segs.map((s) => endAtItemClose(s, head, width)).filter((s) => s.bbox.y0 > head.bbox.y0 + unit * 0.5 && inRecipientsColumn(s, head, width));
  // a piece of a row read apart (a speck over a word splits it: "… Thể thao và" | "Truyền" | "| thông")
  // goes on the row it continues, up to where the column may reach
  for (let grown = true; grown;) {
    grown = false;
    for (const s of segs) {
      if (col.includes(s) || s.bbox.x1 >= columnEnd(width)) continue;
      if (col.some((c) => Math.abs(cy(c.bbox) - cy(s.bbox)) < unit * 0.5 && s.bbox.x0 > c.bbox.x0 && s.bbox.x0 - c.bbox.x1 < unit * 2.5)) { col.push(s); grown = true; }
    }
  }
  const rows: Segment[][] = [];
  for (const s of col) {
    const row = rows.find((r) => Math.abs(cy(r[0]!.bbox) - cy(s.bbox)) < unit * 0.5);
    if (row) row.push(s); else rows.push([s]);
  }
  // a row of specks alone (no letter, no digit, under half a line high: '"¬' beside a word it was
  // read over) is none of the list's; a full row read as signs is an item garbled, to be re-read
  const specks = (r: Segment[]): boolean => !r.some((s) => /[\p{L}\d]/u.test(s.text)) && Math.max(...r.map((s) => s.bbox.y1)) - Math.min(...r.map((s) => s.bbox.y0)) < unit * 0.5;
  // words after the one that closes the item (";") are none of it: seal or signature debris beside
  // the row ("- Bảo hiểm xã hội tỉnh; ảnh"), unless a dash opens another item there (the "Lưu:"
  // line's codes are its own, a comma between them read as ";" or not)
  const closed = (words: OcrWord[]): OcrWord[] => {
    if (archiveWordIndex(words) >= 0) return words;
    const close = words.findIndex((w) => /;$/u.test(w.text));
    const next = words.findIndex((w, i) => i > close && /^[-–—]/u.test(w.text));
    return close < 0 ? words : [...words.slice(0, close + 1), ...(next < 0 ? [] : words.slice(next))];
  };
  return rows.filter((r) => !specks(r)).map((r) => {
    const words = closed(r.flatMap((s) => s.words).sort((a, b) => a.bbox.x0 - b.bbox.x0));
    return { words, text: words.map((w) => w.text).join(' '), conf: words.reduce((a, w) => a + w.confidence, 0) / words.length / 100,
      y0: Math.min(...words.map((w) => w.bbox.y0)), y1: Math.max(...words.map((w) => w.bbox.y1)) };
  }).sort((a, b) => a.y0 - b.y0);
}


/**
 * Why a read "Nơi nhận" list may be wrong, for the clerk (NĐ30 App. I): no "Lưu:" line at its end
 * (the list always closes with it: a line was lost), an item of a single word or "Như trên" with
 * words after it (items lost or merged), a word that is no word of the language, no abbreviation
 * and no known name or place ("BắcK", "tỉn"), debris between words ("=-"). Empty when every item
 * reads as an item. Loanwords (letters Vietnamese lacks: Website) are spared.
 */
export function recipientDoubts(items: string[]): string[] {
  const out: string[] = [];
  if (!items.length) return out;
  if (!archiveCodes(items[items.length - 1]!)) out.push('no archive line');
  for (const it of items) {
    if (archiveCodes(it)) continue;
    const body = it.replace(/\(\s*(để\s+)?b\s*\/\s*c\s*\)/giu, ' ').replace(/\((để [^)]*)\)/gu, ' $1 ');
    const tokens = body.split(/[\s,;]+/).map((w) => w.replace(/^[(]+|[).:]+$/gu, '')).filter(Boolean);
    if (tokens.length < 2) out.push(`one-word item ${it}`);
    if (/^Như trên\s*\S/u.test(it)) out.push(`merged item ${it}`);
    // a note is words ("(b/c)", "(để thực hiện)"): brackets round no letter are a note misread ("(1)")
    if (/\([^)\p{L}]*\)/u.test(it)) out.push(`odd note ${it}`);
    // a number follows the word it numbers ("Điều 3", "Tổ 2"), never a comma: "Ngọc Hồi, 1" is a speck
    if (/[,;]\s*\d+\s*$/u.test(it)) out.push(`number after a comma ${it}`);
    tokens.forEach((w, i) => {
      if (/^\d+$/.test(w) || /^(Đ\/c|\p{Lu}+\/\p{Lu}+|[-–])$/u.test(w) || /[FJWZfjwz]/.test(w)) return;
      if (!/^\p{L}+$/u.test(w)) { out.push(`debris ${w}`); return; }
      // a one-letter word is a speck unless it makes a known pair with a neighbour ("Y tế")
      const word = knownWord(w) && (w.length > 1 || pairCount(tokens[i - 1], w) + pairCount(w, tokens[i + 1]) > 0);
      if (!word && !isAbbreviation(w) && !properWord(w)) out.push(`unknown word ${w}`);
    });
  }
  return out;
}
