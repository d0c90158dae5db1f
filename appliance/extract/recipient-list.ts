import type { BBox, OcrWord } from '../ocr/ocr.js';
import { itemIsPhrase, listEvidence, type ListEvidence } from './recipient-evidence.js';
import type { Segment } from './layout.js';
import { fold, foldedLetters, levenshtein, repairGlyphs } from './vn-text.js';
import { DISTRICT_NAMES, PROVINCE_NAMES, isKnownPlace, placeByLetters } from './places.js';
import { isVietnameseSyllable } from './vn-syllables.js';
import { knownWord, repairText, repairUnknown } from './vn-words.js';
import { documentPlaces, matchPhrase } from './recipient-phrases.js';
import { BC_NOTE_CUT, CUT_NOTE, ITEM_ABBREVIATIONS, archiveCodes, archiveCodesUnsure, archiveWordIndex, copyCount, documentCodes, unclosedRows, isAbbreviation, properWord, recipientDoubts, recipientRows, repairArchive, repairInitials, repairItemAbbreviation } from './recipients.js';

// The "Nơi nhận" list read from the last page (NĐ30 App. I): the column under its head line cut
// into items, each item's OCR debris removed and its words repaired, the list's evidence for the
// calibration (recipient-evidence.ts) and the form checks that flag it for the clerk.

export interface RecipientList {
  items: string[];
  /** The raw score: the worst row's mean word confidence. */
  conf: number;
  evidence: ListEvidence;
  /** False when a "Lưu:" code stayed doubtful. */
  sure: boolean;
  /** A form check failed: no "Lưu:" line, a non-word, a merged item, a lost row or word. */
  doubtful: boolean;
}

/**
 * The list under the "Nơi nhận" line `head`; `notation` the document's số, ký hiệu (its own unit
 * codes); `context` texts naming the document's places (issuer, parent, date line's place).
 */
export function readRecipientList(segs: Segment[], head: Segment, width: number, unit: number, notation: string | null, context: Array<string | null> = []): RecipientList {
  const items: string[] = [];
  const inline = head.text.replace(/^\S+\s+\S+?[:;.]?\s*/, '').trim(); // "Nơi nhận: - Như trên;" on one line
  if (inline.startsWith('-')) items.push(inline);
  // rows of the column, words left to right (a word tesseract read apart sits in its place)
  const rows = recipientRows(segs, head, width, unit);
  let dashed = items.length;
  let countDoubt = false;
  for (const r of rows) {
    // the "Lưu:" line's drafter code: its copy count read as digits (recipients.ts copyCount)
    const counted = /^[-–—]?\s*LUU\b/u.test(fold(r.text.trim())) ? r.words.map(copyCount) : null;
    countDoubt ||= counted?.some((c) => c.doubtful) ?? false;
    const t = (counted ? counted.map((c) => c.text).join(' ') : r.text).trim();
    if (/^[-–—]/.test(t)) dashed++;
    if (/^[-–—•~+*]/.test(t) || items.length === 0) items.push(t);
    else items[items.length - 1] += ' ' + t; // a long item wraps onto the next line
  }
  const codes = documentCodes(notation);
  let sure = true;
  const repaired = items.map((t) => { const r = repairArchive(repairRecipient(t), codes); sure &&= r.sure; return r.item; });
  // each item matched whole against the recipient phrases, with the places of the document
  const places = documentPlaces([...context, ...repaired]);
  const matched = repaired.map((t) => matchPhrase(t, places));
  // the archive line read twice, the readings at odds: the list is in doubt; a first reading that
  // is no well-formed line gives way to a second that is ("VBP" | "VP")
  const archiveRow = rows.find((r) => archiveWordIndex(r.words) >= 0);
  const secondReading = archiveSecondReading(archiveRow, codes);
  // the archive line closes the list with a full stop: one that ends on a comma or a semicolon
  // goes on, its last codes lost to the seal or the edge ("- Lưu: VI;" for "… VT, HTQT, Đạ8b.")
  const archiveCut = archiveRow !== undefined && /[,;]$/u.test(archiveRow.text.trim());
  const archiveAt = matched.findIndex((m) => archiveCodes(m.item) !== null);
  if (secondReading.item && archiveAt >= 0 && !itemIsPhrase(matched[archiveAt]!.item, codes)) matched[archiveAt] = { ...matched[archiveAt]!, item: secondReading.item };
  const out = matched.map((m) => m.item)
    .filter((t, i, all) => t && all.indexOf(t) === i); // a list never names a recipient twice
  return {
    items: out,
    conf: rows.length ? Math.min(...rows.map((r) => r.conf)) : 0.2,
    evidence: listEvidence(rows, out, items.length, dashed, head.bbox.y0, codes),
    sure,
    // (an item whose note the seal or the column's edge cut short, "… Hà Tĩnh (", lost its end, unless
    // the note is the one its opening names, "(b/" for "(b/c)" (repairRecipient); one
    // the seal's text was read into: what it covered may be lost with it)
    doubtful: recipientDoubts(out).length > 0 || lostRow(head, rows, unit) || countDoubt || secondReading.doubt || archiveCut || unclosedRows(rows).length > 0 || matched.some((m) => m.ambiguous) || items.some((t) => CUT_NOTE.test(t) && !BC_NOTE_CUT.test(t))
      || items.some((t) => [...t.matchAll(SEAL_TEXT)].some((m) => sealWord(m[1]!))),
  }
}

