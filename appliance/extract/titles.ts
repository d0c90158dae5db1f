import { fold, levenshtein, similarity } from './vn-text.js';
import { Lexicon, phraseToneKey } from './tone.js';
import { knownWord } from './vn-words.js';

// Signer titles (NĐ30: the position under the authority line). OCR of this line often suffers
// from the seal and the signature drawn over it; the title is then snapped to a known title or
// inferred from the authority line ("KT. GIÁM ĐỐC" → the deputy signs: "PHÓ GIÁM ĐỐC").

const HEADS = ['CHỦ TỊCH', 'GIÁM ĐỐC', 'CHÁNH VĂN PHÒNG', 'TRƯỞNG PHÒNG', 'CHI CỤC TRƯỞNG', 'CỤC TRƯỞNG',
  'TỔNG CỤC TRƯỞNG', 'VỤ TRƯỞNG', 'BỘ TRƯỞNG', 'TRƯỞNG BAN', 'CHÁNH THANH TRA', 'HIỆU TRƯỞNG', 'TỔNG GIÁM ĐỐC',
  'THỦ TRƯỞNG', 'VIỆN TRƯỞNG', 'CHỦ NHIỆM', 'BÍ THƯ', 'TRƯỞNG ĐOÀN', 'TRƯỞNG KHOA', 'CHÁNH ÁN'];
export const TITLES = [...HEADS, ...HEADS.map((h) => `PHÓ ${h}`), 'THỨ TRƯỞNG', 'CHỦ TRÌ', 'THƯ KÝ', 'KẾ TOÁN TRƯỞNG'];

/** The head of a collective body signing "TM. <body>". */
const BODY_HEAD: Array<[RegExp, string]> = [[/^(UY BAN|UBND|HOI DONG)/, 'CHỦ TỊCH'], [/^BAN /, 'TRƯỞNG BAN'], [/^DOAN /, 'TRƯỞNG ĐOÀN']];

const words = new Lexicon([...TITLES, 'ỦY BAN NHÂN DÂN HỘI ĐỒNG HÀNH CHÍNH TỔ CHỨC KẾ HOẠCH TÀI CHÍNH TỔNG HỢP NHÂN SỰ VĂN PHÒNG BAN TỈNH HUYỆN'].flatMap((t) => t.split(' ')));

/** Removes OCR debris (stray marks from the signature and seal) and repairs known words. */
export function cleanTitle(raw: string): string {
  return raw.normalize('NFC').replace(/[^\p{L}\s-]/gu, ' ').split(/\s+/)
    .map((w) => (words.has(w) ? w : words.uniqueRepair(w) ?? words.nearRepair(w) ?? (w.length > 2 || w === '-' ? w : '')))
    .filter(Boolean).join(' ').replace(/\s+-\s+|-/g, ' - ').replace(/\s+/g, ' ').trim()
    // a dash joins two titles ("GIÁM ĐỐC - CHỦ TỊCH"): one at either end is a stroke of the seal or signature
    .replace(/^(?:-\s*)+|(?:\s*-)+$/gu, '');
}

/**
 * A unit head's title under TL./TUQ. (NĐ30: the head of an office unit signs "thừa lệnh" with the
 * unit's name): a title of the list, then the unit's name in words of the language
 * ("TL. CHÁNH VĂN PHÒNG" | "TRƯỞNG PHÒNG HÀNH CHÍNH - TỔ CHỨC").
 */
export function isUnitHeadTitle(title: string | null, authority: string | null): boolean {
  if (!title || !/(^|\s)(TL|TUQ)\.\s+\S+(?:\s+(?!(?:TM|KT|Q)\.)\S+)*$/u.test(authority ?? '')) return false;
  const ws = title.split(/\s+/);
  for (let n = ws.length - 1; n >= 1; n--) {
    if (!TITLES.some((t) => fold(t) === fold(ws.slice(0, n).join(' ')))) continue;
    const unit = ws.slice(n).filter((w) => w !== '-');
    return unit.length > 0 && unit.every((w) => w.length > 1 && w === w.toLocaleUpperCase('vi') && knownWord(w));
  }
  return false;
}

