import { describe, it, expect } from 'vitest';
import { parseDateLine, parseNotation, markFromLine, marksInLine, typeFromLine, typeFromNotation } from '../../appliance/extract/patterns.js';
import { toneKey, Lexicon } from '../../appliance/extract/tone.js';
import { fold, repairGlyphs } from '../../appliance/extract/vn-text.js';
import { repairName } from '../../appliance/extract/names.js';
import { resolveTitle, titleFromAuthority } from '../../appliance/extract/titles.js';
import { AgencyDirectory } from '../../appliance/extract/agency-directory.js';

describe('date line', () => {
  const today = new Date('2025-06-01T00:00:00Z');
  it('reads place and ISO date, tolerant of OCR case and diacritics', () => {
    expect(parseDateLine('Hà Nội, ngày 05 tháng 01 năm 2020', today)).toEqual({ place: 'Hà Nội', date: '2020-01-05', valid: true });
    expect(parseDateLine('Thừa Thiên Huế, NGÀY 21 THANG 12 nam 2023', today)?.date).toBe('2023-12-21');
    expect(parseDateLine('Lào Cai, ngay O5 tháng 3 năm 2017', today)?.date).toBe('2017-03-05');
  });
  it('marks impossible and future dates invalid', () => {
    expect(parseDateLine('Hà Nội, ngày 31 tháng 02 năm 2020', today)?.valid).toBe(false);
    expect(parseDateLine('Hà Nội, ngày 01 tháng 01 năm 2099', today)?.valid).toBe(false);
  });
  it('ignores body lines without the pattern', () => {
    expect(parseDateLine('Căn cứ Nghị định số 30/2020/NĐ-CP', today)).toBeNull();
  });
});

describe('number and notation', () => {
  it('parses công văn, typed and legal-normative notations', () => {
    expect(parseNotation('1234/UBND-VP')).toEqual({ numberNotation: '1234/UBND-VP', number: '1234', valid: true });
    expect(parseNotation('12/2024/NQ-HĐND')).toMatchObject({ number: '12', valid: true });
    expect(parseNotation('05 / QĐ - BNV')).toMatchObject({ numberNotation: '05/QĐ-BNV', number: '05' });
  });
  it('repairs OCR look-alikes', () => {
    expect(parseNotation('421/QĐÐ-SNV')?.numberNotation).toBe('421/QĐ-SNV');
    expect(parseNotation('1O5/TB-UBND')?.number).toBe('105');
  });
  it('rejects what is not a notation, and a future year', () => {
    expect(parseNotation('ngày 12 tháng')).toBeNull();
    expect(parseNotation('12/2999/QĐ-UBND')?.valid).toBe(false);
  });
  it('maps the type abbreviation', () => {
    expect(typeFromNotation('48/2017/QĐ-UBND')).toBe('Quyết định');
    expect(typeFromNotation('12/TTr-SYT')).toBe('Tờ trình');
    expect(typeFromNotation('1234/UBND-VP')).toBeNull();
  });
});

describe('type names and marks', () => {
  it('recognises type names printed in capitals, with OCR-lost diacritics', () => {
    expect(typeFromLine('QUYẾT ĐỊNH')).toBe('Quyết định');
    expect(typeFromLine('THONG BAO')).toBe('Thông báo');
    expect(typeFromLine('QUYẾT ĐỊNH:')).toBe('Quyết định');
    expect(typeFromLine('Điều 1. Phê duyệt')).toBeNull();
  });
  it('recognises every stamp, including "Hỏa tốc hẹn giờ" and both tone placements', () => {
    expect(markFromLine('MẬT')).toEqual({ confidentiality: 'Mật' });
    expect(markFromLine('TỐI MẬT')).toEqual({ confidentiality: 'Tối mật' });
    expect(markFromLine('TUYỆT MẬT')).toEqual({ confidentiality: 'Tuyệt mật' });
    expect(markFromLine('THƯỢNG KHẨN')).toEqual({ urgency: 'Thượng khẩn' });
    expect(markFromLine('HOẢ TỐC')).toEqual({ urgency: 'Hỏa tốc' });
    expect(markFromLine('HỎA TỐC HẸN GIỜ')).toEqual({ urgency: 'Hỏa tốc' });
    expect(markFromLine('Khẩn trương triển khai')).toBeNull();
  });
  it('reads stamps printed side by side as one OCR line, and nothing from body text', () => {
    expect(marksInLine('KHẨN | MẬT')).toEqual({ urgency: 'Khẩn', confidentiality: 'Mật' });
    expect(marksInLine('TỐI MẬT  HỎA TỐC')).toEqual({ confidentiality: 'Tối mật', urgency: 'Hỏa tốc' });
    expect(marksInLine('Khẩn trương báo cáo')).toBeNull();
    expect(marksInLine('MẬT MÃ')).toBeNull();
  });
});

