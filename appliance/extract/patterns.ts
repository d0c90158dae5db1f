import { fold } from './vn-text.js';
import type { Confidentiality, Urgency } from './fields.js';

// Decree 30/2020 patterns: type names, notation abbreviations (App. III), the date line, marks.

export const TYPE_NAMES = [
  'Nghị quyết', 'Quyết định', 'Chỉ thị', 'Quy chế', 'Quy định', 'Thông cáo', 'Thông báo', 'Hướng dẫn',
  'Chương trình', 'Kế hoạch', 'Phương án', 'Đề án', 'Dự án', 'Báo cáo', 'Biên bản', 'Tờ trình',
  'Hợp đồng', 'Công điện', 'Bản ghi nhớ', 'Bản thỏa thuận', 'Giấy ủy quyền', 'Giấy mời',
  'Giấy giới thiệu', 'Giấy nghỉ phép', 'Phiếu gửi', 'Phiếu chuyển', 'Phiếu báo', 'Công văn',
] as const;

/** Abbreviation of each type in a notation (NĐ30 App. III). */
export const TYPE_ABBREVIATIONS: Record<string, string> = {
  NQ: 'Nghị quyết', QĐ: 'Quyết định', CT: 'Chỉ thị', QC: 'Quy chế', QyĐ: 'Quy định', TC: 'Thông cáo',
  TB: 'Thông báo', HD: 'Hướng dẫn', CTr: 'Chương trình', KH: 'Kế hoạch', PA: 'Phương án', ĐA: 'Đề án',
  DA: 'Dự án', BC: 'Báo cáo', BB: 'Biên bản', TTr: 'Tờ trình', HĐ: 'Hợp đồng', CĐ: 'Công điện',
  BGN: 'Bản ghi nhớ', BTT: 'Bản thỏa thuận', GUQ: 'Giấy ủy quyền', GM: 'Giấy mời', GGT: 'Giấy giới thiệu',
  GNP: 'Giấy nghỉ phép', PG: 'Phiếu gửi', PC: 'Phiếu chuyển', PB: 'Phiếu báo',
};

const TYPE_BY_FOLD = new Map(TYPE_NAMES.map((t) => [fold(t), t] as const));
/** The type whose printed name this line is (caps, diacritics optional), or null. */
export function typeFromLine(line: string): string | null {
  const f = fold(line).replace(/[^A-Z ]/g, '').trim();
  return TYPE_BY_FOLD.get(f) ?? null;
}

/** The type a notation's abbreviation names ("48/2017/QĐ-UBND" → "Quyết định"). */
export function typeFromNotation(notation: string): string | null {
  const parts = notation.split('/');
  const codes = parts[parts.length - 1]?.split('-') ?? [];
  // NĐ30 writes a type's code before the issuer's ("12/QĐ-UBND"); a lone code is the issuer's
  // own, a công văn's ("1957/TTr": Thanh tra, not a Tờ trình)
  return codes.length > 1 ? TYPE_ABBREVIATIONS[codes[0]!] ?? null : null;
}

export interface Notation { numberNotation: string; number: string; valid: boolean }

/**
 * Cleans the text after "Số:": OCR spaces, look-alike letters, a zero read as O; and checks the
 * shape number[/year]/CODE[-UNIT...] (a công văn has no type code: "1234/UBND-VP").
 */
export function parseNotation(raw: string, agencies: readonly (string | null)[] = []): Notation | null {
  let s = raw.normalize('NFC').replace(/Ð/g, 'Đ').replace(/\s*([/-])\s*/g, '$1').replace(/[.,;:]+$/, '').trim();
  s = s.split(/\s+/)[0] ?? '';
  // the number part is digits only: O/o/D read for 0, l/I for 1
  s = s.replace(/^[\dOoIl]+(?=\/)/, (n) => n.replace(/[Oo]/g, '0').replace(/[Il]/g, '1'));
  // doubled D-stroke letters ("QĐÐ") come from the bar of Đ read twice — unless the issuer's own
  // initials hold two (Văn phòng Đoàn Đại biểu Quốc hội… → VPĐĐBQH&HĐND)
  const initials = agencies.filter((a): a is string => !!a).map(agencyInitials);
  s = s.replace(/[^/-]*Đ{2,}[^/-]*/g, (code) => {
    const two = code.replace(/Đ{3,}/g, 'ĐĐ');
    return initials.some((i) => i.includes(two)) ? two : code.replace(/Đ{2,}/g, 'Đ');
  });
  const m = /^(\d{1,6})((?:\/\d{4})?(?:\/[\p{Lu}\p{Ll}\d&]+(?:-[\p{Lu}\p{Ll}\d&]+)*)?)$/u.exec(s);
  if (!m) return null;
  const year = /\/(\d{4})\//.exec(s)?.[1];
  const yearOk = !year || (Number(year) >= 1945 && Number(year) <= new Date().getFullYear());
  return { numberNotation: s, number: m[1]!, valid: yearOk && m[2]!.length > 1 };
}

/**
 * The initials a notation uses for an agency: the first letter of each word, "và" as "&"
 * ("VĂN PHÒNG ĐOÀN ĐẠI BIỂU QUỐC HỘI VÀ HỘI ĐỒNG NHÂN DÂN" → "VPĐĐBQH&HĐND").
 */
