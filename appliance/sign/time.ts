// Times as the regulations want them: ISO 8601 in Vietnam time (+07:00), and the same instant as a
// PDF date for the signature dictionary's /M.

const VN_OFFSET_MIN = 7 * 60;

function vnParts(t: Date) {
  const local = new Date(t.getTime() + VN_OFFSET_MIN * 60_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return {
    y: p(local.getUTCFullYear(), 4), mo: p(local.getUTCMonth() + 1), d: p(local.getUTCDate()),
    h: p(local.getUTCHours()), mi: p(local.getUTCMinutes()), s: p(local.getUTCSeconds()),
  };
}

/** `2026-11-22T09:15:03+07:00` */
export function isoVietnam(t: Date): string {
  const { y, mo, d, h, mi, s } = vnParts(t);
  return `${y}-${mo}-${d}T${h}:${mi}:${s}+07:00`;
}

/** `D:20261122091503+07'00'` */
export function pdfDateVietnam(t: Date): string {
  const { y, mo, d, h, mi, s } = vnParts(t);
  return `D:${y}${mo}${d}${h}${mi}${s}+07'00'`;
}

/** Parses a PDF date (`D:YYYYMMDDHHmmSS+HH'mm'`, trailing parts optional); undefined if malformed. */
export function parsePdfDate(s: string): Date | undefined {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz])|([+-])(\d{2})'?(\d{2})?'?)?/.exec(s.trim());
  if (!m) return undefined;
  const n = (v: string | undefined, def: number) => (v === undefined ? def : Number(v));
  const utc = Date.UTC(n(m[1], 0), n(m[2], 1) - 1, n(m[3], 1), n(m[4], 0), n(m[5], 0), n(m[6], 0));
  const sign = m[8] === '-' ? -1 : 1;
  const off = m[8] ? sign * (n(m[9], 0) * 60 + n(m[10], 0)) : 0;
  return new Date(utc - off * 60_000);
}
