import { describe, expect, it } from 'vitest';
import { AgencyDirectory } from '../../appliance/extract/agency-directory.js';
import { emptyFields, type DocumentFields } from '../../appliance/extract/fields.js';
import { vocabularyChecks } from '../../appliance/extract/vocabulary-checks.js';

// The vocabulary check tells the calibration whether a value is a form NĐ30's closed lists hold:
// misreads that keep the letters' shape ("CÔNG VÀ NGHỆ" swapped, "TTIr", "CHỦ : TỊCH") fall out of
// them, right values mostly do not.

const dir = AgencyDirectory.builtIn();
const checks = (over: Partial<DocumentFields>) => vocabularyChecks({ ...emptyFields(), ...over }, dir);

describe('agency names', () => {
  it('a name of the directory, with a level and a known place, tone placement and case aside', () => {
    expect(dir.nameForm('SỞ KHOA HỌC VÀ CÔNG NGHỆ')).toBe(1);
    expect(dir.nameForm('UỶ BAN NHÂN DÂN TỈNH ĐIỆN BIÊN')).toBe(1);
    expect(dir.nameForm('UBND HUYỆN TRÀ CÚ')).toBe(1);
    expect(dir.nameForm('SỞ Y TẾ THÀNH PHỐ HẢI PHÒNG')).toBe(1);
  });

  it('words swapped, a letter misread, an unknown place: not a form of the list', () => {
    expect(dir.nameForm('SỞ KHOA HỌC CÔNG VÀ NGHỆ')).toBe(-1);
    expect(dir.nameForm('SỞ Y TÊ')).toBe(-1);
    expect(dir.nameForm('ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIỂN')).toBe(-1);
  });

  it('a commune is in no list: nothing to say', () => {
    expect(dir.nameForm('ỦY BAN NHÂN DÂN XÃ TÂN TRƯỜNG')).toBe(0);
  });
});

describe('the date line\'s place', () => {
  it('a province or district as the lists spell it is a form of the list; a commune or a misread one says nothing', () => {
    expect(checks({ place: 'Đà Nẵng' }).place).toBe(1);
    expect(checks({ place: 'TP. Hồ Chí Minh' }).place).toBe(1);
    expect(checks({ place: 'Trà Cú' }).place).toBe(1);
    expect(checks({ place: 'Đà Nằng' }).place).toBe(0);
    expect(checks({ place: 'Tân Trường' }).place).toBe(0);
  });
});

describe('fields', () => {
  it('titles and authority lines of the lists, an acting head too', () => {
    expect(checks({ signerTitle: 'PHÓ CHỦ TỊCH', authority: 'TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH' })).toMatchObject({ signerTitle: 1, authority: 1 });
    expect(checks({ signerTitle: 'Q. GIÁM ĐỐC' }).signerTitle).toBe(1);
    expect(checks({ signerTitle: 'PHÓ CHỦ : TỊCH', authority: 'TM. ỦY BAN NHÂN DÂN KT. CHỦ : TỊCH' })).toMatchObject({ signerTitle: -1, authority: -1 });
    expect(checks({ signerTitle: 'BỘ TRƯỞNG HỌC' }).signerTitle).toBe(-1);
  });

  it('a notation whose every code is an abbreviation, an office code or a run of the header initials', () => {
    const header = { issuer: 'SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI', issuerParent: 'UBND TỈNH BẾN TRE' };
    expect(checks({ ...header, numberNotation: '1208/TTr-SLĐTBXH' }).numberNotation).toBe(1);
    expect(checks({ issuer: 'CỤC QUẢN LÝ HOẠT ĐỘNG XÂY DỰNG', issuerParent: 'BỘ XÂY DỰNG', numberNotation: '3895/HĐXD-NV' }).numberNotation).toBe(1);
    expect(checks({ issuer: 'VĂN PHÒNG', issuerParent: 'ỦY BAN NHÂN DÂN TỈNH GIA LAI', numberNotation: '1687/TTr-VPUBND' }).numberNotation).toBe(1);
  });

  it('a mixed-case code that is no abbreviation is out; a capital code no list holds is neither', () => {
    const header = { issuer: 'SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI', issuerParent: 'UBND TỈNH BẾN TRE' };
    expect(checks({ ...header, numberNotation: '1208/TTIr-SLĐTBXH' }).numberNotation).toBe(-1);
    // letters picked along the names are no run of them
    expect(checks({ issuer: 'SỞ GIAO THÔNG VẬN TẢI', issuerParent: 'ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH', numberNotation: '3458/SGTVT-TTT' }).numberNotation).toBe(0);
  });

  it('fields without a list say nothing', () => {
    expect(checks({ summary: 'Về việc tăng cường', signer: 'Nguyễn Văn An' })).toEqual({});
  });
});
