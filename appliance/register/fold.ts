// Vietnamese text folded for matching: the clerk may type a search with or without tones, OCR may
// lose a tone or read "Đ" as "D", and one agency writes "48/2017/QĐ-UBND" where another writes
// "48 / 2017 / QĐ - UBND". Folding: NFD, combining marks dropped, đ → d, lower case, spaces
// collapsed. Used by the duplicate check and by the register book's search.

/** Lower-case Latin text without tones or marks ("Quyết định" → "quyet dinh"). */
export function foldVietnamese(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The key two registrations of the same paper share: issuer + number/notation, folded; null when either is missing. */
export function duplicateKey(issuer: string | null, numberNotation: string | null): string | null {
  if (!issuer?.trim() || !numberNotation?.trim()) return null;
  const notation = foldVietnamese(numberNotation).replace(/^so\s*:?\s*/, '').replace(/\s*([/-])\s*/g, '$1');
  return `${foldVietnamese(issuer)}|${notation}`;
}

/** The words a query must find (each one, anywhere in the entry's text). */
export function queryWords(q: string | undefined): string[] {
  return q ? foldVietnamese(q).split(' ').filter(Boolean) : [];
}

/** 32-bit FNV-1a of a string, kept to 30 bits (a small integer in V8: a Map of them stays compact). */
export function hash30(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x3fffffff;
}
