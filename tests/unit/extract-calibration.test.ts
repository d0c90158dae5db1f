import { describe, it, expect } from 'vitest';
import { extractFields, joinText } from '../../appliance/extract/extract-fields.js';
import { lostRow, repairRecipient } from '../../appliance/extract/recipient-list.js';
import { AgencyDirectory } from '../../appliance/extract/agency-directory.js';
import { recipientDoubts } from '../../appliance/extract/recipients.js';
import { pageSegments, segmentOf, splitColumns } from '../../appliance/extract/layout.js';
import { fold } from '../../appliance/extract/vn-text.js';
import { buildPage, type Row } from '../fixtures/extract/page-builder.js';
import type { OcrPage, OcrWord } from '../../appliance/ocr/ocr.js';

// Honest confidence: a header or "Nơi nhận" reading that does not read as what NĐ30 prints is
// flagged for the clerk, and header lines wrapped or misread into other words are put back.

const dir = AgencyDirectory.builtIn();
const today = new Date('2026-11-22');

describe('header names put back together', () => {
  it('a line after a name ended by a known place starts another name, even without a head word', () => {
    expect(dir.splitHeader(['SỞ VĂN HÓA, THỂ THAO VÀ', 'DU LỊCH TỈNH LẠNG SƠN', 'BẢO TÀNG TỈNH']))
      .toEqual({ parent: 'SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH TỈNH LẠNG SƠN', issuer: 'BẢO TÀNG TỈNH' });
    // a name wrapped before its place still goes on
    expect(dir.splitHeader(['ỦY BAN NHÂN DÂN', 'TỈNH QUẢNG NINH']).issuer).toBe('ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH');
  });

  it('a wrapped word is repaired with its neighbours, and a level word ending the name is a plain word', () => {
    expect(dir.splitHeader(['BỘ NỘI VỤ', 'VỤ CHÍNH QUYỀN ĐỊA', 'PHƯƠNG']))
      .toEqual({ parent: 'BỘ NỘI VỤ', issuer: 'VỤ CHÍNH QUYỀN ĐỊA PHƯƠNG' });
    expect(dir.splitHeader(['BỘ NỘI VỤ', 'VỤ CHÍNH QUYỀN ĐỊA PHƯỜNG']).issuer).toBe('VỤ CHÍNH QUYỀN ĐỊA PHƯƠNG');
  });

  it('the letters of a known name with words glued, split or a speck between them', () => {
    expect(dir.splitHeader(['BỘ TÀI NGUYÊN VÀMÔI', '- TRƯỜNG']).issuer).toBe('BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG');
    expect(dir.snapToEntry('BAN QUẢN - LÝ KHU KINH TẾ')).toBe('BAN QUẢN LÝ KHU KINH TẾ');
    // a dash the name prints is not added to a reading without it
    expect(dir.snapToEntry('SỞ LAO ĐỘNG THƯƠNG BINH VÀ XÃ HỘI')).toBe('SỞ LAO ĐỘNG THƯƠNG BINH VÀ XÃ HỘI');
  });

  it('the national title behind an underline speck is still cut off the agency line', () => {
    const at = (text: string, x0: number): OcrWord => ({ text, confidence: 95, bbox: { x0, y0: 200, x1: x0 + text.length * 22, y1: 250 } });
    const ws = [at('HỘI', 200), at('ĐỒNG', 300), at('NHÂN', 420), at('DÂN', 540), at('_CỘNG', 1100), at('HÒA', 1250), at('XÃ', 1350), at('HỘI', 1420)];
    const out = splitColumns([segmentOf(ws)], 2480, 3508, fold);
    expect(out.map((s) => s.text)).toEqual(['HỘI ĐỒNG NHÂN DÂN', '_CỘNG HÒA XÃ HỘI']);
  });
});

describe('rows of a skewed scan', () => {
  it('the first word of a line is not drawn into the row above that ran on into the other column', () => {
    // a scan turned ~2°: each line descends to the right; the parent's row ends in the national
    // title, level with the next line's first word "VĂN"
    const w = (text: string, x0: number, x1: number, y0: number): OcrWord => ({ text, confidence: 95, bbox: { x0, x1, y0, y1: y0 + 30 } });
    const words = [w('UBND', 364, 460, 172), w('TỈNH', 470, 551, 174), w('GIA', 562, 622, 180), w('LAI', 630, 686, 183),
      w('CỘNG', 804, 900, 190), w('HÒA', 910, 990, 196), w('XÃ', 1000, 1050, 200), w('HỘI', 1060, 1130, 204), w('VIỆT', 1300, 1400, 210), w('NAM', 1410, 1500, 212),
      w('VĂN', 281, 355, 211), w('PHÒNG', 364, 489, 214), w('ĐOÀN', 500, 601, 220), w('ĐẠI', 611, 673, 226), w('BIỂU', 683, 767, 226)];
    const page: OcrPage = { imagePath: 'x.png', width: 1653, height: 2339, dpi: 200, rotation: 0, blank: false, text: '',
      lines: [{ text: '', confidence: 95, words, bbox: { x0: 281, y0: 172, x1: 1500, y1: 256 } }] };
    const texts = pageSegments(page).map((s) => s.text);
    expect(texts).toContain('VĂN PHÒNG ĐOÀN ĐẠI BIỂU');
    expect(texts).toContain('UBND TỈNH GIA LAI');
  });
});

