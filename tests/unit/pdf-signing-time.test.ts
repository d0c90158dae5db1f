import { describe, expect, it } from 'vitest';
import { isoVietnam, parsePdfDate, pdfDateVietnam } from '../../appliance/sign/time.js';
import { pemToDerList, derToPem } from '../../appliance/sign/pem.js';

describe('signing time formats', () => {
  it('shows the instant in Vietnam time, ISO 8601 with +07:00, across the date line', () => {
    expect(isoVietnam(new Date('2026-11-22T02:15:03Z'))).toBe('2026-11-22T09:15:03+07:00');
    expect(isoVietnam(new Date('2026-12-31T17:30:00Z'))).toBe('2027-01-01T00:30:00+07:00');
  });

  it('writes /M as a PDF date with the offset and reads PDF dates back to the same instant', () => {
    const t = new Date('2026-11-22T02:15:03Z');
    expect(pdfDateVietnam(t)).toBe("D:20261122091503+07'00'");
    expect(parsePdfDate(pdfDateVietnam(t))?.toISOString()).toBe(t.toISOString());
    expect(parsePdfDate('D:20200105120000Z')?.toISOString()).toBe('2020-01-05T12:00:00.000Z');
    expect(parsePdfDate("D:20200105120000-05'30")?.toISOString()).toBe('2020-01-05T17:30:00.000Z');
    expect(parsePdfDate('D:2020')?.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(parsePdfDate('yesterday')).toBeUndefined();
  });

  it('round-trips certificates between PEM and DER, several per file', () => {
    const a = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
    const b = new Uint8Array(100).fill(7);
    const pem = derToPem(a) + 'junk between\n' + derToPem(b);
    expect(pemToDerList(pem)).toEqual([a, b]);
    expect(pemToDerList('no certificates here')).toEqual([]);
  });
});
