import { describe, it, expect } from 'vitest';
import { readName } from '../../appliance/extract/names.js';
import { cleanAuthority, resolveTitle } from '../../appliance/extract/titles.js';
import { repairPlaceInAgency } from '../../appliance/extract/places.js';
import { AgencyDirectory } from '../../appliance/extract/agency-directory.js';
import { repairText } from '../../appliance/extract/vn-words.js';
import { extractFields } from '../../appliance/extract/extract-fields.js';
import { buildPage, type Row } from '../fixtures/extract/page-builder.js';

describe('signer names', () => {
  it('accepts a Vietnamese full name: family name first, every syllable known', () => {
    expect(readName('Hồ Thanh Mai')).toMatchObject({ name: 'Hồ Thanh Mai', valid: true });
    expect(readName('Phan Mạnh Trọng Khoa').valid).toBe(true);
    expect(readName('Mai Đình Đức Long').valid).toBe(true);
  });
  it('rejects names broken by the seal (lost first letters, debris, accents on the wrong letter)', () => {
    expect(readName('anh Mai').valid).toBe(false);
    expect(readName('Ương Hương').valid).toBe(false); // "Ương" is no family name
    expect(readName('Dữỡng Minh Mai').valid).toBe(false);
    expect(readName('Ð Duy Thắng').valid).toBe(false);
    expect(readName('Hồ Văn Hiểu').valid).toBe(false);
  });
  it('repairs a lost diacritic only when one spelling fits, and says so in the confidence', () => {
    const r = readName('Huynh Tiến Quý');
    expect(r.name).toBe('Huỳnh Tiến Quý');
    expect(r.conf).toBeLessThan(0.85);
  });
});