/**
 * About a line of white between the "Nơi nhận" line and its first row: the first item is gone
 * (on the kept pages of round O, white over half a line there came only with a lost first item).
 */
export const firstRowLost = (head: BBox, rows: Array<{ y0: number }>, unit: number): boolean => rows.length > 0 && rows[0]!.y0 - head.y1 > unit * 0.8;

/**
 * Whether a row of the "Nơi nhận" list was lost (under the seal, past the column edge): the list
 * is single-spaced, so a gap of about two lines between its head and first row or between two rows
 * means a line is missing.
 */
export function lostRow(head: Segment, rows: Array<{ y0: number }>, unit?: number): boolean {
  // (white under the head line says so however few rows are left: a list read as its "Lưu:" line alone)
  if (unit !== undefined && firstRowLost(head.bbox, rows, unit)) return true;
  const ys = [head.bbox.y0, ...rows.map((r) => r.y0)];
  if (ys.length < 3) return false;
  const steps = ys.slice(1).map((y, i) => y - ys[i]!);
  const pitch = Math.min(...steps); // the list's own line pitch: its closest two rows
  return pitch > 0 && steps.some((d) => d > pitch * 1.7);
}

/** Whether the text ends with the name of a known place (two to four words). */
const placeEnds = (t: string): boolean => {
  const ws = t.trim().split(/\s+/);
  return [2, 3, 4].some((n) => ws.length > n && isKnownPlace(ws.slice(-n).join(' ')));
};

/** A word of three capitals or more inside an item. */
const SEAL_TEXT = /\s(\p{Lu}{3,})(?=[\s;.,]|$)/gu;
/** With a vowel mark (decomposed: acute, grave, hook, tilde, dot below, circumflex, breve, horn), and no abbreviation. */
const sealWord = (w: string): boolean => /[\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031B]/u.test(w.normalize('NFD')) && !ITEM_ABBREVIATIONS.has(w);