describe('header doubts', () => {
  it('a name with no agency head word, or with a non-word in its own name, is doubtful', () => {
    expect(dir.doubts('TỈNH QUẢNG NGÃI')).not.toEqual([]);
    expect(dir.doubts('VĂN UBND TỈNH GIA LAI')).not.toEqual([]);
    expect(dir.doubts('TỔNG CỤC KHÍ TƯỢNG THUY VAN')).not.toEqual([]);
    expect(dir.doubts('BỘ TÀI NGUYÊN VÀMÔI TRƯỜNG')).not.toEqual([]);
    // every province is known: one that is none of them lost a word
    expect(dir.doubts('ỦY BAN NHÂN DÂN TỈNH SƠN')).not.toEqual([]);
    expect(dir.doubts('ỦY BAN NHÂN DÂN TỈNH SƠN LA')).toEqual([]);
  });

  it('well-formed names are not: abbreviations, places the lists do not hold', () => {
    for (const n of ['UBND TỈNH GIA LAI', 'ỦY BAN NHÂN DÂN XÃ NẬM CHÀY', 'SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH', 'VĂN PHÒNG ĐOÀN ĐBQH VÀ HĐND TỈNH',
      'UỶ BAN NHÂN DÂN HUYỆN GÒ CÔNG TÂY', 'CHI CỤC KIỂM LÂM']) expect(dir.doubts(n)).toEqual([]);
  });

  it('the place of the name read again on the date line: other marks are checked, the date line spelling taken', () => {
    expect(dir.checkPlaceInName('UỶ BAN NHÂN DÂN XÃ THIÊN HƯNG', 'Thiện Hưng')).toEqual({ name: 'UỶ BAN NHÂN DÂN XÃ THIỆN HƯNG', disagreed: true });
    expect(dir.checkPlaceInName('UBND XÃ THIỆN HƯNG', 'Thiện Hưng')).toEqual({ name: 'UBND XÃ THIỆN HƯNG', disagreed: false });
    expect(dir.checkPlaceInName('SỞ Y TẾ', 'Hà Nội')).toEqual({ name: 'SỞ Y TẾ', disagreed: false });
    // a district spelt as itself on the date line is not the province of the same letters
    expect(dir.repairPlace('Thạnh Hóa')).toBe('Thạnh Hóa');
    expect(dir.repairPlace('Thanh Hoá')).toBe('Thanh Hoá');
  });

  const motto = { right: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' };
  const motto2 = { right: 'Độc lập - Tự do - Hạnh phúc' };
  const page = (header: Row[], place = 'Quảng Ngãi') => buildPage([
    ...header,
    { left: 'Số: 98/2019/NQ-HĐND', right: `${place}, ngày 18 tháng 8 năm 2019`, gap: 40 },
    { centre: 'NGHỊ QUYẾT', gap: 40 },
    { centre: 'Quy định mức hỗ trợ cấp căn cước công dân' },
    { full: 'Nghị quyết này có hiệu lực từ ngày ký./.', gap: 60 },
  ]);

  it('extraction flags an issuer that lost its head line and keeps a whole one unflagged', () => {
    const lost = extractFields([page([{ left: 'TỈNH QUẢNG NGÃI', ...motto }, { ...motto2 }])], { today });
    expect(lost.issuer).toBe('TỈNH QUẢNG NGÃI');
    expect(lost.flagged).toContain('issuer');
    const whole = extractFields([page([{ left: 'HỘI ĐỒNG NHÂN DÂN', ...motto }, { left: 'TỈNH QUẢNG NGÃI', ...motto2 }])], { today });
    expect(whole.issuer).toBe('HỘI ĐỒNG NHÂN DÂN TỈNH QUẢNG NGÃI');
    expect(whole.flagged).not.toContain('issuer');
  });

  it('a doubtful issuer with no parent split off leaves the parent in doubt too (round Q, seed 1432)', () => {
    const r = extractFields([page([{ left: 'BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN', ...motto }, { left: 'TÔONG CỤC LÂM NGHIỆP', ...motto2 }])], { today });
    expect(r.issuerParent).toBeNull();
    expect(r.flagged).toEqual(expect.arrayContaining(['issuer', 'issuerParent']));
  });

  it('extraction takes the date line spelling of a commune and flags the issuer', () => {
    const r = extractFields([page([{ left: 'UỶ BAN NHÂN DÂN', ...motto }, { left: 'XÃ THIÊN HƯNG', ...motto2 }], 'Thiện Hưng')], { today });
    expect(r.issuer).toBe('UỶ BAN NHÂN DÂN XÃ THIỆN HƯNG');
    expect(r.place).toBe('Thiện Hưng');
    expect(r.flagged).toContain('issuer');
    // and the place: either reading may be the wrong one (round Q: "Quang Lạng" for Quang Lang)
    expect(r.flagged).toContain('place');
  });
});

describe('"Nơi nhận" doubts', () => {
  it('a list without its closing "Lưu:" line, merged, cut or garbled items are doubtful', () => {
    expect(recipientDoubts(['Như trên', 'Công an tỉnh'])).not.toEqual([]);
    expect(recipientDoubts(['Như trên, huyện', 'Lưu: VT'])).not.toEqual([]);
    expect(recipientDoubts(['Ủy (b/c)', 'Lưu: VT'])).not.toEqual([]);
    expect(recipientDoubts(['Quốc gia BắcK Kạn', 'Lưu: VT'])).not.toEqual([]);
    expect(recipientDoubts(['Thường trực Tỉnh =- ủy', 'Lưu: VT'])).not.toEqual([]);
    expect(recipientDoubts(['Chi cục Thuế khu vực Ngọc Hồi, 1', 'Lưu: VT'])).not.toEqual([]); // a speck read as a number (round Q)
    expect(recipientDoubts(['Ngân hàng Nhà nước chi nhánh Phú Thọ', 'Ban Quản lý dự án đầu tư xây dựng tỉn', 'Lưu: VT'])).not.toEqual([]);
  });

  it('well-formed lists are not', () => {
    expect(recipientDoubts(['Như trên', 'Website Sở', 'TT HĐND tỉnh (b/c)', 'Đ/c Nguyễn Hoàng Anh Long (để thực hiện)', 'UBND các xã, thị trấn',
      'Như Điều 3', 'Kho bạc Nhà nước Tiểu Cần', 'Lưu: VT, TNMT, Xn(10b)'])).toEqual([]);
  });

  it('the last letter of a place name is no speck', () => {
    expect(repairRecipient('- Chi cục Thuế khu vực Châu Thành A;')).toBe('Chi cục Thuế khu vực Châu Thành A');
    expect(repairRecipient('- Công an tỉnh Ệ')).toBe('Công an tỉnh');
  });

  it('a one-letter word is a word when it pairs with a neighbour ("Y tế"), else a speck', () => {
    expect(recipientDoubts(['Như trên', 'Trung tâm Y tế huyện', 'Lưu: VT, VHTT'])).toEqual([]);
    expect(recipientDoubts(['Như trên', 'Hội Nông dân e tỉnh', 'Lưu: VT'])).toEqual(['unknown word e']);
  });

  it('an abbreviation with a letter no unit initials hold is the one known it is a confusion of; others stay', () => {
    expect(repairRecipient('- Trang TTĐI của Sở;')).toBe('Trang TTĐT của Sở');
    // bodies are named freely: an abbreviation no list holds is kept as read
    expect(repairRecipient('- Trung tâm TTYT huyện;')).toBe('Trung tâm TTYT huyện');
    expect(repairRecipient('- Trung tâm CNTT tỉnh;')).toBe('Trung tâm CNTT tỉnh');
  });

  it('a colon ends no item but the archive head', () => {
    expect(repairRecipient('- Đ/c Bùi Thị Hường:')).toBe('Đ/c Bùi Thị Hường');
    expect(repairRecipient('- Lưu: VT, KT')).toBe('Lưu: VT, KT');
  });
});

describe('running text put back together', () => {
  it('a dash glued to its word at a line end goes on without a space; a dot between words is a speck', () => {
    expect(joinText('giai đoạn 2023- 2028')).toBe('giai đoạn 2023-2028');
    expect(joinText('du lịch cộng đồng.quý II')).toBe('du lịch cộng đồng quý II');
    expect(joinText('Văn hóa - Thể thao')).toBe('Văn hóa - Thể thao');
    expect(joinText('TP.Hồ Chí Minh, v.v.')).toBe('TP.Hồ Chí Minh, v.v.');
  });
});

describe('signature block: the acting head', () => {
  const motto = { right: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' };
  const page = (signature: Row[]) => buildPage([
    { left: 'UBND TỈNH GIA LAI', ...motto },
    { left: 'SỞ XÂY DỰNG', right: 'Độc lập - Tự do - Hạnh phúc' },
    { left: 'Số: 57/TB-SXD', right: 'Gia Lai, ngày 03 tháng 3 năm 2021', gap: 40 },
    { centre: 'THÔNG BÁO', gap: 40 },
    { centre: 'Kết quả kiểm tra an toàn hồ, đập chứa nước' },
    { full: 'Sở Xây dựng thông báo để các cơ quan, đơn vị biết, thực hiện./.', gap: 60 },
    ...signature,
  ]);

  it('"Q. GIÁM ĐỐC" with seal text read under it is the title, not an authority', () => {
    const r = extractFields([page([
      { left: 'Nơi nhận:', right: 'Q. GIÁM ĐỐC', gap: 40 },
      { left: '- Như trên;', right: 'ĐỒNG' },
      { left: '- Lưu: VT, VP.' },
      { right: 'Âu Thị Gấm', gap: 200 },
    ])], { today });
    expect(r).toMatchObject({ authority: null, signerTitle: 'Q. GIÁM ĐỐC', signer: 'Âu Thị Gấm' });
  });
});

describe('"Nơi nhận" items repaired', () => {
  it('the archive line’s colon read as a comma, a "?" in its codes; "Như Điều" without marks; "trên" alone', () => {
    expect(repairRecipient('- Lưu, VT, DT.')).toBe('Lưu: VT, DT');
    expect(repairRecipient('- Lưu: VT, TNMT, TCKH, Na?7b.')).toBe('Lưu: VT, TNMT, TCKH, Na7b');
    expect(repairRecipient('- Như Đieu . 3;')).toBe('Như Điều 3');
    expect(repairRecipient(': trên;')).toBe('Như trên');
    expect(repairRecipient('- Ban Quản lý dự án đầu tư xây dựng tỉnh,;')).toBe('Ban Quản lý dự án đầu tư xây dựng tỉnh');
  });
});

describe('a lost row of "Nơi nhận"', () => {
  const head = segmentOf([{ text: 'Nơi nhận:', confidence: 95, bbox: { x0: 300, y0: 436, x1: 530, y1: 486 } }]);
  it('a gap of about two lines under the head or between rows means a line is missing', () => {
    expect(lostRow(head, [{ y0: 549 }, { y0: 596 }, { y0: 672 }])).toBe(true); // the first item lost
    expect(lostRow(head, [{ y0: 490 }, { y0: 545 }, { y0: 600 }, { y0: 690 }])).toBe(false);
    expect(lostRow(head, [{ y0: 490 }, { y0: 545 }, { y0: 655 }])).toBe(true);
  });
});

describe('the signature block: a deputy with no authority line', () => {
  it('PHÓ … signs for the head: an authority that was not read is flagged', () => {
    const r = extractFields([buildPage([
      { left: 'UBND TỈNH GIA LAI', right: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
      { left: 'SỞ XÂY DỰNG', right: 'Độc lập - Tự do - Hạnh phúc' },
      { left: 'Số: 57/TB-SXD', right: 'Gia Lai, ngày 03 tháng 3 năm 2021', gap: 40 },
      { centre: 'THÔNG BÁO', gap: 40 },
      { centre: 'Kết quả kiểm tra an toàn hồ, đập chứa nước' },
      { full: 'Sở Xây dựng thông báo để các cơ quan, đơn vị biết, thực hiện./.', gap: 60 },
      { left: 'Nơi nhận:', right: 'PHÓ GIÁM ĐỐC', gap: 40 },
      { left: '- Như trên;' },
      { left: '- Lưu: VT, VP.' },
      { right: 'Âu Thị Gấm', gap: 200 },
    ])], { today });
    expect(r.authority).toBeNull();
    expect(r.flagged).toContain('authority');
  });
});

describe('a broken capital read inside an item', () => {
  it('a capital fragment with a vowel mark is no abbreviation: repaired by its neighbours, in the running text’s case', () => {
    expect(repairRecipient('- Phòng Giao dịch Ngân hàng Chính sách xã ỘI huyện;')).toBe('Phòng Giao dịch Ngân hàng Chính sách xã hội huyện');
    expect(repairRecipient('- TT HĐND tỉnh;')).toBe('TT HĐND tỉnh');
    expect(recipientDoubts(['Ban ỘI tỉnh', 'Lưu: VT'])).not.toEqual([]);
  });
});