/** A title line that reads as one of NĐ30's titles once cleaned ("CHỦ TICH", "Q. CHỦ TỊCH"). */
export const isKnownTitle = (text: string): boolean => {
  const c = fold(cleanTitle(text));
  return TITLES.some((t) => fold(t) === c);
};

const PREFIXES = ['TM', 'KT', 'TL', 'TUQ'];

/** A signing-authority prefix read one letter off ("KI." for "KT."): the one prefix one edit away, else null. */
export function misreadPrefix(token: string): string | null {
  const t = fold(token);
  if (!/^[A-Z0-9]{2,3}$/.test(t) || PREFIXES.includes(t)) return null;
  const near = PREFIXES.filter((p) => levenshtein(p, t) === 1);
  return near.length === 1 ? near[0]! : null;
}

/** The line opens with an authority prefix read one letter off, then its head ("KI. CHỦ TỊCH"). */
export const opensWithMisreadPrefix = (text: string): boolean => {
  const m = /^\s*(\S{2,3})[.,]\s*\p{Lu}/u.exec(text);
  return !!m && misreadPrefix(m[1]!) !== null;
};

/** The authority line with its words repaired ("TM. ỦY BAN NHÂN DẪN" → "… DÂN"). */
export function cleanAuthority(raw: string): string {
  const words1 = raw.replace(/^[^\p{L}\d]+/u, '')
    // (no head's word has two or three letters then a dot: such a token one letter off a prefix is it)
    .replace(/(^|\s)(\S{2,3})[.,](?=\s*\p{Lu})/gu, (m, sp: string, tok: string) => { const p = misreadPrefix(tok); return p ? `${sp}${p}.` : m; }).replace(/(^|\s)(TM|KT|TL|TUQ)\s*[.,]?\s+(?=\p{Lu})/gu, '$1$2. ').replace(/\b(TM|KT|TL|TUQ|Q)\s*[.,]\s*/g, '$1. ').split(/\s+/)
    // the line is set in capitals: a lone small letter is a mark read apart from its letter ("CHỦ ạ TỊCH"),
    // a token of no letter but a dash, or a modifier letter alone, a mark or speck ("CHỦ : TỊCH", "CHỦ ˆ TỊCH")
    .filter((w) => !/^\p{Ll}$/u.test(w) && (/[\p{Lu}\p{Ll}]/u.test(w) || /^[-–—]$/u.test(w)))
    .map((w) => (/^(TM|KT|TL|TUQ|Q)\.$/.test(w) || words.has(w) ? w : words.uniqueRepair(w) ?? words.nearRepair(w) ?? w)).join(' ').trim()
    .replace(/(?:\s+[-–—])+$/u, ''); // (nor at the end of the authority line)
  // the head named after KT./Q./TL./TUQ. is a title: snapped to it when one letter is off or a
  // word of it was read twice ("KT. GHỦ TỊCH", "KT. CHỦ TỊCH CHỦ")
  return words1.replace(/\b(KT|Q|TL|TUQ)\. ((?:(?!\b(?:TM|KT|TL|TUQ|Q)\.).)+)$/u, (m, p: string, what: string) => `${p}. ${snapHead(what.trim())}`);
}

function snapHead(what: string): string {
  const f = fold(what);
  if (TITLES.some((t) => fold(t) === f)) return what;
  const near = TITLES.filter((t) => fold(t).length >= 6 && Math.abs(fold(t).length - f.length) <= 1 && levenshtein(fold(t), f) === 1);
  if (near.length === 1) return near[0]!;
  const ws = what.split(' ');
  const head = ws.slice(0, -1).join(' ');
  if (ws.length > 2 && TITLES.includes(head) && ws.slice(0, -1).some((w) => fold(w) === fold(ws[ws.length - 1]!))) return head;
  return what;
}

