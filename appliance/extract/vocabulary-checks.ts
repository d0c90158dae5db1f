import type { DocumentFields, FieldKey } from './fields.js';
import type { Agreement } from './cross-checks.js';
import type { AgencyDirectory } from './agency-directory.js';
import { agencyInitials, TYPE_ABBREVIATIONS } from './patterns.js';
import { notationParts, OFFICE_CODES } from './recipients.js';
import { ACTING_RE, isUnitHeadTitle, TITLES } from './titles.js';
import { fold } from './vn-text.js';
import { isKnownPlace } from './places.js';
import { phraseToneKey as key } from './tone.js';

// Whether a field's value is a form of its closed vocabulary (NĐ30 App. I, III): an agency name
// of the directory (with its level and a known place), a title of the list, an authority line made
// of the prefixes and those names, a notation whose every code is a type abbreviation, the
// issuer's initials or an office code. +1: it is; −1: it is not, where the vocabulary should hold
// it (a mixed-case code that is no abbreviation, a title of no list); 0: nothing to check against
// (a commune's name, a capital code of an office no list holds). calibration.ts weighs this with
// the rest: a right value is not always in a list (a new agency), a misread one seldom is.

const TITLE_KEYS = new Set(TITLES.map(key));
const TYPE_CODES = new Set(Object.keys(TYPE_ABBREVIATIONS));

/** The value's vocabulary check per field (0 where the field has none). */
export function vocabularyChecks(f: DocumentFields, dir: AgencyDirectory): Partial<Record<FieldKey, Agreement>> {
  const out: Partial<Record<FieldKey, Agreement>> = {};
  if (f.issuer) out.issuer = dir.nameForm(f.issuer);
  if (f.issuerParent) out.issuerParent = dir.nameForm(f.issuerParent);
  // an acting head signs "Q. <title>"
  // (a unit head's title under TL. names the unit: no list holds every unit's name)
  if (f.signerTitle) out.signerTitle = TITLE_KEYS.has(key(f.signerTitle.replace(ACTING_RE, ''))) ? 1 : isUnitHeadTitle(f.signerTitle, f.authority) ? 0 : -1;
  if (f.authority) out.authority = authorityForm(f.authority, dir);
  if (f.numberNotation) out.numberNotation = notationForm(f.numberNotation, [f.issuer, f.issuerParent]);
  // a province's or district's name as the lists spell it; a commune's is in no list (0, not −1)
  if (f.place) out.place = isKnownPlace(f.place.replace(/^(?:TP\.\s*|Thành phố\s+|Thị xã\s+)/u, '')) ? 1 : 0;
  return out;
}

/** "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH": every part after a prefix is a title or an agency name. */
function authorityForm(authority: string, dir: AgencyDirectory): Agreement {
  const parts = authority.split(/(?:^|\s)(?:TM|KT|TL|TUQ|Q)\.\s*/u).map((p) => p.trim()).filter(Boolean);
  if (!parts.length) return -1;
  return parts.every((p) => TITLE_KEYS.has(key(p)) || dir.nameForm(p) === 1) ? 1 : -1;
}

/**
 * The code is a run of the header names' initials, "và" dropped: the whole name ("SKHCN" for SỞ
 * KHOA HỌC VÀ CÔNG NGHỆ), its start, the name without its head word ("HĐXD" for CỤC QUẢN LÝ HOẠT
 * ĐỘNG XÂY DỰNG) or the office with its parent ("VPUBND"). A run, not letters picked along it.
 */
function initialsOf(code: string, names: Array<string | null>): boolean {
  const c = fold(code).replace(/&/g, '');
  const [issuer, parent] = names.map((n) => fold(agencyInitials(n ?? '')).replace(/&/g, ''));
  return c.length >= 2 && [`${issuer}${parent}`, `${parent}${issuer}`].some((i) => i.includes(c));
}

/** Every code of the notation explained (+1), one that no code can be (−1: mixed case, no abbreviation), else 0. */
function notationForm(notation: string, names: Array<string | null>): Agreement {
  const codes = notationParts(notation).filter((c) => !/^\d+$/.test(c));
  if (!codes.length) return 0;
  let all = true;
  for (const code of codes) {
    if (TYPE_CODES.has(code) || OFFICE_CODES.has(code) || initialsOf(code, names)) continue;
    // a code is capitals (and digits, &); lower case only in an abbreviation of App. III (TTr, QyĐ)
    if (!/^[\p{Lu}\d&]+$/u.test(code)) return -1;
    all = false;
  }
  return all ? 1 : 0;
}
