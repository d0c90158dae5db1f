// Value formats of QCVN 102:2016 edXML: agency identifiers, dates, DocumentId, priority.
import { asciiAlnum } from '../pdf/attachment-name.js';

export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

/**
 * Agency identifier (OrganId): the legacy form `000.00.00.H41` (level-1 code rightmost) and the
 * newer form `H37.02.02` (level-1 code leftmost) are both dot-separated alphanumeric groups,
 * at most 35 characters. Published packages also carry forms like `28.22.H17`, so the check is
 * on the shape, not on a fixed number of groups.
 */
const ORGAN_ID = /^[A-Za-z0-9]{1,10}(\.[A-Za-z0-9]{1,10}){1,7}$/;

export function isOrganId(id: string): boolean {
  return id.length <= 35 && ORGAN_ID.test(id);
}

const VN_OFFSET_MS = 7 * 3600_000;

/** Wall-clock parts of an instant in Vietnam time (UTC+7, no daylight saving). */
export function vnParts(at: Date): { y: string; mo: string; d: string; h: string; mi: string; s: string } {
  const t = new Date(at.getTime() + VN_OFFSET_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return { y: p(t.getUTCFullYear(), 4), mo: p(t.getUTCMonth() + 1), d: p(t.getUTCDate()), h: p(t.getUTCHours()), mi: p(t.getUTCMinutes()), s: p(t.getUTCSeconds()) };
}

/** `yyyy/MM/dd HH:mm:ss` in Vietnam time, the form of edXML Timestamp elements. */
export function edxmlTimestamp(at: Date): string {
  const v = vnParts(at);
  return `${v.y}/${v.mo}/${v.d} ${v.h}:${v.mi}:${v.s}`;
}

/** ISO `YYYY-MM-DD` → edXML `yyyy/MM/dd`. */
export function edxmlDate(isoDate: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new Error(`not an ISO date: ${isoDate}`);
  return isoDate.replaceAll('-', '/');
}

/** A real calendar date in `yyyy/MM/dd`. */
export function isEdxmlDate(s: string): boolean {
  const m = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** `{OrganId},{yyyy/MM/dd},{number}/{notation}` as in QCVN 102. */
export function documentIdFor(organId: string, isoDate: string, numberNotation: string): string {
  return `${organId},${edxmlDate(isoDate)},${numberNotation}`;
}

/** Splits a DocumentId; null when it does not have the three parts. */
export function splitDocumentId(id: string): { organId: string; date: string; code: string } | null {
  const m = /^([^,]+),(\d{4}\/\d{2}\/\d{2}),(.+)$/.exec(id);
  return m ? { organId: m[1]!, date: m[2]!, code: m[3]! } : null;
}

export type Priority = 0 | 1 | 2 | 3;

/** OtherInfo/Priority: 0 normal, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc. */
export function priorityOf(urgency: string | null): Priority {
  switch (urgency) {
    case 'Khẩn': return 1;
    case 'Thượng khẩn': return 2;
    case 'Hỏa tốc': return 3;
    default: return 0;
  }
}

/**
 * Attachment file names must be ASCII letters and digits only, at most 50 characters, without
 * Vietnamese diacritics (Tuyên Quang art. 8.4); the extension keeps its dot.
 */
export function safeAttachmentName(name: string, ext = 'pdf'): string {
  const base = asciiAlnum(name.replace(/\.[A-Za-z0-9]{1,5}$/, ''));
  const max = 50 - ext.length - 1;
  return `${(base || 'vanban').slice(0, max)}.${ext}`;
}
