import { describe, it, expect } from 'vitest';
import { agencyInitials, parseNotation, repairTypeCode, TYPE_ABBREVIATIONS } from '../../appliance/extract/patterns.js';
import { extractFields } from '../../appliance/extract/extract-fields.js';
import { buildPage, type Row } from '../fixtures/extract/page-builder.js';

// Notation repair against the Decree 30 App. III scheme: type codes toward the printed type's
// abbreviation, a doubled Đ kept only when the issuer's own initials hold it.

const today = new Date('2026-11-22');
const motto = { right: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' };
const motto2 = { right: 'Độc lập - Tự do - Hạnh phúc' };

function page(parent: string, issuer: string, number: string, typeName: string): Row[] {
  return [
    { left: parent, ...motto },
    { left: issuer, ...motto2 },
    { left: `Số: ${number}`, right: 'Quảng Trị, ngày 03 tháng 3 năm 2021', gap: 40 },
    { centre: typeName, gap: 40 },
    { centre: 'Về việc tổ chức hội nghị tổng kết công tác năm' },
    { full: 'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;', gap: 60 },
  ];
}

describe('agency initials', () => {
  it('first letters, "và" as &', () => {
    expect(agencyInitials('VĂN PHÒNG ĐOÀN ĐẠI BIỂU QUỐC HỘI VÀ HỘI ĐỒNG NHÂN DÂN')).toBe('VPĐĐBQH&HĐND');
    expect(agencyInitials('Phòng Kinh tế và Hạ tầng')).toBe('PKT&HT');
  });
});

describe('doubled Đ', () => {
  it('a Đ read twice is one, unless the issuer initials hold two', () => {
    expect(parseNotation('421/QĐÐ-SNV')?.numberNotation).toBe('421/QĐ-SNV');
    expect(parseNotation('217/QĐ-VPĐĐBQH&HĐND', ['VĂN PHÒNG ĐOÀN ĐẠI BIỂU QUỐC HỘI VÀ HỘI ĐỒNG NHÂN DÂN', 'UBND TỈNH ĐIỆN BIÊN'])?.numberNotation)
      .toBe('217/QĐ-VPĐĐBQH&HĐND');
    // the type code's Đ read twice stays one even then
    expect(parseNotation('217/QĐĐ-VPĐĐBQH&HĐND', ['VĂN PHÒNG ĐOÀN ĐẠI BIỂU QUỐC HỘI VÀ HỘI ĐỒNG NHÂN DÂN'])?.numberNotation)
      .toBe('217/QĐ-VPĐĐBQH&HĐND');
    // another issuer: collapsed as before
    expect(parseNotation('217/QĐ-VPĐĐBQH', ['VĂN PHÒNG ỦY BAN NHÂN DÂN'])?.numberNotation).toBe('217/QĐ-VPĐBQH');
  });
});

describe('type code toward the printed type', () => {
  it('confusable letters only, only when the code is no abbreviation', () => {
    expect(repairTypeCode('1578/TIr-HĐND', 'Tờ trình')).toBe('1578/TTr-HĐND');
    expect(repairTypeCode('687/TIT-KTHT', 'Tờ trình')).toBe('687/TTr-KTHT');
    // one thin stroke read twice (round Q, seed 1411)
    expect(repairTypeCode('1580/TTIr-SYT', 'Tờ trình')).toBe('1580/TTr-SYT');
    expect(repairTypeCode('1580/TTKr-SYT', 'Tờ trình')).toBe('1580/TTKr-SYT');
    expect(repairTypeCode('12/Q0-UBND', 'Quyết định')).toBe('12/QĐ-UBND');
    expect(repairTypeCode('12/2024/QD-UBND', 'Quyết định')).toBe('12/2024/QĐ-UBND');
    // a real abbreviation of another type is evidence, not a misread
    expect(repairTypeCode('12/TB-UBND', 'Quyết định')).toBe('12/TB-UBND');
    // not confusable, other length, công văn (its first code is the issuer's): left as read
    expect(repairTypeCode('12/KX-UBND', 'Kế hoạch')).toBe('12/KX-UBND');
    expect(repairTypeCode('12/TIrrr-UBND', 'Tờ trình')).toBe('12/TIrrr-UBND');
    expect(repairTypeCode('12/UBNĐ-VP', 'Công văn')).toBe('12/UBNĐ-VP');
    expect(repairTypeCode('12/UBND', 'Tờ trình')).toBe('12/UBND');
  });
  it('every App. III abbreviation reaches its own type', () => {
    for (const [abbr, type] of Object.entries(TYPE_ABBREVIATIONS)) expect(repairTypeCode(`5/${abbr}-UBND`, type)).toBe(`5/${abbr}-UBND`);
  });
  it('in a page: TỜ TRÌNH over "TIr" gives TTr', () => {
    const r = extractFields([buildPage(page('UBND TỈNH QUẢNG TRỊ', 'HỘI ĐỒNG NHÂN DÂN', '1578/TIr-HĐND', 'TỜ TRÌNH'))], { today });
    expect(r.numberNotation).toBe('1578/TTr-HĐND');
    expect(r.type).toBe('Tờ trình');
  });
  it('in a page: the Văn phòng Đoàn ĐBQH và HĐND keeps its ĐĐ', () => {
    const r = extractFields([buildPage(page('UBND TỈNH QUẢNG TRỊ', 'VĂN PHÒNG ĐOÀN ĐẠI BIỂU QUỐC HỘI VÀ HỘI ĐỒNG NHÂN DÂN', '320/QĐ-VPĐĐBQH&HĐND', 'QUYẾT ĐỊNH'))], { today });
    expect(r.numberNotation).toBe('320/QĐ-VPĐĐBQH&HĐND');
  });
});

describe('a long notation wrapped under "Số:" (round R: 1392 doc-018, 1421 doc-027)', () => {
  const issuer = 'VĂN PHÒNG ĐOÀN ĐẠI BIỂU QUỐC HỘI VÀ HỘI ĐỒNG NHÂN DÂN';
  const wrapped = (first: string, rest: string): Row[] => {
    const rows = page('UBND TỈNH QUẢNG NGÃI', issuer, first, 'GIẤY MỜI');
    rows.splice(3, 0, { left: rest });
    return rows;
  };
  it('goes on at the first word of the line below a notation that ends on "-"', () => {
    const r = extractFields([buildPage(wrapped('1229/VPĐĐBQH&HĐND-', 'KHTC'))], { today });
    expect(r.numberNotation).toBe('1229/VPĐĐBQH&HĐND-KHTC');
    expect(r.number).toBe('1229');
    // a notation that ends on its own does not take the line below
    expect(extractFields([buildPage(wrapped('1229/VPĐĐBQH&HĐND', 'KHTC'))], { today }).numberNotation).toBe('1229/VPĐĐBQH&HĐND');
  });
  it('checks an agency code with "&" against the issuer\'s initials', async () => {
    const { crossChecks } = await import('../../appliance/extract/cross-checks.js');
    const fields = extractFields([buildPage(wrapped('666/GM-', 'VPĐĐBQH&HĐND'))], { today });
    expect(fields.numberNotation).toBe('666/GM-VPĐĐBQH&HĐND');
    expect(crossChecks(fields, today).numberNotation).toBe(1);
    expect(crossChecks({ ...fields, numberNotation: '666/GM-VPĐDBQH&KHĐND' }, today).numberNotation).toBe(-1);
  });
});
