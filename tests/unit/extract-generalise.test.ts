import { describe, it, expect } from 'vitest';
import { extractFields, capsDebrisOut } from '../../appliance/extract/extract-fields.js';
import { AgencyDirectory } from '../../appliance/extract/agency-directory.js';
import { resolveTitle, titleFromAuthority } from '../../appliance/extract/titles.js';
import { readName } from '../../appliance/extract/names.js';
import { pageSegments } from '../../appliance/extract/layout.js';
import { buildPage, type Row } from '../fixtures/extract/page-builder.js';
import type { OcrPage } from '../../appliance/ocr/ocr.js';
import { repairText } from '../../appliance/extract/vn-words.js';

// Cases found on unseen-like documents (tests/fixtures/unseen): other agencies, layouts a little
// off the dev corpus's, OCR slips the extractor did not expect.

const motto = { right: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' };
const motto2 = { right: 'Độc lập - Tự do - Hạnh phúc' };
const today = new Date('2026-11-22');

/** A one-page document: header rows, a body line, then the given signature rows. */
function doc(header: Row[], signature: Row[]): OcrPage {
  return buildPage([
    ...header,
    { centre: 'THÔNG BÁO', gap: 40 },
    { centre: 'Kết quả kiểm tra an toàn hồ, đập chứa nước' },
    { full: 'Sở Xây dựng thông báo để các cơ quan, đơn vị biết, thực hiện./.', gap: 60 },
    ...signature,
  ]);
}
const header: Row[] = [
  { left: 'UBND TỈNH GIA LAI', ...motto },
  { left: 'SỞ XÂY DỰNG', ...motto2 },
  { left: 'Số: 57/TB-SXD', right: 'Gia Lai, ngày 03 tháng 3 năm 2021', gap: 40 },
];

/** Moves the words of the line whose text is `text` by dx, dy. */
function shift(page: OcrPage, text: string, dx: number, dy: number): OcrPage {
  const lines = page.lines.map((l) => (l.text !== text ? l : {
    ...l, bbox: { x0: l.bbox.x0 + dx, x1: l.bbox.x1 + dx, y0: l.bbox.y0 + dy, y1: l.bbox.y1 + dy },
    words: l.words.map((w) => ({ ...w, bbox: { x0: w.bbox.x0 + dx, x1: w.bbox.x1 + dx, y0: w.bbox.y0 + dy, y1: w.bbox.y1 + dy } })),
  }));
  return { ...page, lines };
}

describe('signature block beyond the dev corpus', () => {
  it('a minister’s deputy is a vice-minister (KT. BỘ TRƯỞNG → THỨ TRƯỞNG), with its spelling restored', () => {
    expect(titleFromAuthority('KT. BỘ TRƯỞNG')).toBe('THỨ TRƯỞNG');
    expect(resolveTitle('THƯ TRƯỞNG', 0.9, 'KT. BỘ TRƯỞNG').title).toBe('THỨ TRƯỞNG');
    expect(titleFromAuthority('KT. TỔNG CỤC TRƯỞNG')).toBe('PHÓ TỔNG CỤC TRƯỞNG');
  });

  it('a deputy’s title read whole under a "TM." line whose "KT." line was lost stays the deputy’s', () => {
    // round Q (seed 1411): the KT. CHỦ TỊCH line read as seal debris, "PHO CHỦ TỊCH" under it
    expect(resolveTitle('PHO CHỦ TỊCH', 0.95, 'TM. ỦY BAN NHÂN DÂN').title).toBe('PHÓ CHỦ TỊCH');
    expect(resolveTitle('CHỦ TỊCH', 0.95, 'TM. ỦY BAN NHÂN DÂN').title).toBe('CHỦ TỊCH');
  });

  it('an acting head’s "Q." line with no title under it is the title', () => {
    const r = extractFields([doc(header, [
      { left: 'Nơi nhận:', right: 'Q. GIÁM ĐỐC', gap: 40 },
      { left: '- Lưu: VT, VP.' },
      { right: 'Âu Thị Gấm', gap: 200 },
    ])], { today });
    expect(r).toMatchObject({ authority: null, signerTitle: 'Q. GIÁM ĐỐC', signer: 'Âu Thị Gấm' });
    const r2 = extractFields([doc(header, [
      { left: 'Nơi nhận:', right: 'TM. ỦY BAN NHÂN DÂN', gap: 40 },
      { left: '- Lưu: VT, VP.', right: 'Q. CHỦ TỊCH' },
      { right: 'Khúc Văn Sáng', gap: 200 },
    ])], { today });
    expect(r2).toMatchObject({ authority: 'TM. ỦY BAN NHÂN DÂN', signerTitle: 'Q. CHỦ TỊCH', signer: 'Khúc Văn Sáng' });
  });

  it('an authority line whose dot was lost or behind a speck is still one ("KT CHỦ TỊCH", "“_ KT.CHÁNH THANH TRA")', () => {
    const r = extractFields([doc(header, [
      { left: 'Nơi nhận:', right: 'TM. ỦY BAN NHÂN DÂN', gap: 40 },
      { left: '- Như trên;', right: 'KT CHỦ TỊCH' },
      { left: '- Lưu: VT, KT.', right: 'PHO CHU TỊCH' },
      { right: 'Trương Tuấn Khôi', gap: 200 },
    ])], { today });
    expect(r).toMatchObject({ authority: 'TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH', signerTitle: 'PHÓ CHỦ TỊCH' });
    const r2 = extractFields([doc(header, [
      { left: 'Nơi nhận:', right: '“_ KT.CHÁNH THANH TRA', gap: 40 },
      { left: '- Lưu: VT, TCCB.', right: 'PHÓ CHÁNH THANH TRA' },
      { right: 'Nguyễn Thanh Nga', gap: 200 },
    ])], { today });
    expect(r2).toMatchObject({ authority: 'KT. CHÁNH THANH TRA', signerTitle: 'PHÓ CHÁNH THANH TRA' });
  });

  it('the block’s first line may sit a little above "Nơi nhận:" (bigger type, top-aligned)', () => {
    const page = shift(doc(header, [
      { left: 'Nơi nhận:', right: 'TM. ỦY BAN NHÂN DÂN', gap: 40 },
      { left: '- Lưu: VT, VP.', right: 'CHỦ TỊCH' },
      { right: 'Lã Văn Hùng', gap: 200 },
    ]), 'TM. ỦY BAN NHÂN DÂN', 0, -60);
    expect(extractFields([page], { today })).toMatchObject({ authority: 'TM. ỦY BAN NHÂN DÂN', signerTitle: 'CHỦ TỊCH' });
  });

  it('a band read twice gives each word once', () => {
    const page = doc(header, [
      { left: 'Nơi nhận:', right: 'GIÁM ĐỐC', gap: 40 },
      { left: '- Lưu: VT, VP.' },
      { right: 'Hồ Tuấn Phát', gap: 200 },
    ]);
    const twice = { ...page, lines: [...page.lines, ...page.lines.filter((l) => l.text === 'GIÁM ĐỐC' || l.text === 'Hồ Tuấn Phát')] };
    expect(pageSegments(twice).filter((s) => s.text === 'Hồ Tuấn Phát')).toHaveLength(1);
    expect(extractFields([twice], { today })).toMatchObject({ signerTitle: 'GIÁM ĐỐC', signer: 'Hồ Tuấn Phát' });
  });

  it('the first syllable of a name is a family name: same letters, the surname wins', () => {
    expect(readName('Đỉnh Hữu Tiến').name).toBe('Đinh Hữu Tiến');
    expect(readName('Đinh Hữu Tiến').valid).toBe(true);
  });

  it('a given name no list holds but Vietnamese spells is kept as read, never "repaired" into a listed one (hunspell-vi)', () => {
    expect(readName('Lê Ngọc Gấm')).toEqual({ name: 'Lê Ngọc Gấm', conf: 0.9, valid: true });
    // a listed given name with the same letters: kept as read, in doubt
    expect(readName('Trần Văn Hiểu')).toEqual({ name: 'Trần Văn Hiểu', conf: 0.5, valid: false });
    // "Thều" is a surname only: no rival for the given name last, still one for a middle name
    expect(readName('Nguyễn Hồng Thêu')).toEqual({ name: 'Nguyễn Hồng Thêu', conf: 0.9, valid: true });
    expect(readName('Nguyễn Thêu Hồng').valid).toBe(false);
    // no syllable is spelt "Ngoc": the one listed name with its letters
    expect(readName('Trần Ngoc Lan').name).toBe('Trần Ngọc Lan');
    // no syllable at all: the one listed name a letter away, in doubt; none: unknown
    expect(readName('Bùi Frong Bình')).toEqual({ name: 'Bùi Trọng Bình', conf: 0.6, valid: true });
    expect(readName('Trần Ngọc Lqxn').conf).toBe(0.5);
    // given names the syllable list lacks ("my") are listed: never made into "Mỹ"
    expect(readName('Lương Quỳnh My')).toEqual({ name: 'Lương Quỳnh My', conf: 1, valid: true });
  });
});

describe('header beyond the dev corpus', () => {
  it('splits a parent line run into the national title ("… TỈNH BẮC CỘNG HÒA …") and a "Số:" run into the date line', () => {
    const base = buildPage([
      { full: 'UỶ BAN NHÂN DÂN TỈNH BẮC' },
      { left: 'NINH', ...motto2 },
      { left: 'VĂN PHÒNG' },
      { left: 'Số: 1320/BC-VPUBND', gap: 40 },
      { centre: 'BÁO CÁO', gap: 40 },
      { centre: 'Kết quả tổ chức Đại hội Thể dục thể thao năm 2016' },
      { full: 'Trên đây là báo cáo của Văn phòng./.', gap: 60 },
    ]);
    // the national title and the date line printed right after the left column's text, in one run
    const join = (p: OcrPage, lineText: string, extra: string): OcrPage => {
      const lines = p.lines.map((l) => {
        if (l.text !== lineText) return l;
        let x = 1320; const words = [...l.words];
        for (const t of extra.split(' ')) { words.push({ text: t, confidence: 95, bbox: { x0: x, y0: l.bbox.y0, x1: x + t.length * 22, y1: l.bbox.y1 } }); x += (t.length + 1) * 22; }
        return { ...l, text: `${l.text} ${extra}`, words, bbox: { ...l.bbox, x1: x } };
      });
      return { ...p, lines };
    };
    let page = join(base, 'UỶ BAN NHÂN DÂN TỈNH BẮC', 'CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    page = shift(page, 'Số: 1320/BC-VPUBND', 0, 0);
    page = join(page, 'Số: 1320/BC-VPUBND', 'Bắc Ninh, ngày 10 tháng 7 năm 2016');
    const r = extractFields([page], { today });
    expect(r).toMatchObject({ issuerParent: 'UỶ BAN NHÂN DÂN TỈNH BẮC NINH', issuer: 'VĂN PHÒNG', numberNotation: '1320/BC-VPUBND', place: 'Bắc Ninh', date: '2016-07-10' });
  });

  it('an italic date line whose word boxes overlap ("tháng" over the "4") is one line', () => {
    const page = buildPage([...header.slice(0, 2), { left: 'Số: 57/TB-SXD', right: 'Gia Lai, ngày 03 tháng 4 năm 2021', gap: 40 },
      { centre: 'THÔNG BÁO', gap: 40 }, { centre: 'Kết quả kiểm tra an toàn hồ, đập chứa nước' }, { full: 'Sở Xây dựng thông báo để biết./.', gap: 60 }]);
    const lines = page.lines.map((l) => (!l.text.startsWith('Gia Lai') ? l : {
      ...l, words: l.words.map((w, i, all) => (w.text === 'tháng' ? { ...w, bbox: { ...w.bbox, x1: all[i + 1]!.bbox.x0 + 25 } } : w)),
    }));
    expect(extractFields([{ ...page, lines }], { today })).toMatchObject({ place: 'Gia Lai', date: '2021-04-03', summary: 'Kết quả kiểm tra an toàn hồ, đập chứa nước' });
  });

  it('a date line whose year wrapped onto the next line (a long place) is read whole; the summary starts under it', () => {
    const r = extractFields([buildPage([
      { left: 'ỦY BAN NHÂN DÂN', ...motto },
      { left: 'TỈNH THỪA THIÊN HUẾ', ...motto2 },
      { left: 'Số: 1601/UBND', right: 'Thừa Thiên Huế, ngày 20 tháng 01 năm', gap: 40 },
      { left: 'V/v cung cấp số liệu về', right: '2019' },
      { left: 'xây dựng trường học' },
      { full: 'Kính gửi: Sở Xây dựng.', gap: 40 },
      { full: 'Ủy ban nhân dân tỉnh đề nghị Sở cung cấp số liệu./.', gap: 40 },
    ])], { today });
    expect(r).toMatchObject({ place: 'Thừa Thiên Huế', date: '2019-01-20', summary: 'cung cấp số liệu về xây dựng trường học' });
  });

  it('a city\'s place spelt with its kind ("Thành phố Hồ Chí Minh, ngày …") is no doubt; a place with another lower-case word is', () => {
    const page = (place: string) => buildPage([
      { left: 'ỦY BAN NHÂN DÂN', ...motto },
      { left: 'THÀNH PHỐ HỒ CHÍ MINH', ...motto2 },
      { left: 'Số: 18/QĐ-UBND', right: `${place}, ngày 01 tháng 4 năm 2025`, gap: 40 },
      { centre: 'QUYẾT ĐỊNH', gap: 40 }, { centre: 'Về việc ban hành quy chế làm việc' },
      { full: 'Quyết định này có hiệu lực kể từ ngày ký./.', gap: 60 },
    ]);
    const r = extractFields([page('Thành phố Hồ Chí Minh')], { today });
    expect(r).toMatchObject({ place: 'Thành phố Hồ Chí Minh', date: '2025-04-01' });
    expect(r.flagged).not.toContain('place');
    expect(extractFields([page('Hồ Chí minh')], { today }).flagged).toContain('place');
  });

  it('a speck read as "-" left of the summary\'s first line is not the summary', () => {
    const page = buildPage([...header, { centre: 'THÔNG BÁO', gap: 40 }, { centre: 'Kết quả kiểm tra an toàn hồ, đập chứa nước' },
      { full: 'Sở Xây dựng thông báo để biết./.', gap: 60 }]);
    const first = page.lines.find((l) => l.text.startsWith('Kết quả'))!;
    const box = { x0: first.bbox.x0 - 60, y0: first.bbox.y0 - 4, x1: first.bbox.x0 - 50, y1: first.bbox.y0 + 2 };
    const specked = { ...page, lines: [...page.lines, { text: '-', confidence: 40, bbox: box, words: [{ text: '-', confidence: 40, bbox: box }] }] };
    expect(extractFields([specked], { today }).summary).toBe('Kết quả kiểm tra an toàn hồ, đập chứa nước');
  });

  it('the body right under a centred summary (a biên bản\'s "Hôm nay, …", indented) is not the summary', () => {
    const r = extractFields([buildPage([
      ...header,
      { centre: 'BIÊN BẢN', gap: 40 },
      { centre: 'Kiểm tra đăng ký khai sinh, khai tử' },
      { full: '      Hôm nay, vào hồi 11 giờ 30 phút, ngày 31/10/2023, tại trụ sở Ủy ban nhân dân xã tiến hành kiểm tra' },
      { full: 'đăng ký khai sinh, khai tử./.' },
    ])], { today });
    expect(r.summary).toBe('Kiểm tra đăng ký khai sinh, khai tử');
  });

  it('a number with a digit the OCR found nearly as likely another ("822": 2 at 76, 5 at 46) is flagged', () => {
    const withChoices = (runnerUp: number): OcrPage => {
      const page = buildPage([...header.slice(0, 2), { left: 'Số: 822/TB-SXD', right: 'Gia Lai, ngày 03 tháng 3 năm 2021', gap: 40 },
        { centre: 'THÔNG BÁO', gap: 40 }, { centre: 'Kết quả kiểm tra an toàn hồ, đập chứa nước' }, { full: 'Sở Xây dựng thông báo để biết./.', gap: 60 }]);
      const lines = page.lines.map((l) => ({ ...l, words: l.words.map((w) => (w.text !== '822/TB-SXD' ? w : {
        ...w, choices: [...w.text].map((ch, i) => [{ text: ch, confidence: i === 1 ? 76 : 95 }, ...(i === 1 ? [{ text: '5', confidence: runnerUp }] : [])]),
      })) }));
      return { ...page, lines };
    };
    const doubtful = extractFields([withChoices(46)], { today });
    expect(doubtful.numberNotation).toBe('822/TB-SXD');
    expect(doubtful.flagged).toEqual(expect.arrayContaining(['numberNotation', 'number']));
    expect(extractFields([withChoices(20)], { today }).flagged).not.toContain('number');
  });

  it('a header speck tesseract gave 0 % is dropped (round Q: "THỦ THỪA NC")', () => {
    const page = doc([
      { left: 'UỶ BAN NHÂN DÂN', ...motto },
      { left: 'HUYỆN THỦ THỪA NC', ...motto2 },
      { left: 'Số: 57/TB-UBND', right: 'Thủ Thừa, ngày 03 tháng 3 năm 2021', gap: 40 },
    ], [
      { left: 'Nơi nhận:', right: 'TM. ỦY BAN NHÂN DÂN', gap: 40 },
      { left: '- Như trên;', right: 'CHỦ TỊCH' },
      { left: '- Lưu: VT.' },
      { right: 'Trần Văn Nam', gap: 200 },
    ]);
    const lines = page.lines.map((l) => ({ ...l, words: l.words.map((w) => (w.text === 'NC' ? { ...w, confidence: 0 } : w)) }));
    const r = extractFields([{ ...page, lines }], { today });
    expect(r.issuer).toBe('UỶ BAN NHÂN DÂN HUYỆN THỦ THỪA');
  });

  it('a level word glued to a one-letter place word is split ("HUYỆNA LƯƠI" → HUYỆN A LƯỚI)', () => {
    expect(AgencyDirectory.builtIn().splitHeader(['ỦY BAN NHÂN DÂN', 'HUYỆNA LƯƠI', 'PHÒNG NỘI VỤ']))
      .toEqual({ parent: 'ỦY BAN NHÂN DÂN HUYỆN A LƯỚI', issuer: 'PHÒNG NỘI VỤ' });
  });

  it('a known name with one long word broken past any syllable is that name; a word Vietnamese spells is not snapped', () => {
    const dir = AgencyDirectory.builtIn();
    expect(dir.snapToEntry('BAN QUẢN LÝ CÁC KHU CÔNG NGHITTP')).toBe('BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP');
    expect(dir.snapToEntry('BAN QUẢN LÝ CÁC KHU CÔNG NGHỆ')).toBe('BAN QUẢN LÝ CÁC KHU CÔNG NGHỆ');
    // the words of a known name out of order (a skewed line), a comma kept where the name has it
    expect(dir.snapToEntry('SỞ KHOA HỌC CÔNG VÀ NGHỆ')).toBe('SỞ KHOA HỌC VÀ CÔNG NGHỆ');
    expect(dir.snapToEntry('SỞ THAO HÓA, VĂN THỂ VÀ DU LỊCH')).toBe('SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH');
    // a word broken in two with a letter misread on the way ("THƯƠNG" as "THỰC ƠNG")
    expect(dir.snapToEntry('SƠ CÔNG THỰC ƠNG')).toBe('SỞ CÔNG THƯƠNG');
    expect(dir.snapToEntry('SỞ CÔNG THƯƠNG ĐÔNG')).toBe('SỞ CÔNG THƯƠNG ĐÔNG');
  });

  it('a district office of the decree read without its marks is restored ("PHÒNG QUAN LÝ ĐO THỊ")', () => {
    const r = extractFields([doc([
      { left: 'UBND THÀNH PHỐ VINH', ...motto },
      { left: 'PHÒNG QUAN LÝ ĐO THỊ', ...motto2 },
      { left: 'Số: 57/TB-QLĐT', right: 'Nghệ An, ngày 03 tháng 3 năm 2021', gap: 40 },
    ], [{ left: 'Nơi nhận:', right: 'TRƯỞNG PHÒNG', gap: 40 }, { left: '- Lưu: VT.' }, { right: 'Nguyễn Văn An', gap: 200 }])], { today });
    expect(r.issuer).toBe('PHÒNG QUẢN LÝ ĐÔ THỊ');
  });

  it('the national title glued to the parent\'s last word ("… THỂ THAO VÀCỘNG HOÀ …") is cut off it', () => {
    const page = buildPage([
      { left: 'PARENT' },
      { left: 'DU LỊCH', ...motto2 },
      { left: 'CỤC DI SẢN VĂN HÓA' },
      { left: 'Số: 934/BB-DSVH', right: 'Hà Nội, ngày 16 tháng 7 năm 2016', gap: 40 },
      { centre: 'BIÊN BẢN', gap: 40 },
      { centre: 'Kiểm tra công tác bảo tồn di tích' },
      { full: 'Biên bản lập xong lúc 11 giờ cùng ngày./.', gap: 60 },
    ]);
    // the first row as the scan gave it: word boxes of a 300-dpi page
    const boxes: Array<[string, number, number]> = [['BỘ', 373, 443], ['VĂN', 460, 570], ['HÓA,', 588, 716], ['THỂ', 735, 841], ['THAO', 859, 1008],
      ['VÀCỘNG', 1025, 1261], ['HOÀ', 1278, 1404], ['XÃ', 1418, 1498], ['HỘI', 1514, 1619], ['CHỦ', 1638, 1755], ['NGHĨA', 1771, 1961], ['VIỆT', 1975, 2105], ['NAM', 2121, 2252]];
    const lines = page.lines.map((l) => (l.text !== 'PARENT' ? l : {
      ...l, text: boxes.map((b) => b[0]).join(' '),
      words: boxes.map(([text, x0, x1]) => ({ text, confidence: 95, bbox: { x0, x1, y0: l.bbox.y0, y1: l.bbox.y1 } })),
      bbox: { ...l.bbox, x0: 373, x1: 2252 },
    }));
    expect(extractFields([{ ...page, lines }], { today })).toMatchObject({ issuerParent: 'BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH', issuer: 'CỤC DI SẢN VĂN HÓA' });
  });

  it('joins wrapped agency names: a one-word line, a line completing a known name; restores known names’ letters', () => {
    const dir = AgencyDirectory.builtIn();
    expect(dir.splitHeader(['UBND THỊ XÃ BỈM SƠN', 'PHÒNG TÀI NGUYÊN VÀ MÔI', 'TRƯỜNG']))
      .toEqual({ parent: 'UBND THỊ XÃ BỈM SƠN', issuer: 'PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG' });
    expect(dir.splitHeader(['ỦY BAN NHÂN DÂN TỈNH SƠN LA', 'VAN PHONG'])).toEqual({ parent: 'ỦY BAN NHÂN DÂN TỈNH SƠN LA', issuer: 'VĂN PHÒNG' });
    expect(dir.splitHeader(['UỶ BAN NHÂN DÂN', 'THỊ TRẬN NAM ĐÀN']).issuer).toBe('UỶ BAN NHÂN DÂN THỊ TRẤN NAM ĐÀN');
    expect(dir.splitHeader(['ỦY BAN NHÂN DÂN TỈNHSƠN LA', 'SỞ Y TẾ']).parent).toBe('ỦY BAN NHÂN DÂN TỈNH SƠN LA');
  });

  it('drops underline and seal debris from agency lines, keeps the dash of a name', () => {
    expect(capsDebrisOut('BỘ TÀI NGUYÊN VÀ MÔI__ TRƯỜNG')).toBe('BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG');
    expect(capsDebrisOut('BỘ GIÁO DỤC VÀ ĐÀO TẠO _')).toBe('BỘ GIÁO DỤC VÀ ĐÀO TẠO');
    expect(capsDebrisOut('SỞ LAO ĐỘNG - THƯƠNG BINH')).toBe('SỞ LAO ĐỘNG - THƯƠNG BINH');
  });

  it('joins the pieces of one skewed agency line left to right', () => {
    const page = shift(buildPage([
      { left: 'UBND TỈNH ĐỒNG THÁP', ...motto },
      { left: 'SỞ CÔNG THƯƠNG', ...motto2 },
      { left: 'Số: 1235/KH-SCT', right: 'Đồng Tháp, ngày 05 tháng 5 năm 2022', gap: 40 },
      { centre: 'KẾ HOẠCH', gap: 40 },
      { centre: 'Kiểm tra an toàn thực phẩm năm 2022' },
      { full: 'Yêu cầu các cơ quan, đơn vị triển khai thực hiện./.', gap: 60 },
    ]), 'UBND TỈNH ĐỒNG THÁP', 0, 0);
    // "THÁP" read a little higher than "ĐỒNG", as a segment of its own
    const lines = page.lines.flatMap((l) => {
      if (l.text !== 'UBND TỈNH ĐỒNG THÁP') return [l];
      const a = l.words.slice(0, 3); const b = l.words.slice(3).map((w) => ({ ...w, bbox: { ...w.bbox, x0: w.bbox.x0 + 10, x1: w.bbox.x1 + 10, y0: w.bbox.y0 - 18, y1: w.bbox.y1 - 18 } }));
      return [{ ...l, words: a, text: 'UBND TỈNH ĐỒNG' }, { ...l, words: b, text: 'THÁP', bbox: b[0]!.bbox }];
    });
    expect(extractFields([{ ...page, lines }], { today }).issuerParent).toBe('UBND TỈNH ĐỒNG THÁP');
  });
});

describe('"Nơi nhận" beyond the dev corpus', () => {
  it('finds the list when its bold italic head is garbled, from the body end ("./.") and the "Lưu:" line', () => {
    const r = extractFields([doc(header, [
      { left: 'Nai trai', right: 'KT. GIÁM ĐỐC', gap: 40, conf: 40 },
      { left: '- Hội Nông dân huyện (b/c);', right: 'PHÓ GIÁM ĐỐC' },
      { left: '- Chi cục Thuế khu vực Tam Điệp;' },
      { left: '- Lưu: VT, VN.' },
      { right: 'Trương Trung Phụng', gap: 200 },
    ])], { today });
    expect(r).toMatchObject({ authority: 'KT. GIÁM ĐỐC', signerTitle: 'PHÓ GIÁM ĐỐC', recipients: ['Hội Nông dân huyện (b/c)', 'Chi cục Thuế khu vực Tam Điệp', 'Lưu: VT, VN'] });
  });

  it('finds the list under a head one letter off with seal debris after it ("Nai nhận: tình ä")', () => {
    const r = extractFields([doc(header, [
      { left: 'Nai nhận: tình ä', right: 'GIÁM ĐỐC', gap: 40 },
      { left: '- Hội Nông dân huyện;' },
      { left: '- Lưu: VT, VN.' },
      { right: 'Trương Trung Phụng', gap: 200 },
    ])], { today });
    expect(r.recipients).toEqual(['Hội Nông dân huyện', 'Lưu: VT, VN']);
  });

  it('finds the list when a skewed page glues the first item\'s dash to a garbled head ("M. L nhận. -")', () => {
    const r = extractFields([doc(header, [
      { left: 'M. L nhận. -', right: 'KT. GIÁM ĐỐC', gap: 40, conf: 60 },
      { left: '- Công an huyện;', right: 'PHÓ GIÁM ĐỐC' },
      { left: '- Lưu: VT, VN.' },
      { right: 'Trương Trung Phụng', gap: 200 },
    ])], { today });
    expect(r.recipients).toEqual(['Công an huyện', 'Lưu: VT, VN']);
  });

  it('a speck read as letters on a word of an item does not take its place ("TỦ" on "phòng")', () => {
    const page = doc(header, [
      { left: 'Nơi nhận:', right: 'GIÁM ĐỐC', gap: 40 },
      { left: '- Bộ Chỉ huy Bộ đội Biên phòng tỉnh;' },
      { left: '- Lưu: VT, VN.' },
      { right: 'Trương Trung Phụng', gap: 200 },
    ]);
    const word = page.lines.flatMap((l) => l.words).find((w) => w.text === 'phòng')!;
    const x = (word.bbox.x0 + word.bbox.x1) / 2;
    const speck = { text: 'TỦ', confidence: 30, bbox: { x0: x, y0: word.bbox.y0, x1: x + 5, y1: word.bbox.y0 + 5 } };
    const specked = { ...page, lines: [...page.lines, { text: 'TỦ', confidence: 30, bbox: speck.bbox, words: [speck] }] };
    expect(extractFields([specked], { today }).recipients).toEqual(['Bộ Chỉ huy Bộ đội Biên phòng tỉnh', 'Lưu: VT, VN']);
  });

  it('keeps the end of an item read apart from its row past the column\'s start ("… và" | "Truyền thông")', () => {
    const page = doc(header, [
      { left: 'Nơi nhận:', right: 'TM. ỦY BAN NHÂN DÂN', gap: 40 },
      { left: '- Trung tâm Văn hóa - Thể thao và Truyền thông', right: 'CHỦ TỊCH' },
      { left: 'huyện;' },
      { left: '- Lưu: VT.' },
      { right: 'Mạc Thị Thêu', gap: 200 },
    ]);
    // tesseract gave the last two words a line of their own, apart from the row (a speck over
    // them split it): a gap a little wider than segments allow
    const lines = page.lines.flatMap((l) => {
      if (!l.text.startsWith('- Trung tâm')) return [l];
      const cut = l.words.findIndex((w) => w.text === 'Truyền');
      const a = l.words.slice(0, cut);
      const h = l.words[cut]!.bbox.y1 - l.words[cut]!.bbox.y0;
      const dx = a[a.length - 1]!.bbox.x1 + h * 2.35 - l.words[cut]!.bbox.x0;
      const b = l.words.slice(cut).map((w) => ({ ...w, bbox: { ...w.bbox, x0: w.bbox.x0 + dx, x1: w.bbox.x1 + dx } }));
      const box = (ws: typeof a) => ({ x0: ws[0]!.bbox.x0, y0: ws[0]!.bbox.y0, x1: ws[ws.length - 1]!.bbox.x1, y1: ws[0]!.bbox.y1 });
      return [{ ...l, words: a, text: a.map((w) => w.text).join(' '), bbox: box(a) }, { ...l, words: b, text: 'Truyền thông', bbox: box(b) }];
    });
    const split = lines.find((l) => l.text === 'Truyền thông')!;
    expect(split.bbox.x0).toBeGreaterThan(page.width * 0.35);
    expect(extractFields([{ ...page, lines }], { today }).recipients).toEqual(['Trung tâm Văn hóa - Thể thao và Truyền thông huyện', 'Lưu: VT']);
  });

  it('keeps a long item reaching past the page middle', () => {
    const page = doc(header, [
      { left: 'Nơi nhận:', right: 'GIÁM ĐỐC', gap: 40 },
      { full: '- Ban Quản lý dự án đầu tư xây dựng huyện;' },
      { left: '- Lưu: VT.' },
      { right: 'Mạc Thị Thêu', gap: 200 },
    ]);
    const item = page.lines.find((l) => l.text.startsWith('- Ban Quản lý'))!;
    expect(item.bbox.x1).toBeGreaterThan(page.width * 0.5);
    expect(extractFields([page], { today }).recipients).toEqual(['Ban Quản lý dự án đầu tư xây dựng huyện', 'Lưu: VT']);
  });

  it('names of bodies and common administrative compounds are vocabulary: no "repair" away from them', () => {
    expect(repairText('Hội Chữ thập đỏ tỉnh').text).toBe('Hội Chữ thập đỏ tỉnh');
    expect(repairText('phát triển chợ truyền thống năm 2021').text).toBe('phát triển chợ truyền thống năm 2021');
    expect(repairText('Ban Tuyền giáo Tỉnh ủy').text).toBe('Ban Tuyên giáo Tỉnh ủy');
  });
});