/** One "Nơi nhận" item without its dash and end punctuation, OCR debris removed. */
export function repairRecipient(raw: string): string {
  let t = repairGlyphs(raw).replace(/^[-–—•~+*'"`.,:_|\s]+/, '')
    .replace(/\s\|\s/g, ' ') // a box or seal edge read as "|"
    .replace(/\s[^\p{L}\d\s()&/-]+(?=\s)/gu, '') // a speck between words ("Văn phòng `. Tỉnh ủy")
    // a lone small letter no word is ("Giám h đốc"): a mark or a speck read as a letter
    .replace(/\s\p{Ll}(?=\s)/gu, (m) => (isVietnameseSyllable(m.trim()) ? m : ''))
    // a word in capitals with a vowel mark is seal ring text ("… xã hội NHÂN" / "huyện"): items are
    // set in mixed case, their abbreviations carry no vowel mark (but TƯ)
    .replace(SEAL_TEXT, (m, w: string) => (sealWord(w) ? '' : m))
    .replace(/[\s;.,]+$/, '')
    // the seal ring's "TỈNH" read after the item's own last word ("… Lao động tỉnh, tình"): an echo
    .replace(/(\S+)[,;]\s*(\S+)$/u, (m, last: string, echo: string) => (fold(last) === fold(echo) ? last : m))
    // an item never ends in a colon ("Đ/c Bùi Thị Hường:"): only the archive head "Lưu:" does
    .replace(/(?<!^Lưu)\s*:$/u, '')
    // a trailing speck ("_", "Ệ"), but not the letter of a place's name ("Châu Thành A")
    .replace(/(,\s*)?(\s[^\p{L}\d()\s]+|\s\p{Lu})$/u, (m: string, ...a: unknown[]) => (placeEnds(String(a[a.length - 1])) ? m : ''))
    .replace(/\s*[;,]+\s*/g, ', ') // inside an item a ";" is a misread ","
    // the one note with a slash is "(b/c)" (báo cáo): its "c" read as another letter or a sign ('(b/©)', '(b/d)')
    .replace(/\(\s*b\s*\/\s*[^\s()]\s*\)/giu, '(b/c)')
    .replace(/\(\s*b\s*[(|]\s*[cC]\s*\)\)?/gu, '(b/c)') // its slash read as a bracket or a bar ('(b(c))')
    // or two of its signs misread, its "b/" or its "c)" still there ("(b/dj)", "(íc)"); other short
    // notes ("(p/h)", "(t/h)") keep neither
    // (its closing bracket lost too: "(b/dj"); cut where the seal starts ("(h/", "(b/øØ#<s€ YH4")
    .replace(BC_NOTE_CUT, ' (b/c)')
    .replace(/\(([^()\s]{1,5})\)?$/u, (m, inner: string) => { const note = `(${inner})`; return (/^\(b/u.test(note) || /c\)$/u.test(note)) && levenshtein(note, '(b/c)') <= 2 ? '(b/c)' : m; });
  // the archive line is "Lưu:" (its colon read as a comma or dot), no "?" in its codes, and it
  // always starts with VT (văn thư, NĐ30 App. I): "Lưu: VI, VP", "Lưu: VL KT"
  t = t.replace(/^Lưu\s*[,.;]\s*(?=\p{Lu})/u, 'Lưu: ');
  if (/^Lưu\s*:/u.test(t)) t = t.replace(/\?/g, '');
  // (a letter read after its T is a speck, "VTE", "VTj": no code glued to VT is one letter long)
  t = t.replace(/^(Lưu\s*:\s*)V(?:T\S|\S)?(?:[,.]?\s+|,\s*)(?=\S)/u, '$1VT, ').replace(/^(Lưu\s*:\s*)V(?:[A-Z]|T\S|[ỊÌÍỈĨ])$/u, '$1VT');
  // items start with a capital (NĐ30 App. I); diacritics by word pairs ("Cống TTĐT" → "Cổng TTĐT")
  t = repairText(repairInitials(t.replace(/^\p{Ll}/u, (ch) => ch.toLocaleUpperCase('vi')))).text;
  return (/^Lưu\s*:/u.test(t) ? t : repairItemWords(t)).replace(/[\s,;]+$/u, '');
}

/**
 * An item ending in a place name read a letter or a mark off the one province or district it can
 * be ("Ngân hàng Nhà nước chi nhánh Ninh Thuật" → "… Ninh Thuận"); a person's item is left.
 */
function repairEndPlace(item: string): string {
  if (/^(Đ\/c|Lưu)\b/u.test(item)) return item;
  const note = /\s*\([^)]*\)$/u.exec(item)?.[0] ?? '';
  const ws = item.slice(0, item.length - note.length).split(' ');
  for (const n of [3, 2]) {
    const tail = ws.slice(-n);
    if (ws.length <= n || !tail.every((w) => /^\p{Lu}\p{Ll}+$/u.test(w))) continue;
    // (an item ending in a known place of three words ends there: "… Hồ Chí Minh" is not "Hồ" + a
    // misread "Chí Linh")
    if (isKnownPlace(tail.join(' '))) return item;
    const place = placeByLetters(tail.join(' '), [PROVINCE_NAMES, DISTRICT_NAMES]);
    if (place && place.split(' ').length === n) return [...ws.slice(0, -n), place].join(' ') + note;
  }
  return item;
}

/**
 * A recipient item's words checked as an item (NĐ30 App. I): "Như trên" whose second word was
 * garbled or glued ("Nhưtêp"), "Như Điều : 3", the abbreviation TT (Thường trực) before HĐND/UBND
 * read with thin-stroke letters ("FI HĐND"), a bracket left open or closed alone, "(/c)" for
 * "(b/c)", a word read twice by the re-read ("Quân Quân sự sự"), a non-word one letter off the
 * word its neighbours call for ("Lhương trực").
 */
export function repairItemWords(item: string): string {
  let t = item.replace(/(Điều|Khoản|Mục|Chương)\s*[:;,.]\s*(?=\d)/gu, '$1 ')
    .replace(/\(\s*b?\s*\/\s*[cC€©¢]\s*\)?(?=\s|$)/gu, '(b/c)')
    .replace(/(^|\s)(?!TT\s)[TFIl1|]{2}(?=\s+(?:HĐND|UBND)\b)/gu, '$1TT');
  // "Như Điều 3" with Điều's marks lost or a speck before the number ("Như Đieu . 3")
  t = t.replace(/^(Như\s+)(\p{L}{4})\s*[:;,.]?\s*(\d+)$/u, (m, a: string, w: string, n: string) => (fold(w) === 'DIEU' ? `${a}Điều ${n}` : m));
  const letters = foldedLetters(t);
  // "trên" alone: "Như trên" with its first word lost (": trên")
  if (letters === 'TREN' && t.split(/\s+/).length === 1) t = 'Như trên';
  if (t.split(/\s+/).length <= 2 && letters.length >= 4 && (/^NH[UƯ]/iu.test(t) && levenshtein(letters.slice(3), 'TREN') <= 2 || levenshtein(letters, 'NHUTREN') <= 2)) t = 'Như trên';
  // brackets: a ")" with no "(" before it is a speck; a "(" left open closes at the end
  let depth = 0;
  t = [...t].filter((ch) => (ch === '(' ? (depth++, true) : ch === ')' ? (depth > 0 ? (depth--, true) : false) : true)).join('').replace(/\s+\)/g, ')').trim();
  if (depth > 0) t += ')'.repeat(depth);
  t = t.split(' ').filter((w, i, ws) => i === 0 || !/\p{L}{2}/u.test(w) || fold(w) !== fold(ws[i - 1]!)).join(' ');
  t = repairEndPlace(t);
  // a word in capitals with a vowel mark inside a mixed-case item is no abbreviation (those carry
  // at most Đ): "Website SỞ" → "Website Sở"
  if (/\p{Ll}/u.test(t)) {
    t = t.split(' ').map((w, i) => (i > 0 && /^\p{Lu}{2,}$/u.test(w) && fold(w) !== w.replace(/Đ/g, 'D') && knownWord(w)
      ? w[0]! + w.slice(1).toLocaleLowerCase('vi') : w)).join(' ');
  }
  t = t.split(' ').map((w) => w.replace(/^[\p{Lu}\d]+(?=[,;.]?$)/u, repairItemAbbreviation)).join(' ');
  const r = repairUnknown(t, (w) => isAbbreviation(w) || properWord(w)).text;
  // a word repaired from a broken capital read ("ỘI" → "HỘI") takes the case of the running text
  // before it ("xã hội"), not the capitals of the fragment
  if (!/\p{Ll}/u.test(t)) return r;
  const before = t.split(' ');
  return r.split(' ').map((w, i, ws) => (w !== before[i] && i > 0 && /^\p{Lu}{2,}$/u.test(w) && /^\p{Ll}/u.test(ws[i - 1]!) ? w.toLocaleLowerCase('vi') : w)).join(' ');
}

