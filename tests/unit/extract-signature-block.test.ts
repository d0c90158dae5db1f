import { describe, it, expect } from 'vitest';
import { extractFields } from '../../appliance/extract/extract-fields.js';
import { cleanAuthority, cleanTitle, isUnitHeadTitle } from '../../appliance/extract/titles.js';
import { buildPage, type Row } from '../fixtures/extract/page-builder.js';
import { segmentOf } from '../../appliance/extract/layout.js';
import type { OcrPage, OcrWord } from '../../appliance/ocr/ocr.js';

// The signature block on unseen-like scans: a head title one letter off, a word read twice by the
// re-read, an acting head's "Q." line under "TM." with seal text taken for a title under it.

const today = new Date('2026-11-22');
const header: Row[] = [
  { left: 'UBND TỈNH GIA LAI', right: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
  { left: 'SỞ XÂY DỰNG', right: 'Độc lập - Tự do - Hạnh phúc' },
  { left: 'Số: 57/TB-SXD', right: 'Gia Lai, ngày 03 tháng 3 năm 2021', gap: 40 },
];
const doc = (signature: Row[]) => buildPage([
  ...header,
  { centre: 'THÔNG BÁO', gap: 40 },
  { centre: 'Kết quả kiểm tra an toàn hồ, đập chứa nước' },
  { full: 'Sở Xây dựng thông báo để các cơ quan, đơn vị biết, thực hiện./.', gap: 60 },
  ...signature,
]);

/** The page with one more line of `words` (seal text read as a line of its own), in reading order. */
const withLine = (page: OcrPage, words: OcrWord[]): OcrPage => {
  const { text, bbox, conf } = segmentOf(words);
  return { ...page, lines: [...page.lines, { text, confidence: conf * 100, bbox, words }].sort((a, b) => a.bbox.y0 - b.bbox.y0) };
};

describe('authority head', () => {
  it('one letter off a known title, or a word of it read twice', () => {
    expect(cleanAuthority('KT. GHỦ TỊCH')).toBe('KT. CHỦ TỊCH');
    expect(cleanAuthority('TM. ỦY BAN NHÂN DÂN KT. GHỦ TỊCH')).toBe('TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH');
    expect(cleanAuthority('KT. CHỦ TỊCH CHỦ')).toBe('KT. CHỦ TỊCH');
    // a stroke of the seal read as a dash at the end is no part of the line or title
    expect(cleanAuthority('TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH -')).toBe('TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH');
    expect(cleanTitle('PHÓ CHỦ TỊCH -')).toBe('PHÓ CHỦ TỊCH');
    expect(cleanTitle('GIÁM ĐỐC - CHỦ TỊCH')).toBe('GIÁM ĐỐC - CHỦ TỊCH');
    // a mark or speck read as a token of its own inside the line
    expect(cleanAuthority('TM. ỦY BAN NHÂN DÂN KT. CHỦ : TỊCH')).toBe('TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH');
    expect(cleanAuthority('KT. CHỦ ˆ TỊCH')).toBe('KT. CHỦ TỊCH');
    // a known head, or a TM. body, as read
    expect(cleanAuthority('KT. GIÁM ĐỐC')).toBe('KT. GIÁM ĐỐC');
    expect(cleanAuthority('TM. ỦY BAN NHÂN DÂN')).toBe('TM. ỦY BAN NHÂN DÂN');
    expect(cleanAuthority('TL. BỘ TRƯỞNG')).toBe('TL. BỘ TRƯỞNG');
    // a prefix one letter off is the one prefix it is near; a token near two of them stays as read
    expect(cleanAuthority('TM. ỦY BAN NHÂN DÂN KI. CHỦ TỊCH')).toBe('TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH');
    expect(cleanAuthority('K1. GIÁM ĐỐC')).toBe('KT. GIÁM ĐỐC');
    expect(cleanAuthority('TI. GIÁM ĐỐC')).toBe('TI. GIÁM ĐỐC');
  });
  it('a "Nơi nhận:" line garbled with the "Lưu:" line lost: the head is the row beside the authority line (round Q)', () => {
    const list = [
      { left: '- Ban Quản lý dự án đầu tư xây dựng huyện;', right: 'CHỦ TỊCH' },
      { left: '- Hội Nông dân huyện (b/c);' },
      { left: '- Trang TTĐT huyện;' },
      { right: 'Mạc Đăng Hiến', gap: 200 },
    ];
    for (const head of ['208001 0E', 'Nơinhận:']) {
      const r = extractFields([doc([{ left: head, right: 'TM. ỦY BAN NHÂN DÂN', gap: 40 }, ...list])], { today });
      expect(r.recipients).toEqual(['Ban Quản lý dự án đầu tư xây dựng huyện', 'Hội Nông dân huyện (b/c)', 'Trang TTĐT huyện']);
      expect(r.flagged).toContain('recipients'); // no closing "Lưu:" line
    }
    // a left-margin row beside the authority with no dash item under it is no list's head
    const none = extractFields([doc([{ left: 'Trân trọng./.', right: 'TM. ỦY BAN NHÂN DÂN', gap: 40 }, { right: 'CHỦ TỊCH' }, { right: 'Mạc Đăng Hiến', gap: 200 }])], { today });
    expect(none.recipients).toEqual([]);
  });

  it('words after an item\'s closing ";" on its row are debris, the "Lưu:" line\'s codes are not (round Q)', () => {
    const r = extractFields([doc([
      { left: 'Nơi nhận:', right: 'KT. GIÁM ĐỐC', gap: 40 },
      { left: '- Bảo hiểm xã hội tỉnh; ảnh' },
      { left: '- Bệnh viện Đa khoa tỉnh;', right: 'PHÓ GIÁM ĐỐC' },
      { left: '- Lưu: VT; QLCL, Huấn(6).' },
      { right: 'Trần Duy Doanh', gap: 200 },
    ])], { today });
    expect(r.recipients).toEqual(['Bảo hiểm xã hội tỉnh', 'Bệnh viện Đa khoa tỉnh', 'Lưu: VT, QLCL, Huấn(6)']);
  });

  it('a KT. line read as a fragment over the deputy\'s title: the title stays the deputy\'s, the authority is doubted (round Q)', () => {
    const r = extractFields([doc([
      { left: 'Nơi nhận:', right: 'TM. ỦY BAN NHÂN DÂN', gap: 40 },
      { left: '- Như trên;', right: 'TỊCH' }, // (its "ng." read at 29 % and dropped as debris)
      { left: '- Lưu: VT, VP.', right: 'PHO CHỦ TỊCH' },
      { right: 'Trần Kim Thịnh', gap: 200 },
    ])], { today });
    expect(r.signerTitle).toBe('PHÓ CHỦ TỊCH');
    expect(r.flagged).toContain('authority');
  });
  it('a KT. line read one letter off is still the authority, and the deputy\'s title is under it (held-out 1341)', () => {
    const r = extractFields([doc([
      { left: 'Nơi nhận:', right: 'TM. ỦY BAN NHÂN DÂN', gap: 40 },
      { left: '- Như trên;', right: 'KI. CHỦ TỊCH' },
      { left: '- Lưu: VT, VP.', right: 'PHO CHU TỊCH' },
      { right: 'Trần Ngọc Ly', gap: 200 },
    ])], { today });
    expect(r).toMatchObject({ authority: 'TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH', signerTitle: 'PHÓ CHỦ TỊCH' });
  });
  it('in a page: the title follows the repaired authority', () => {
    const r = extractFields([doc([
      { left: 'Nơi nhận:', right: 'KT. GHỦ TỊCH', gap: 40 },
      { left: '- Lưu: VT, VP.', right: 'PHÓ CHỦ TỊCH' },
      { right: 'Hứa Thanh Tiến', gap: 200 },
    ])], { today });
    expect(r).toMatchObject({ authority: 'KT. CHỦ TỊCH', signerTitle: 'PHÓ CHỦ TỊCH' });
  });

  it('a title whose word boxes the seal stretched down (the line 2.3 lines tall) is still the title', () => {
    const page = doc([
      { left: 'Nơi nhận:', right: 'TL. CHỦ TỊCH', gap: 40 },
      { left: '- Như trên;', right: 'CHÁNH VĂN PHÒNG' },
      { left: '- Lưu: VT, XD.' },
      { right: 'Mai Ngọc Nga', gap: 200 },
    ]);
    // the first word's box reaches 0.6 of a line above and 0.7 below it (seal ink): the row is 2.3 lines tall
    const lines = page.lines.map((l) => (l.text !== 'CHÁNH VĂN PHÒNG' ? l : {
      ...l, words: l.words.map((w, i) => {
        const hw = w.bbox.y1 - w.bbox.y0;
        return i === 0 ? { ...w, bbox: { ...w.bbox, y0: w.bbox.y0 - hw * 0.6, y1: w.bbox.y1 + hw * 0.7 } } : w;
      }),
    }));
    expect(extractFields([{ ...page, lines }], { today })).toMatchObject({ authority: 'TL. CHỦ TỊCH', signerTitle: 'CHÁNH VĂN PHÒNG', signer: 'Mai Ngọc Nga' });
  });
});

describe('acting head under TM.', () => {
  it('"Q. CHỦ TỊCH" under TM. is the title even with seal text read under it', () => {
    const r = extractFields([doc([
      { left: 'Nơi nhận:', right: 'TM. ỦY BAN NHÂN DÂN', gap: 40 },
      { left: '- Như trên;', right: 'Q. CHU TỊCH' },
      { left: '- Lưu: VT, VP.', right: 'WHẦN' },
      { right: 'Từ Kim Tâm', gap: 200 },
    ])], { today });
    expect(r).toMatchObject({ authority: 'TM. ỦY BAN NHÂN DÂN', signerTitle: 'Q. CHỦ TỊCH', signer: 'Từ Kim Tâm' });
  });
  it('seal text read in capitals beside the block, under the title, is no part of the title (held-out 1331)', () => {
    const page = doc([
      { left: 'Nơi nhận:', right: 'TM. ỦY BAN NHÂN DÂN', gap: 40 },
      { left: '- Như trên;', right: 'O. CHỦ TICH' },
      { left: '- Lưu: VT, VP.' },
      { right: 'Từ Kim Tâm', gap: 200 },
    ]);
    // "NHÂN" of the seal ring, just under the title, left of the block's lines
    const title = page.lines.find((l) => l.text === 'O. CHỦ TICH')!;
    const y = title.bbox.y1 + 15;
    const ring = { text: 'NHÂN', confidence: 90, bbox: { x0: title.bbox.x0 - 200, y0: y, x1: title.bbox.x0 - 110, y1: y + 30 } };
    expect(extractFields([withLine(page, [ring])], { today })).toMatchObject({ authority: 'TM. ỦY BAN NHÂN DÂN', signerTitle: 'Q. CHỦ TỊCH' });
  });
  it('its "Q." read as "q." or "O." is still the acting head\'s', () => {
    for (const q of ['q. CHỦ TỊCH', 'O. CHỦ TICH']) {
      const r = extractFields([doc([
        { left: 'Nơi nhận:', right: 'TM. ỦY BAN NHÂN DÂN', gap: 40 },
        { left: '- Như trên;', right: q },
        { left: '- Lưu: VT, VP.' },
        { right: 'Từ Kim Tâm', gap: 200 },
      ])], { today });
      expect(r).toMatchObject({ authority: 'TM. ỦY BAN NHÂN DÂN', signerTitle: 'Q. CHỦ TỊCH', signer: 'Từ Kim Tâm' });
    }
  });
  it('a known title under a Q. authority stays the title', () => {
    const r = extractFields([doc([
      { left: 'Nơi nhận:', right: 'KT. Q. GIÁM ĐỐC', gap: 40 },
      { left: '- Lưu: VT, VP.', right: 'PHÓ GIÁM ĐỐC' },
      { right: 'Lê Văn An', gap: 200 },
    ])], { today });
    expect(r.signerTitle).toBe('PHÓ GIÁM ĐỐC');
  });
});

describe('no signature block found', () => {
  it('the national title taken for the title is dropped and flagged', () => {
    const r = extractFields([doc([
      { left: 'Nơi nhận:', right: 'CỘNG HÒA HỘI CHỦ NGHĨA VIỆN NAM', gap: 40 },
      { left: '- Lưu: VT, VP.' },
      { right: 'Lê Văn An', gap: 200 },
    ])], { today });
    expect(r.signerTitle).toBeNull();
    expect(r.flagged).toEqual(expect.arrayContaining(['signerTitle', 'authority']));
  });
});

describe('one line read as two', () => {
  it('"TM. ỦY BAN NHÂN DÂN" with the seal stretching "TM." over "ỦY BAN" is read left to right (held-out 1341)', () => {
    const page = doc([
      { left: 'Nơi nhận:', right: 'TM. ỦY BAN NHÂN DÂN', gap: 40 },
      { left: '- Như trên;', right: 'CHỦ TỊCH' },
      { left: '- Lưu: VT, VP.' },
      { right: 'Từ Kim Tâm', gap: 200 },
    ]);
    // as read: the box of "TM." reaches over "ỦY BAN", whose "ỦY" the seal made taller
    const lines = page.lines.map((l) => (l.text !== 'TM. ỦY BAN NHÂN DÂN' ? l : {
      ...l, words: l.words.map((w, i) => (i === 0 ? { ...w, bbox: { ...w.bbox, x1: l.words[2]!.bbox.x1 + 2 } }
        : i === 1 ? { ...w, bbox: { ...w.bbox, y0: w.bbox.y0 - 11, y1: w.bbox.y1 + 15 } } : w)),
    }));
    expect(extractFields([{ ...page, lines }], { today })).toMatchObject({ authority: 'TM. ỦY BAN NHÂN DÂN', signerTitle: 'CHỦ TỊCH' });
  });
});

describe('seal text under the title', () => {
  it('capitals under a known title that make it none, and are no title, are left out (dev-font doc-024)', () => {
    const page = doc([
      { left: 'Nơi nhận:', right: 'GIÁM ĐỐC', gap: 40 },
      { left: '- Như trên;' },
      { left: '- Lưu: VT, XD.' },
      { right: 'Trần Hữu Quý', gap: 200 },
    ]);
    // the ring's "SÂN …" read in capitals just under the title, under its left half
    const title = page.lines.find((l) => l.text === 'GIÁM ĐỐC')!;
    const y = title.bbox.y1 - 8;
    const ring = { text: 'SÂN', confidence: 80, bbox: { x0: title.bbox.x0 + 4, y0: y, x1: title.bbox.x0 + 80, y1: y + 44 } };
    const tail = { text: 'Tỷ', confidence: 70, bbox: { x0: title.bbox.x0 + 95, y0: y, x1: title.bbox.x0 + 140, y1: y + 44 } };
    expect(extractFields([withLine(page, [ring, tail])], { today })).toMatchObject({ signerTitle: 'GIÁM ĐỐC', signer: 'Trần Hữu Quý' });
  });
});

describe('a unit head signs under TL. (round R: 1391 doc-006, 1422 doc-009)', () => {
  const signed = (authority: string, title: string) => extractFields([doc([
    { left: 'Nơi nhận:', right: authority, gap: 40 },
    { left: '- Như trên;', right: title },
    { left: '- Lưu: VT, VP.' },
    { right: 'Nguyễn Thị Hà', gap: 200 },
  ])], { today });

  it('a title of the list and the unit\'s name in words of the language is a title, neither doubted', () => {
    const r = signed('TL. CHÁNH VĂN PHÒNG', 'TRƯỞNG PHÒNG HÀNH CHÍNH - TỔ CHỨC');
    expect(r).toMatchObject({ authority: 'TL. CHÁNH VĂN PHÒNG', signerTitle: 'TRƯỞNG PHÒNG HÀNH CHÍNH - TỔ CHỨC' });
    expect(r.flagged).not.toContain('signerTitle');
    expect(r.flagged).not.toContain('authority');
  });

  it('not under KT. or TM., and not with a word no list or lexicon knows', () => {
    expect(isUnitHeadTitle('TRƯỞNG PHÒNG HÀNH CHÍNH - TỔ CHỨC', 'TL. CHÁNH VĂN PHÒNG')).toBe(true);
    expect(isUnitHeadTitle('TRƯỞNG PHÒNG HÀNH CHÍNH - TỔ CHỨC', 'KT. CHÁNH VĂN PHÒNG')).toBe(false);
    expect(isUnitHeadTitle('TRƯỞNG PHÒNG HÀNH CHÍNH - TỔ CHỨC', 'TM. ỦY BAN NHÂN DÂN')).toBe(false);
    expect(isUnitHeadTitle('TRƯỞNG PHÒNG', 'TL. CHÁNH VĂN PHÒNG')).toBe(false); // a title alone is a title of the list
    expect(signed('TL. CHÁNH VĂN PHÒNG', 'TRƯỞNG PHÒNG NGHIỆP VỤ BQXW').flagged).toContain('signerTitle');
  });
});
