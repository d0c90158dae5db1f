import { describe, expect, it } from 'vitest';
import { createFiling } from '../../appliance/pipeline/filing.js';
import { AgencyDirectory } from '../../appliance/extract/agency-directory.js';
import { parsePackage } from '../../appliance/edxml/index.js';
import { emptyFields, type DocumentFields } from '../../appliance/extract/fields.js';
import type { RegisterEntry } from '../../appliance/register/register.js';
import { SohoaError } from '../../appliance/errors.js';

// The package a registered document is filed with: its DocumentId names the issuer's OrganId when
// the provisioned agency directory knows the issuer the clerk confirmed, else this agency's.

const directory = AgencyDirectory.builtIn([{ name: 'SỞ Y TẾ', parent: 'UBND TỈNH LẠNG SƠN', id: 'H44.20' }]);
const filing = createFiling({
  agency: { id: '000.00.00.H99', name: 'Văn phòng UBND tỉnh', sealPath: '' },
  central: { toId: '000.00.00.H00', toName: 'Hệ thống quản lý văn bản tỉnh' },
  signer: { sign: () => Promise.reject(new Error('not used')) },
  issuerId: (f) => (f.issuer ? directory.lookup(f.issuer, f.issuerParent)?.id ?? null : null),
});

function entry(over: Partial<DocumentFields>): RegisterEntry {
  const fields: DocumentFields = {
    ...emptyFields(), issuerParent: 'UBND TỈNH LẠNG SƠN', issuer: 'SỞ Y TẾ', numberNotation: '01/TB-SYT', number: '01',
    date: '2026-11-20', type: 'Thông báo', summary: 'Lịch tiêm chủng', urgency: 'Khẩn', ...over,
  };
  return {
    docId: 'd1', arrivalNumber: 7, arrivalDate: '2026-11-21T08:00:00+07:00', receivedAt: '2026-11-21T08:00:00+07:00', year: 2026,
    fields, extras: {} as RegisterEntry['extras'], state: 'signed', history: [], duplicateOf: null, message: null, registeredBy: 'Lan',
  };
}
const pdf = new Uint8Array(Buffer.from('%PDF-1.7\n%%EOF'));

describe('filing package', () => {
  it('files a known issuer under its own OrganId, with the urgency as priority', () => {
    const pkg = filing.package(pdf, entry({}));
    expect(pkg.documentId).toBe('H44.20,2026/11/20,01/TB-SYT');
    expect(pkg.priority).toBe(1);
    const parsed = parsePackage(pkg.xml);
    expect(parsed.errors).toEqual([]);
    expect(parsed.value!.documentId).toBe(pkg.documentId);
  });

  it("falls back to this agency's OrganId for an issuer the directory does not know", () => {
    expect(filing.package(pdf, entry({ issuerParent: null, issuer: 'CÔNG TY TNHH AN PHÚ' })).documentId).toBe('000.00.00.H99,2026/11/20,01/TB-SYT');
  });

  it('refuses a document without number or date, in Vietnamese', () => {
    const err = (() => { try { filing.package(pdf, entry({ date: null })); } catch (e) { return e as SohoaError; } })();
    expect(err).toBeInstanceOf(SohoaError);
    expect(err!.vi).toMatch(/Thiếu số, ký hiệu hoặc ngày ban hành/);
  });
});
