// Attachment file names (Tuyên Quang art. 8.3): ASCII letters and digits only, no Vietnamese
// diacritics, at most 50 characters — here including the `.pdf` extension.

const MAX = 50;
const EXT = '.pdf';

/** Strips Vietnamese diacritics (đ/Đ have no decomposition) and everything not a letter or digit. */
export function asciiAlnum(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^A-Za-z0-9]/g, '');
}

/**
 * e.g. ("48/2017/QĐ-UBND", "2017-12-29") → "482017QDUBND20171229.pdf". Extra parts (issuer code,
 * arrival number) follow; the notation is kept whole first and the tail is cut to fit.
 */
export function attachmentFileName(numberNotation: string, date: string, ...extra: string[]): string {
  const parts = [numberNotation, date, ...extra].map(asciiAlnum).filter(Boolean);
  const base = (parts.join('') || 'vanban').slice(0, MAX - EXT.length);
  return base + EXT;
}

/**
 * Part `part` of `parts` of a document split under 50 MB per file (Tuyên Quang art. 8.4), keeping
 * the rule: "482017QDUBND20171229.pdf" → "482017QDUBND20171229P01.pdf"; the base is cut, never
 * the part number.
 */
export function partFileName(fileName: string, part: number, parts: number): string {
  const suffix = `P${String(part).padStart(Math.max(2, String(parts).length), '0')}`;
  const base = asciiAlnum(fileName.replace(/\.pdf$/i, '')) || 'vanban';
  return base.slice(0, MAX - EXT.length - suffix.length) + suffix + EXT;
}