describe('signature block layout', () => {
  const page = (sig: Row[]): ReturnType<typeof buildPage> => buildPage([
    { left: 'ỦY BAN NHÂN DÂN', right: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
    { left: 'TỈNH NINH BÌNH', right: 'Độc lập - Tự do - Hạnh phúc' },
    { left: 'Số: 12/UBND-VP', right: 'Ninh Bình, ngày 03 tháng 02 năm 2021', gap: 30 },
    { left: 'V/v tổ chức hội nghị' },
    { full: 'Ủy ban nhân dân tỉnh đề nghị các cơ quan thực hiện./.', gap: 80 },
    ...sig,
  ]);
  it('takes the title at line spacing under the authority, skips seal text further down, finds the name under it', () => {
    const p = page([
      { left: 'Nơi nhận:', right: 'TL. CHỦ TỊCH', gap: 40 },
      { left: '- Như trên;', right: 'CHÀNH VĂN PHÒNG' },
      { left: '- Lưu: VT, VP.', right: 'NHÂN DÂN', gap: 80, conf: 45 }, // seal ring text
      { right: 'Trịnh Minh Liên', gap: 120 },
    ]);
    const r = extractFields([p], { today: new Date('2025-01-01') });
    expect(r.authority).toBe('TL. CHỦ TỊCH');
    expect(r.signerTitle).toBe('CHÁNH VĂN PHÒNG');
    expect(r.signer).toBe('Trịnh Minh Liên');
    expect(r.flagged).not.toContain('signer');
  });
  it('flags a name that is no valid Vietnamese name instead of trusting it', () => {
    const p = page([
      { left: 'Nơi nhận:', right: 'KT. CHỦ TỊCH', gap: 40 },
      { left: '- Như trên;', right: 'PHÓ CHỦ TỊCH' },
      { left: '- Lưu: VT, VP.' },
      { right: 'Am Việt Tuấn', gap: 200 },
    ]);
    const r = extractFields([p], { today: new Date('2025-01-01') });
    expect(r.signerTitle).toBe('PHÓ CHỦ TỊCH');
    expect(r.flagged).toContain('signer');
  });
});

describe('titles and authority', () => {
  it('repairs a title word one letter away (GLAM → GIÁM)', () => {
    expect(cleanAuthority('KT. GLAM ĐỐC')).toBe('KT. GIÁM ĐỐC');
    expect(resolveTitle('PHÓ GLAM ĐỐC', 0.9, 'KT. GIÁM ĐỐC').title).toBe('PHÓ GIÁM ĐỐC');
  });
  it('drops a tone mark read apart as a small letter from the capitals of the authority line', () => {
    expect(cleanAuthority('TM. ỦY BAN NHÂN DÂN KT. CHỦ ạ TỊCH')).toBe('TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH');
  });
});

describe('place names in agency lines', () => {
  it('snaps the level word and the place to a known place, letter for letter', () => {
    expect(repairPlaceInAgency('ỦY BAN NHÂN DÂN TĨNH LÂM ĐÔNG').line).toBe('ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG');
    expect(repairPlaceInAgency('ỦY BAN NHÂN DÂN HUYỆN MỘ DỤC').line).toBe('ỦY BAN NHÂN DÂN HUYỆN MỘ ĐỨC');
    expect(repairPlaceInAgency('UBND THÀNH PHỐ ĐÀNẰNG').line).toBe('UBND THÀNH PHỐ ĐÀ NẴNG');
    expect(repairPlaceInAgency('UBND HUYỆN BẢO LÂM').line).toBe('UBND HUYỆN BẢO LÂM');
  });
  it('leaves a correct place, an unknown place and the tone placement as printed', () => {
    expect(repairPlaceInAgency('UBND TỈNH QUẢNG NINH')).toEqual({ line: 'UBND TỈNH QUẢNG NINH', repaired: false });
    expect(repairPlaceInAgency('UBND HUYỆN XYZ ABC').repaired).toBe(false);
    expect(repairPlaceInAgency('UBND TỈNH KHÁNH HOÀ').line).toBe('UBND TỈNH KHÁNH HOÀ');
  });
  it('uses the provisioned list for places it does not know', () => {
    const dir = AgencyDirectory.builtIn([{ name: 'Ủy ban nhân dân huyện Ea Kly', id: 'X1' }]);
    expect(dir.splitHeader(['ỦY BAN NHÂN DÂN', 'HUYỆN ÉA KLY']).issuer).toBe('ỦY BAN NHÂN DÂN HUYỆN EA KLY');
  });
  it('repairs one word of a known agency name, never its head word or its place', () => {
    const dir = AgencyDirectory.builtIn();
    expect(dir.splitHeader(['CHI CỤC AN TOÀN VI SINH THỰC PHẨM']).issuer).toBe('CHI CỤC AN TOÀN VỆ SINH THỰC PHẨM');
    expect(dir.splitHeader(['SỞ GIÁO DỤC VÀ ĐÀO TẠO']).issuer).toBe('SỞ GIÁO DỤC VÀ ĐÀO TẠO');
    expect(dir.splitHeader(['ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH']).issuer).toBe('ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH');
    expect(dir.splitHeader(['ỦY BAN NHÂN DÂN TỈNH HẬU GIANG']).issuer).toBe('ỦY BAN NHÂN DÂN TỈNH HẬU GIANG');
  });
});

describe('diacritics of running text by word pairs', () => {
  it('repairs a misread mark its neighbours contradict', () => {
    expect(repairText('phòng, chống tham nhũng, lăng phí').text).toBe('phòng, chống tham nhũng, lãng phí');
    expect(repairText('Kế hoạch nắm 2017').text).toBe('Kế hoạch năm 2017');
    expect(repairText('Sửa đối, bổ sung một số điều').text).toBe('Sửa đổi, bổ sung một số điều');
    expect(repairText('Về việc phần bổ kinh phí tuyển chọn').text).toBe('Về việc phân bổ kinh phí tuyển chọn');
    // a summary's second line as the first read it ("… về" / "văn động hiến máu …")
    expect(repairText('văn động hiến máu tình nguyện').text).toBe('vận động hiến máu tình nguyện');
    expect(repairText('Cống TTĐT huyện').text).toBe('Cổng TTĐT huyện');
  });
  it('leaves correct text alone', () => {
    for (const t of ['đối với các cơ quan, đơn vị', 'Công báo tỉnh', 'nằm trong kế hoạch năm 2020', 'Về việc triển khai quản lý hồ sơ, tài liệu điện tử']) {
      expect(repairText(t)).toEqual({ text: t, changed: 0 });
    }
  });
});