/**
 * The "Lưu:" row's two readings (OcrWord.reread, reread-recipients.ts) compared through the same
 * repairs: a code set small and misread is often another real code ("TH" for TTr), which no list
 * can catch. In doubt when they name other codes after VT and the second is itself a well-formed
 * archive line (known codes, a drafter's mark), or when a code they disagree on was read unsure
 * by the first (under 65 %: "Quý(9)" at 0 %, "Tư(6b)" at 47 %; a second reading of a code read
 * sure, "KINS" for "KTNS" at 89 %, says nothing). `item`: the second reading, when well formed
 * and as long as the first.
 */
function archiveSecondReading(row: { words: OcrWord[] } | undefined, docCodes: string[]): { doubt: boolean; item: string | null } {
  const none = { doubt: false, item: null };
  if (!row || !archiveCodesUnsure(row.words) || !row.words.some((w) => w.reread !== undefined)) return none;
  const itemOf = (words: OcrWord[]): string => repairArchive(repairRecipient(words.map((w) => copyCount(w).text).join(' ').trim()), docCodes).item;
  // (a drafter's mark with a bracket lost or added is the same mark: "Lĩnh(7)", "Lĩnh7)")
  const bare = (code: string): string => code.replace(/[^\p{L}\d]/gu, '');
  const codesOf = (item: string): string[] => (archiveCodes(item) ?? []).slice(1).map(bare);
  const first = itemOf(row.words);
  const again = itemOf(row.words.map((w) => ({ ...w, text: w.reread ?? w.text })));
  if (codesOf(first).join(',') === codesOf(again).join(',')) return none;
  const codeWords = row.words.slice(archiveWordIndex(row.words) + 2);
  const unsure = codeWords.some((w) => w.reread !== undefined && bare(w.reread) !== bare(w.text) && w.confidence < 65);
  const formed = itemIsPhrase(again, docCodes);
  return { doubt: formed || unsure, item: formed && codesOf(again).length === codesOf(first).length ? again : null };
}