describe('Vietnamese text repair', () => {
  it('treats both tone placements as one spelling but keeps distinct tones apart', () => {
    expect(toneKey('hoà')).toBe(toneKey('hòa'));
    expect(toneKey('UỶ')).toBe(toneKey('ỦY'));
    expect(toneKey('hòa')).not.toBe(toneKey('hóa'));
    expect(fold('Đà Nẵng')).toBe('DA NANG');
  });
  it('repairs a word only when one known spelling fits', () => {
    const lex = new Lexicon(['Hương', 'Hướng', 'Huỳnh']);
    expect(lex.uniqueRepair('Huynh')).toBe('Huỳnh');
    expect(lex.uniqueRepair('Huong')).toBeNull();
  });
  it('repairs a signer name from the name lexicon and lowers its confidence', () => {
    const r = repairName('Huynh Tiến Quý');
    expect(r.name).toBe('Huỳnh Tiến Quý');
    expect(r.conf).toBeLessThan(0.85);
    expect(repairName('Trịnh Minh Liên')).toEqual({ name: 'Trịnh Minh Liên', conf: 1 });
  });
  it('infers the title from the authority line (KT. → deputy, TM. UBND → chairman)', () => {
    expect(titleFromAuthority('KT. GIÁM ĐỐC')).toBe('PHÓ GIÁM ĐỐC');
    expect(titleFromAuthority('TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH')).toBe('PHÓ CHỦ TỊCH');
    expect(titleFromAuthority('TM. ỦY BAN NHÂN DÂN')).toBe('CHỦ TỊCH');
    expect(titleFromAuthority('Q. GIÁM ĐỐC')).toBeNull();
    expect(resolveTitle('HỪ TICH', 0.6, 'TM. ỦY BAN NHÂN DÂN').title).toBe('CHỦ TỊCH');
    expect(resolveTitle('CHÁNH VĂN PHÒNG', 0.95, 'TL. CHỦ TỊCH')).toEqual({ title: 'CHÁNH VĂN PHÒNG', conf: 0.95 });
  });
  it('splits the header into parent and issuer, joining wrapped lines', () => {
    const dir = AgencyDirectory.builtIn();
    expect(dir.splitHeader(['ỦY BAN NHÂN DÂN', 'TỈNH QUẢNG NINH'])).toEqual({ parent: null, issuer: 'ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH' });
    expect(dir.splitHeader(['UBND HUYỆN MAI CHÂU', 'PHÒNG TÀI NGUYÊN VÀ', 'MÔI TRƯỜNG']))
      .toEqual({ parent: 'UBND HUYỆN MAI CHÂU', issuer: 'PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG' });
    expect(dir.splitHeader(['UBND THÀNH PHỐ ĐÀ NĂNG', 'SỞ NỘI VỤ']).parent).toBe('UBND THÀNH PHỐ ĐÀ NẴNG');
  });
  it('finds the identifier of a provisioned agency', () => {
    const dir = AgencyDirectory.builtIn([{ name: 'SỞ TƯ PHÁP', parent: 'UBND TỈNH LÀO CAI', id: 'H29.10' }]);
    expect(dir.lookup('Sở Tư pháp', 'UBND TỈNH LÀO CAI')?.id).toBe('H29.10');
    expect(dir.lookup('SỞ Y TẾ', null)?.id).toBeUndefined();
  });
});

describe('marks no Vietnamese letter carries', () => {
  it('are OCR specks: taken off, and every Vietnamese letter keeps its own', () => {
    expect(repairGlyphs('Lưu: VT, ÑV')).toBe('Lưu: VT, NV');
    expect(repairGlyphs('Ủy ban MTTQ Vi ïệt Nam')).toBe('Ủy ban MTTQ Vi iệt Nam');
    const vietnamese = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ươ ƯỚ ẵ ậ ỹ Ỵ ĐẮK LẮK Thừa Thiên Huế';
    expect(repairGlyphs(vietnamese)).toBe(vietnamese);
  });
});