/** What the authority line implies about the title, or null. */
export function titleFromAuthority(authority: string | null): string | null {
  if (!authority) return null;
  const parts = authority.split(/(?=\b(?:TM|KT|TL|TUQ|Q)\s*\.)/).map((p) => p.trim()).filter(Boolean);
  const last = parts[parts.length - 1]!;
  const m = /^(TM|KT|TL|TUQ|Q)\s*\.\s*(.+)$/.exec(last);
  if (!m) return null;
  const what = m[2]!.trim();
  // the deputy of a minister is a vice-minister (Thứ trưởng), of every other head a "Phó …"
  if (m[1] === 'KT') return fold(what) === 'BO TRUONG' ? 'THỨ TRƯỞNG' : `PHÓ ${what}`;
  if (m[1] === 'TM') return BODY_HEAD.find(([re]) => re.test(fold(what)))?.[1] ?? null;
  return null; // TL./TUQ.: a subordinate signs, any title
}

/**
 * "Q." (quyền: acting head) opens a title line of its own ("Q. GIÁM ĐỐC"), not an authority line;
 * the only one-letter head of a title, read as "q." or its "Q" as "O"/"0" ("O. CHỦ TICH") it still
 * is (the acting head went out as "CHỦ TỊCH", confident and wrong).
 */
export const ACTING_RE = /^[QqOo0]\s*[.,]\s*(?=\p{Lu})/u;

/** Best title from the OCR'd line and the authority; confidence from their agreement. */
export function resolveTitle(ocr: string | null, ocrConf: number, authority: string | null): { title: string | null; conf: number } {
  if (ocr && ACTING_RE.test(ocr.trim())) {
    const head = resolveTitle(ocr.trim().replace(ACTING_RE, ''), ocrConf, null);
    return { title: head.title ? `Q. ${head.title}` : null, conf: head.conf };
  }
  const implied = titleFromAuthority(authority);
  const cleaned = ocr ? cleanTitle(ocr) : '';
  const known = cleaned ? TITLES.map((t) => ({ t, s: similarity(fold(t), fold(cleaned)) })).sort((a, b) => b.s - a.s)[0] : undefined;
  // same letters as the implied title: its spelling ("THƯ TRƯỞNG" under "KT. BỘ TRƯỞNG" is THỨ TRƯỞNG)
  if (implied && cleaned && fold(cleaned) === fold(implied)) return { title: phraseToneKey(cleaned) === phraseToneKey(implied) ? cleaned : implied, conf: Math.max(ocrConf, 0.97) };
  // the deputy of the implied head read whole ("PHO CHỦ TỊCH" under "TM. ỦY BAN NHÂN DÂN"): the
  // deputy signs and the "KT." line was lost, not the other way round (the head went out confident)
  if (implied && known?.s === 1 && known.t === `PHÓ ${implied}`) return { title: known.t, conf: Math.min(ocrConf, 0.85) };
  // a damaged line sharing a word with the implied title is that title
  const shares = implied && cleaned && fold(implied).split(' ').some((w) => w.length >= 3 && fold(cleaned).split(' ').some((c) => c.length >= 3 && similarity(c, w) >= 0.6));
  if (implied && (!cleaned || shares || (known && known.t === implied && known.s >= 0.6))) return { title: implied, conf: cleaned ? 0.9 : 0.8 };
  if (!cleaned) return { title: implied, conf: implied ? 0.7 : 0 };
  if (known && known.s >= 0.75 && known.s < 1) return { title: known.t, conf: Math.min(ocrConf, 0.85) };
  return { title: cleaned, conf: known?.s === 1 || isUnitHeadTitle(cleaned, authority) ? ocrConf : Math.min(ocrConf, 0.8) };
}
