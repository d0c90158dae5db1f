// Vietnamese text helpers: comparing OCR text while ignoring diacritics and case, and fuzzy
// distance, so rules match "Quyết định" whether it came out as "QUYÊT ĐỊNH" or "Quyet dinh".

/** Upper case, no diacritics, Đ→D, single spaces: the key used for matching. */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐÐ]/g, 'D')
    .toUpperCase().replace(/\s+/g, ' ').trim();
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

/** OCR look-alikes that are never right in Vietnamese administrative text. */
export function repairGlyphs(s: string): string {
  return s.normalize('NFC')
    .replace(/Ð/g, 'Đ').replace(/ð/g, 'đ')
    .replace(/[“”„]/g, '"').replace(/[‘’]/g, "'")
    .replace(/\s+/g, ' ').trim();
}
