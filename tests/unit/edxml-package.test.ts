import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildNewDocumentPackage, buildStatusPackage, decodeAttachment, isOrganId, parsePackage, parseStatusPackage, safeAttachmentName } from '../../appliance/edxml/index.js';
import { emptyFields, type DocumentFields } from '../../appliance/extract/fields.js';
import { projectPath } from '../../appliance/config/paths.js';

const fixture = (name: string) => readFileSync(projectPath('tests', 'fixtures', 'edxml', name), 'utf8');

function fields(over: Partial<DocumentFields> = {}): DocumentFields {
  return {
    ...emptyFields(),
    issuer: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI', numberNotation: '48/2017/QĐ-UBND', number: '48', place: 'Lào Cai',
    date: '2017-12-29', type: 'Quyết định', summary: 'Ban hành Quy chế quản lý văn bản & hồ sơ <điện tử>',
    authority: 'TM. ỦY BAN NHÂN DÂN TỈNH', signerTitle: 'Chủ tịch', signer: 'Đặng Xuân Phong',
    recipients: ['Như Điều 3;', 'Lưu: VT.'], urgency: 'Thượng khẩn', pages: 3, ...over,
  };
}

const pdf = new Uint8Array(Buffer.from('%PDF-1.7\n\u00ff binary \u0000 bytes\n%%EOF'));

describe('published sample packages', () => {
  it('parses the real new-document package, whose only defect is its cut-short attachment', () => {
    const r = parsePackage(fixture('sample-new-document.edxml'));
    // The sample's base64 was cut short ("…") when it was published: the parser must say so.
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual(['attachment cid:209 is not valid base64']);
  });

  it('reads every header field of the sample once its attachment is repaired', () => {
    const xml = fixture('sample-new-document.edxml').replace('UEsDBBQACAgIAEuSPE0AAAAA…', 'UEsDBBQACAgIAEuSPE0AAAAA');
    const r = parsePackage(xml);
    expect(r.errors).toEqual([]);
    const p = r.value!;
    expect(p.from).toEqual({ id: '000.00.00.A80', name: 'UBND xã Hòa Tiến - UBND huyện Hòa Vang - Thành phố Đà Nẵng' });
    expect(p.to.map((t) => t.id)).toEqual(['28.22.H17']);
    expect(p.documentId).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    expect(p.code).toEqual({ number: '74fass22', notation: 'VPCP-TTĐT' });
    expect(p.promulgation).toEqual({ place: 'Hà Nội', date: '2019/01/16' });
    expect(p.documentType).toEqual({ type: '1', typeName: 'Công văn' });
    expect(p.signer.fullName).toBe('Nguyen Thanh Phuc');
    expect(p.toPlaces).toEqual(['Cac bo va co quan ngang bo', 'Uy ban nhan dan cac tinh, TP']);
    expect(p.priority).toBe(0);
    expect(p.pageAmount).toBe(22);
    expect(p.trace).toEqual([{ organId: '000.00.00.G22', timestamp: '2018/09/28 00:00:00' }]);
    expect(p.attachments[0]!.name).toBe('1896_QD-TTg_m_294779.doc');
    expect(decodeAttachment(p.attachments[0]!).subarray(0, 2).toString()).toBe('PK');
  });

  it('parses the real status package (StatusCode 05), keeping "05" as text', () => {
    const r = parseStatusPackage(fixture('sample-status.edxml'));
    expect(r.errors).toEqual([]);
    expect(r.value!.statusCode).toBe('05');
    expect(r.value!.from.id).toBe('000.00.00.H41');
    expect(r.value!.responseFor.documentId).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    expect(r.value!.description).toBe('Đang xử lý văn bản đến');
    expect(r.value!.staff).toEqual({ department: 'Phong hanh chinh', staff: 'Nguyen thi ngoc tram' });
  });

  it('tells a status package from a new-document package', () => {
    expect(parsePackage(fixture('sample-status.edxml')).errors).toEqual(['this is a status package, not a new document package']);
  });
});

