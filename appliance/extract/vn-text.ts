// Vietnamese text helpers: comparing OCR text while ignoring diacritics and case, and fuzzy
// distance, so rules match "Quyết định" whether it came out as "QUYÊT ĐỊNH" or "Quyet dinh".

/** Upper case, no diacritics, Đ→D, single spaces: the key used for matching. */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐÐ]/g, 'D')
    .toUpperCase().replace(/\s+/g, ' ').trim();
}

/** The letters alone of `s`, folded: "Ninh Thuận" → "NINHTHUAN", "VÀMÔI" → "VAMOI". */
export function foldedLetters(s: string): string {
  return fold(s).replace(/[^A-Z]/g, '');
}

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** 1 = identical, 0 = nothing in common (normalised edit distance). */
export function similarity(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  return n ? 1 - levenshtein(a, b) / n : 1;
}

/** Vietnamese upper→title case of a name printed in capitals ("VĂN YÊN" → "Văn Yên"). */
export function titleCase(s: string): string {
  return s.toLocaleLowerCase('vi').replace(/(^|[\s-])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toLocaleUpperCase('vi'));
}

/** True when a text has letters and none of them is lower case. */
export function isCaps(s: string): boolean {
  return /\p{L}/u.test(s) && s === s.toLocaleUpperCase('vi');
}

const TONE_MARKS = '\u0300\u0301\u0303\u0309\u0323';
/** The marks a Vietnamese letter may carry besides a tone: â ê ô, ă, ơ ư. */
const SHAPE_MARKS: Record<string, string> = { a: '\u0302\u0306', e: '\u0302', o: '\u0302\u031B', u: '\u031B' };

/**
 * Marks no Vietnamese letter carries are OCR specks: "ÑV" is NV, "ïệt" is iệt. A consonant keeps
 * no mark (Đ is a letter of its own, never decomposed); a vowel keeps its tone and its own shape mark.
 */
export function foreignMarksOut(s: string): string {
  if (!/[^\p{ASCII}]/u.test(s)) return s;
  return s.normalize('NFD').replace(/(\p{L})(\p{M}+)/gu, (_m, base: string, marks: string) => {
    const lower = base.toLowerCase();
    if (!/[aeiouy]/.test(lower)) return base;
    const allowed = TONE_MARKS + (SHAPE_MARKS[lower] ?? '');
    return base + [...marks].filter((c) => allowed.includes(c)).join('');
  }).normalize('NFC');
}

/** OCR look-alikes that are never right in Vietnamese administrative text. */
export function repairGlyphs(s: string): string {
  return foreignMarksOut(s.normalize('NFC')
    .replace(/Ð/g, 'Đ').replace(/ð/g, 'đ'))
    .replace(/[“”„]/g, '"').replace(/[‘’]/g, "'")
    .replace(/\s+/g, ' ').trim();
}
