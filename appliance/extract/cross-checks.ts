import type { DocumentFields, FieldKey } from './fields.js';
import { fold } from './vn-text.js';
import { agencyInitials, typeFromNotation } from './patterns.js';
import { isAbbreviation, notationParts, properWord } from './recipients.js';
import { knownWord, rivalSpellings } from './vn-words.js';
import { isKnownPlace } from './places.js';
import { TITLES } from './titles.js';

// Fields of one document read each other (NĐ30 App. I, III): the notation's agency code is made of
// the issuer's initials, the date line's place is in the issuer's (or its parent's) name, the
// authority line names the issuing body and its prefix goes with the title (KT. → a deputy), the
// type code in the notation is the printed type, the date is not after today and has the
// notation's year. Each check says agree (+1), disagree (−1) or nothing to compare (0) for the
// fields it involves; calibration.ts weighs these with what OCR said.

export type Agreement = -1 | 0 | 1;

const folded = (s: string | null): string => fold(s ?? '').replace(/Đ/g, 'D').replace(/[^A-Z& ]/g, ' ').replace(/\s+/g, ' ').trim();

/** Whether `code` is made of initials of the words of the names, in order (words may be skipped). */
export function codeFromInitials(code: string, names: Array<string | null>): boolean {
  const c = folded(code).replace(/\s/g, '');
  if (c.length < 2) return false;
  return names.filter((n): n is string => !!n).some((n) => {
    const ini = folded(agencyInitials(n)).replace(/\s/g, '');
    let j = 0;
    for (const ch of ini) if (ch === c[j]) j++;
    return j === c.length;
  });
}

const HEAD_TITLES = new Set(TITLES.filter((t) => !/^(PHÓ|THỨ TRƯỞNG|CHỦ TRÌ|THƯ KÝ)/u.test(t)).map(folded));

/** How each field's value agrees with the others' (0 where nothing was compared). */
export function crossChecks(f: DocumentFields, today: Date): Partial<Record<FieldKey, Agreement>> {
  const out: Partial<Record<FieldKey, Agreement>> = {};
  const put = (k: FieldKey, a: Agreement): void => {
    // one disagreement outweighs agreements elsewhere
    const cur = out[k] ?? 0;
    out[k] = cur === -1 || a === -1 ? -1 : (Math.max(cur, a) as Agreement);
  };
  // notation agency code ↔ issuer/parent initials
  if (f.numberNotation) {
    // (the agency's code as printed, "&" for "và" and however long: "VPĐĐBQH&HĐND")
    const codes = notationParts(f.numberNotation).filter((c) => /^\p{Lu}[\p{Lu}\d&]{1,15}$/u.test(c) && !typeFromNotationCode(c));
    if (codes.length && f.issuer) {
      const ok = codes.some((c) => codeFromInitials(c, [f.issuer, f.issuerParent, `${f.issuerParent ?? ''} ${f.issuer}`, `${f.issuer} ${f.issuerParent ?? ''}`]));
      put('numberNotation', ok ? 1 : -1); put('issuer', ok ? 1 : 0);
      if (f.issuerParent) put('issuerParent', ok ? 1 : 0);
    }
  }
  // type code in the notation ↔ printed type
  if (f.numberNotation) {
    const t = typeFromNotation(f.numberNotation);
    if (t) put('type', t === f.type ? 1 : -1);
    else if (f.type !== 'Công văn' && f.type !== 'Biên bản') put('type', -1);
  }
  // place ↔ the header's names; a place no list knows
  if (f.place) {
    const names = folded(`${f.issuerParent ?? ''} ${f.issuer ?? ''}`);
    const p = folded(f.place);
    if (p && ` ${names} `.includes(` ${p} `)) { put('place', 1); put('issuer', 1); } else if (!isKnownPlace(f.place)) put('place', -1);
  }
  // date: not after today; the notation's year
  if (f.date) {
    const d = new Date(`${f.date}T00:00:00Z`);
    const year = f.numberNotation ? /\/(\d{4})\//.exec(f.numberNotation)?.[1] : undefined;
    if (Number.isNaN(d.getTime()) || d.getTime() > today.getTime() + 86_400_000) put('date', -1);
    else if (year) put('date', year === f.date.slice(0, 4) ? 1 : -1);
  }
  // authority ↔ issuer; prefix ↔ title
  if (f.authority) {
    const m = /^(TM|KT|TL|TUQ|Q)\.\s*(.*)$/u.exec(f.authority);
    if (m) {
      const body = folded(m[2]!.replace(/\s(KT|TL|TUQ)\..*$/u, ''));
      const iss = folded(`${f.issuerParent ?? ''} ${f.issuer ?? ''}`);
      if (m[1] === 'TM' && body) put('authority', iss.includes(body) ? 1 : 0);
      const deputy = /^(PHO|THU TRUONG)\b/.test(folded(f.signerTitle));
      const lastPrefix = /(?:^|\s)(KT|TL|TUQ|TM|Q)\.[^.]*$/u.exec(f.authority)?.[1];
      if (lastPrefix === 'KT' && f.signerTitle) { put('signerTitle', deputy ? 1 : -1); put('authority', deputy ? 1 : -1); }
      if (lastPrefix === 'TM' && f.signerTitle) { const head = HEAD_TITLES.has(folded(f.signerTitle)); put('signerTitle', head ? 1 : -1); put('authority', head ? 1 : 0); }
    }
  } else if (f.signerTitle && /^(PHO|THU TRUONG)\b/.test(folded(f.signerTitle)) && f.type !== 'Biên bản') put('signerTitle', -1);
  return out;
}

const typeFromNotationCode = (code: string): boolean => typeFromNotation(`1/${code}-X`) !== null;

/** Share of a text's words that are no word of the lexicon, no abbreviation and no known name (0..1). */
export function unknownShare(text: string | null | string[]): number {
  const s = Array.isArray(text) ? text.join(' ') : text ?? '';
  const ws = s.split(/[\s,;:()/.]+/).map((w) => w.replace(/^[^\p{L}\d]+|[^\p{L}\d]+$/gu, '')).filter((w) => w && !/^\d+$/.test(w));
  if (!ws.length) return 0;
  return ws.filter((w) => !(knownWord(w) || isAbbreviation(w) || properWord(w) || /^\p{Lu}[\p{Lu}\d]*\p{Ll}?$/u.test(w))).length / ws.length;
}

/**
 * Words of the value whose neighbours favour another spelling of the same letters (vn-words.ts
 * rivalSpellings), summed over its pieces (a list's items each): a misread into another real word
 * ("chủ trường", "xã lộ") passes the word list but not its neighbours.
 */
export function rivalWords(text: string | null | string[]): number {
  return (Array.isArray(text) ? text : [text ?? '']).reduce((a, t) => a + rivalSpellings(t), 0);
}