describe('buildNewDocumentPackage', () => {
  const from = { id: 'H37.02.02', name: 'VĂN PHÒNG UBND TỈNH' };
  const to = [{ id: '000.00.00.H41', name: 'Hệ thống "trung tâm" & <tỉnh>' }];

  it('round-trips through the parser with escaping, priority, DocumentId and the attachment bytes', () => {
    const xml = buildNewDocumentPackage({ from, to, fields: fields(), attachment: { fileName: 'Quyết định 48.pdf', pdf }, arrival: { date: '2018-01-02T07:30:00+07:00' } }).xml;
    expect(xml).toContain('xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"');
    expect(xml).toContain('&amp; hồ sơ &lt;điện tử&gt;');
    const r = parsePackage(xml);
    expect(r.errors).toEqual([]);
    const p = r.value!;
    expect(p.documentId).toBe('H37.02.02,2017/12/29,48/2017/QĐ-UBND');
    expect(p.code).toEqual({ number: '48', notation: '2017/QĐ-UBND' });
    expect(p.documentType).toEqual({ type: '2', typeName: 'Quyết định' });
    expect(p.to[0]!.name).toBe('Hệ thống "trung tâm" & <tỉnh>');
    expect(p.subject).toBe('Ban hành Quy chế quản lý văn bản & hồ sơ <điện tử>');
    expect(p.signer).toEqual({ competence: 'TM. ỦY BAN NHÂN DÂN TỈNH', position: 'Chủ tịch', fullName: 'Đặng Xuân Phong' });
    expect(p.priority).toBe(2);
    expect(p.pageAmount).toBe(3);
    expect(p.toPlaces).toEqual(['Như Điều 3;', 'Lưu: VT.']);
    expect(p.trace).toEqual([{ organId: 'H37.02.02', timestamp: '2018/01/02 07:30:00' }]);
    expect(p.attachments[0]!.name).toBe('Quyetdinh48.pdf');
    expect(p.attachments[0]!.contentType).toBe('application/pdf');
    expect(Buffer.compare(decodeAttachment(p.attachments[0]!), Buffer.from(pdf))).toBe(0);
  });

  it('uses the issuer OrganId when known, a công văn gets Type 1, control characters are dropped', () => {
    const xml = buildNewDocumentPackage({
      from, to, attachment: { fileName: 'a.pdf', pdf },
      fields: { ...fields({ numberNotation: '1234/UBND-VP', number: null, type: 'Công văn', urgency: null, summary: 'V\u0007iệc A' }), issuerId: '000.00.00.H41' },
    }).xml;
    const p = parsePackage(xml).value!;
    expect(p.documentId).toBe('000.00.00.H41,2017/12/29,1234/UBND-VP');
    expect(p.code).toEqual({ number: '1234', notation: 'UBND-VP' });
    expect(p.documentType.type).toBe('1');
    expect(p.priority).toBe(0);
    expect(p.subject).toBe('Việc A');
  });

  it('refuses a package without number/notation or with a bad agency id, with a Vietnamese reason', () => {
    expect(() => buildNewDocumentPackage({ from, to, fields: fields({ numberNotation: null }), attachment: { fileName: 'a.pdf', pdf } }))
      .toThrow(expect.objectContaining({ code: 'request.invalid', vi: expect.stringContaining('số, ký hiệu') }));
    expect(() => buildNewDocumentPackage({ from: { id: 'not an id', name: 'x' }, to, fields: fields(), attachment: { fileName: 'a.pdf', pdf } }))
      .toThrow(expect.objectContaining({ code: 'request.invalid' }));
  });
});

describe('parsePackage on malformed input', () => {
  const good = () => buildNewDocumentPackage({ from: { id: '000.00.00.H99', name: 'A' }, to: [{ id: '000.00.00.H00', name: 'B' }], fields: fields(), attachment: { fileName: 'a.pdf', pdf } }).xml;

  it.each([
    ['not XML', '<edXML><oops></edXML>', /not well-formed XML/],
    ['another root', '<?xml version="1.0"?><html/>', /root element is not edXML/],
    ['a DTD', '<!DOCTYPE x [<!ENTITY a "b">]><edXML/>', /DOCTYPE/],
    ['a bad DocumentId', 'DocumentId>000.00.00.H99,2017-12-29,48/2017/QĐ-UBND<', /DocumentId .* is not/],
    ['an impossible date', 'PromulgationDate>2017/02/30<', /PromulgationDate "2017\/02\/30"/],
    ['a bad OrganId', 'OrganId>000.00.00.H00<', /To\[1\]\/OrganId "x y"/],
    ['corrupt base64', 'ContentTransferEncoded>', /not valid base64/],
  ])('lists the reason for %s', (_what, patch, reason) => {
    let xml: string;
    if (patch.startsWith('<')) xml = patch;
    else if (patch.startsWith('DocumentId')) xml = good().replace(/DocumentId>[^<]+</, patch);
    else if (patch.startsWith('PromulgationDate')) xml = good().replace(/PromulgationDate>[^<]+</, patch);
    else if (patch.startsWith('OrganId')) xml = good().replace(patch, 'OrganId>x y<');
    else xml = good().replace(patch, `${patch}*`);
    const r = parsePackage(xml);
    expect(r.ok).toBe(false);
    expect(r.errors.join('; ')).toMatch(reason);
  });
});

describe('status packages and formats', () => {
  it('builds a status package that parses back, rejection with its reason', () => {
    const xml = buildStatusPackage({
      from: { id: '000.00.00.H00', name: 'Trung tâm' },
      responseFor: { organId: '000.00.00.H99', code: '48/2017/QĐ-UBND', promulgationDate: '2017/12/29', documentId: '000.00.00.H99,2017/12/29,48/2017/QĐ-UBND' },
      statusCode: '02', description: 'Thiếu chữ ký số', at: new Date('2024-12-31T17:30:05Z'),
    });
    const r = parseStatusPackage(xml);
    expect(r.errors).toEqual([]);
    expect(r.value).toMatchObject({ statusCode: '02', description: 'Thiếu chữ ký số', timestamp: '2025/01/01 00:30:05' });
  });

  it('accepts both agency-id forms up to 35 characters', () => {
    expect(isOrganId('000.00.00.H41')).toBe(true);
    expect(isOrganId('H37.02.02')).toBe(true);
    expect(isOrganId('H37.02.02.01.05.03.07')).toBe(true);
    expect(isOrganId('H37')).toBe(false);
    expect(isOrganId('H37.02.02.0100000000.0500000000.0301')).toBe(false);
    expect(isOrganId('000.00.00.H41;drop')).toBe(false);
  });

  it('makes attachment names ASCII letters and digits, at most 50 characters', () => {
    expect(safeAttachmentName('Công văn số 15/ĐHĐ.pdf')).toBe('Congvanso15DHD.pdf');
    expect(safeAttachmentName('x'.repeat(80) + '.pdf')).toHaveLength(50);
    expect(safeAttachmentName('ỡ.pdf')).toBe('o.pdf');
    expect(safeAttachmentName('---')).toBe('vanban.pdf');
  });
});