export function agencyInitials(name: string): string {
  return name.normalize('NFC').toUpperCase().split(/[\s,.;()]+/).filter((w) => /^\p{L}/u.test(w))
    .map((w) => (w === 'VÀ' ? '&' : w[0]!)).join('');
}

/** Letters a scan confuses in a notation's capitals: the thin strokes, and the round ones. */
const CONFUSABLE = ['Il1Ttr|!', '0OoĐDQ'];
const confusable = (a: string, b: string): boolean => a === b || CONFUSABLE.some((g) => g.includes(a) && g.includes(b));

/**
 * The type code of a notation repaired toward the abbreviation (App. III) of the type name printed
 * on the page, when the code read is no abbreviation at all and differs from it only by confusable
 * letters ("1578/TIr-HĐND" under a TỜ TRÌNH → "1578/TTr-HĐND") or by one thin stroke read twice
 * ("TTIr"). Anything else is left as read.
 */
export function repairTypeCode(notation: string, type: string | null): string {
  if (!type || type === 'Công văn') return notation;
  const abbr = Object.keys(TYPE_ABBREVIATIONS).find((k) => TYPE_ABBREVIATIONS[k] === type);
  if (!abbr) return notation;
  const cut = notation.lastIndexOf('/');
  if (cut < 0) return notation;
  const tail = notation.slice(cut + 1);
  const dash = tail.indexOf('-');
  const code = dash < 0 ? tail : tail.slice(0, dash);
  if (Object.hasOwn(TYPE_ABBREVIATIONS, code) || dash < 0) return notation;
  const a = [...abbr]; const c = [...code];
  const sameShape = (cs: string[]): boolean => cs.length === a.length && cs.every((ch, i) => confusable(ch, a[i]!));
  // or one thin stroke too many, read beside its twin ("TTIr": the T's stem read again as I)
  const oneExtra = c.length === a.length + 1 && c.some((ch, i) => CONFUSABLE[0]!.includes(ch) && sameShape(c.filter((_, j) => j !== i)));
  if (!sameShape(c) && !oneExtra) return notation;
  return notation.slice(0, cut + 1) + abbr + tail.slice(dash);
}

export interface DateLine { place: string; date: string; valid: boolean }

/** "Hà Nội, ngày 05 tháng 01 năm 2020" (OCR-tolerant) → place + ISO date, checked for reality. */
export function parseDateLine(line: string, today = new Date()): DateLine | null {
  const f = fold(line);
  const m = /^(.*?)[,.]?\s*NGA[YV]\s*([0-9OIL]{1,2})\s*THANG\s*([0-9OIL]{1,2})\s*NAM\s*([0-9OIL]{4})/.exec(f);
  if (!m) return null;
  const num = (x: string): number => Number(x.replace(/O/g, '0').replace(/[IL]/g, '1'));
  const [d, mo, y] = [num(m[2]!), num(m[3]!), num(m[4]!)];
  // the place as printed: the original characters before the comma
  const place = line.normalize('NFC').slice(0, m[1]!.length).replace(/[,.\s]+$/, '').trim();
  const dt = new Date(Date.UTC(y, mo - 1, d));
  const real = dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
  const valid = real && y >= 1945 && dt.getTime() <= today.getTime();
  const iso = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return { place, date: iso, valid };
}

/** A boxed stamp word on its own: confidentiality and urgency marks. */
export function markFromLine(line: string): { confidentiality?: Confidentiality; urgency?: Urgency } | null {
  const f = fold(line).replace(/[^A-Z ]/g, ' ').replace(/\s+/g, ' ').trim();
  switch (f) {
    case 'MAT': return { confidentiality: 'Mật' };
    case 'TOI MAT': return { confidentiality: 'Tối mật' };
    case 'TUYET MAT': return { confidentiality: 'Tuyệt mật' };
    case 'KHAN': return { urgency: 'Khẩn' };
    case 'THUONG KHAN': return { urgency: 'Thượng khẩn' };
    case 'HOA TOC': case 'HOA TOC HEN GIO': return { urgency: 'Hỏa tốc' };
    default: return null;
  }
}

export const MARK_PHRASES = ['TUYET MAT', 'TOI MAT', 'MAT', 'THUONG KHAN', 'KHAN', 'HOA TOC HEN GIO', 'HOA TOC'];

/**
 * Stamps printed side by side ("KHẨN | MẬT") come out as one OCR line: every word of the line must
 * belong to a mark, so body text such as "Khẩn trương" never counts.
 */
export function marksInLine(line: string): { confidentiality?: Confidentiality; urgency?: Urgency } | null {
  let rest = fold(line).replace(/[^A-Z ]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!rest) return null;
  const found: { confidentiality?: Confidentiality; urgency?: Urgency } = {};
  while (rest) {
    const p = MARK_PHRASES.find((m) => rest === m || rest.startsWith(m + ' '));
    if (!p) return null;
    Object.assign(found, markFromLine(p));
    rest = rest.slice(p.length).trim();
  }
  return found;
}

/** Signing-authority prefixes (NĐ30 art. 13). */
export const AUTHORITY_RE = /^(?:(TM|KT|TL|TUQ)\s*[.,]?\s+(?=[A-Z])|(TM|KT|TL|TUQ|Q)\s*[.,]\s*)/; // the dot may be lost: "KT CHỦ TỊCH"
