import { describe, expect, it } from 'vitest';
import { pageSegments, segmentOf, type Segment } from '../../appliance/extract/layout.js';
import { repairPlaceInAgency } from '../../appliance/extract/places.js';
import { cleanAuthority } from '../../appliance/extract/titles.js';
import { checkCode, copyCount, notationCodesDoubtful, recipientDoubts, recipientRows, repairArchive, repairNotationCodes, rowLooksRight, unclosedRows } from '../../appliance/extract/recipients.js';
import { extractFields } from '../../appliance/extract/extract-fields.js';
import { buildPage, type Row } from '../fixtures/extract/page-builder.js';
import { lostRowLooksRight, missingRowBands } from '../../appliance/extract/reread-recipients.js';
import { lostRow, repairRecipient } from '../../appliance/extract/recipient-list.js';
import type { OcrLine, OcrPage, OcrWord, SymbolChoice } from '../../appliance/ocr/ocr.js';

// Cases of the generated sets looked at in round O (tests/fixtures/unseen/README.md), with the
// coordinates tesseract gave on those pages.

const word = (text: string, x0: number, x1: number, y0: number, y1: number, confidence = 93, choices?: SymbolChoice[][]): OcrWord =>
  ({ text, confidence, bbox: { x0, x1, y0, y1 }, ...(choices ? { choices } : {}) });
const page = (words: OcrWord[][], width = 1653, height = 2339): OcrPage => {
  const lines: OcrLine[] = words.map((ws) => ({ ...segmentOf(ws), confidence: 90, words: ws }));
  return { imagePath: 'x.png', width, height, dpi: 200, rotation: 0, blank: false, text: lines.map((l) => l.text).join('\n'), lines };
};
/** A công văn of a people's committee of `place` (its second header line) ending with `tail` (Nơi nhận, signature). */
const letter = (unit: string, place: string, tail: Row[]): OcrPage => buildPage([
  { left: 'ỦY BAN NHÂN DÂN', right: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' }, { left: unit, right: 'Độc lập - Tự do - Hạnh phúc' },
  { left: 'Số: 12/UBND-VP', right: `${place}, ngày 2 tháng 3 năm 2024`, gap: 40 }, { left: 'V/v triển khai phần mềm' },
  { full: 'Đề nghị các cơ quan, đơn vị thực hiện./.', gap: 60 }, ...tail,
]);
/** Choices of a word whose every symbol is sure, but for `at`, whose choices are `alts`. */
const choicesOf = (text: string, at: number, alts: Array<[string, number]>): SymbolChoice[][] =>
  [...text].map((ch, i) => (i === at ? alts.map(([t, c]) => ({ text: t, confidence: c })) : [{ text: ch, confidence: 95 }]));

describe('rows of a page', () => {
  it('a speck that joined a row first does not push a full word it overlaps out of the row (1381 doc-025: "SỞ - TIN VÀ TRUYỀN THÔNG THÔNG")', () => {
    const segs = pageSegments(page([
      [word('-', 379, 391, 278, 284, 62), word('LONGAN', 423, 586, 239, 265, 89), word('Độc', 873, 944, 238, 274), word('lập', 956, 1016, 238, 276)],
      [word('SỞ', 258, 308, 277, 313), word('THÔNG', 318, 454, 287, 313), word('TIN', 465, 531, 287, 330), word('VÀ', 541, 590, 279, 313), word('TRUYỀN', 600, 752, 280, 313)],
      [word('THONG', 436, 572, 332, 358, 88)],
    ]));
    expect(segs.map((s) => s.text)).toContain('SỞ THÔNG TIN VÀ TRUYỀN');
    expect(segs.find((s) => s.text.startsWith('SỞ'))!.text).toBe('SỞ THÔNG TIN VÀ TRUYỀN');
  });
});

describe('the place of an agency line', () => {
  it('keeps the printed tone placement of a place read glued ("HOÀBÌNH" → "HOÀ BÌNH", not the list\'s "HÒA BÌNH")', () => {
    expect(repairPlaceInAgency('UỶ BAN NHÂN DÂN TỈNH HOÀBÌNH').line).toBe('UỶ BAN NHÂN DÂN TỈNH HOÀ BÌNH');
    expect(repairPlaceInAgency('UBND TỈNH KHANH HOA').line).toBe('UBND TỈNH KHÁNH HÒA');
    expect(repairPlaceInAgency('ỦY BAN NHÂN DÂN TĨNH LÂM ĐÔNG').line).toBe('ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG');
  });
});

describe('the "Lưu:" line', () => {
  it('reads a drafter\'s copy count as digits: a letter takes the best digit offered, doubtful when a second digit is close', () => {
    expect(copyCount(word('Lệ(Bb).', 0, 1, 0, 1, 72, choicesOf('Lệ(Bb).', 3, [['B', 92], ['5', 76]])))).toEqual({ text: 'Lệ(5b).', doubtful: false });
    expect(copyCount(word('Nt(Bb).', 0, 1, 0, 1, 72, choicesOf('Nt(Bb).', 3, [['B', 93], ['6', 69], ['5', 66], ['8', 36]])))).toEqual({ text: 'Nt(6b).', doubtful: true });
    expect(copyCount(word('Tươi(@).', 0, 1, 0, 1, 46, choicesOf('Tươi(@).', 5, [['@', 90], ['G', 66]])))).toEqual({ text: 'Tươi(@).', doubtful: true });
    // a digit read stays, whatever digit is behind it
    expect(copyCount(word('Tùng(5).', 0, 1, 0, 1, 90, choicesOf('Tùng(5).', 5, [['5', 90], ['8', 80]])))).toEqual({ text: 'Tùng(5).', doubtful: false });
    // twenty copies or more: no archive keeps them ("Cương(77)" was a 7 read twice, round Q)
    expect(copyCount(word('Cương(77).', 0, 1, 0, 1, 90, choicesOf('Cương(77).', 6, [['7', 90]])))).toEqual({ text: 'Cương(77).', doubtful: true });
    expect(copyCount(word('Ng(10b).', 0, 1, 0, 1, 90, choicesOf('Ng(10b).', 3, [['1', 90]])))).toEqual({ text: 'Ng(10b).', doubtful: false });
    // no choices (a read without alternatives), or no count: as read
    expect(copyCount(word('Lệ(Bb).', 0, 1, 0, 1))).toEqual({ text: 'Lệ(Bb).', doubtful: false });
    expect(copyCount(word('VT,', 0, 1, 0, 1, 95, choicesOf('VT,', 0, [['V', 95]])))).toEqual({ text: 'VT,', doubtful: false });
  });

  it('reads a drafter code in capitals with a marked vowel as a name ("ĐỊ7b" → "Đị7b"), surely', () => {
    expect(checkCode('ĐỊ7b')).toEqual({ code: 'Đị7b', ok: true, repaired: true });
    expect(repairArchive('Lưu: VT, TCCB, ĐỊ7b')).toEqual({ item: 'Lưu: VT, TCCB, Đị7b', sure: true });
    expect(checkCode('NV1')).toEqual({ code: 'NV1', ok: true, repaired: false });
    // an unknown code with a marked vowel is no plausible code: the list stays doubtful (dev-font doc-020 "TĨ" for TTr)
    expect(checkCode('TĨ')).toEqual({ code: 'TĨ', ok: false, repaired: false });
    expect(checkCode('T75').ok).toBe(false); // two digits: no unit's number (round Q: a drafter's "Ti7b")
    expect(repairArchive('Lưu: VT, TĨ').sure).toBe(false);
    expect(repairArchive('Lưu: VT, VHTT, Thư(4')).toEqual({ item: 'Lưu: VT, VHTT, Thư(4)', sure: true }); // its bracket lost (round Q)
  });
});

describe('rows of the "Nơi nhận" list', () => {
  const head = segmentOf([word('Nơi', 236, 300, 1596, 1626), word('nhận:', 310, 383, 1596, 1626)]);
  it('an item joined to seal specks past the column is cut after its closing ";" (1382 doc-003: the item was lost)', () => {
    // (on that page the specks sat a word's gap after the item: one segment with it, to x 997 of 1653)
    const segs: Segment[] = [
      head,
      segmentOf([word('-', 237, 246, 1649, 1651), word('Công', 256, 323, 1635, 1664), word('an', 333, 361, 1642, 1657), word('tỉnh;', 371, 426, 1635, 1662)]),
      segmentOf([word('-', 237, 246, 1687, 1689), word('UBND', 255, 344, 1674, 1695), word('các', 354, 395, 1673, 1695), word('huyện,', 404, 488, 1673, 1702),
        word('thị', 498, 531, 1673, 1701), word('xã,', 540, 576, 1673, 1700), word('thành', 586, 656, 1673, 1695), word('phố', 665, 712, 1672, 1702),
        word('(b/c);', 722, 787, 1673, 1702), word('ÁS', 850, 892, 1664, 1698, 4), word('H', 901, 997, 1659, 1703, 4)]),
      segmentOf([word('-', 237, 246, 1724, 1726), word('Lưu:', 256, 314, 1711, 1732), word('VT,', 324, 370, 1711, 1737), word('NV.', 437, 484, 1711, 1732)]),
    ];
    expect(recipientRows(segs, head, 1653, 29).map((r) => r.text)).toEqual(['- Công an tỉnh;', '- UBND các huyện, thị xã, thành phố (b/c);', '- Lưu: VT, NV.']);
  });

  it('a row of specks alone is none of the list', () => {
    const segs = pageSegments(page([
      [word('Nơi', 236, 300, 1596, 1626), word('nhận:', 310, 383, 1596, 1626)],
      [word('-', 237, 246, 1649, 1651), word('Công', 256, 323, 1635, 1664), word('an', 333, 361, 1642, 1657), word('tỉnh;', 371, 426, 1635, 1662)],
      [word('"¬', 300, 340, 1672, 1676, 27)],
      [word('-', 237, 246, 1724, 1726), word('Lưu:', 256, 314, 1711, 1732), word('VT.', 324, 370, 1711, 1737)],
    ]));
    expect(recipientRows(segs, head, 1653, 29).map((r) => r.text)).toEqual(['- Công an tỉnh;', '- Lưu: VT.']);
  });

  it('under an item that does not close, a gap of a little under two rows is a lost wrapped tail ("huyện;"), which a re-read may bring back', () => {
    const hd = { x0: 356, y0: 1949, x1: 560, y1: 2000 };
    const rows = [{ text: '- Như trên;', y0: 2011, y1: 2055 }, { text: '- Công an tỉnh;', y0: 2063, y1: 2106 },
      { text: '- Trung tâm Văn hóa - Thể thao và Truyền thông', y0: 2221, y1: 2265 }, { text: '- Kho bạc Nhà nước Ninh Hải;', y0: 2325, y1: 2365 },
      { text: '- Lưu: VT, KTHT.', y0: 2379, y1: 2422 }];
    const bands = missingRowBands(hd, rows, 40);
    expect(bands.map((b) => b.open)).toEqual([false, true]);
    const open = bands[1]!;
    expect(open.y0).toBeLessThan(2280); expect(open.y1).toBe(2325);
    const tail = (text: string, confidence = 90): OcrLine => ({ text, confidence, bbox: { x0: 356, x1: 470, y0: 2273, y1: 2318 }, words: [] });
    expect(lostRowLooksRight(tail('huyện;'), open)).toBe(true);
    expect(lostRowLooksRight(tail('huyện'), open)).toBe(false); // no close: not the item's tail
    expect(lostRowLooksRight(tail('huyện;', 40), open)).toBe(false);
    expect(lostRowLooksRight(tail('huyện;'), bands[0]!)).toBe(false); // the row above closed: only an item's start
    expect(lostRowLooksRight(tail('- Công an huyện;'), bands[0]!)).toBe(true);
  });

  it('about a line of white under the head line is a first item lost, however few rows are left (71 doc-023: a list read as its "Lưu:" line alone went out sure)', () => {
    // 71 doc-023: "Nơi nhận:" 750–791, the first item lost, "- Lưu: …" at 825; a line is ~30 high
    const hd = segmentOf([word('Nơi', 221, 290, 750, 791), word('nhận:', 300, 380, 750, 791)]);
    expect(lostRow(hd, [{ y0: 825 }], 30)).toBe(true);
    expect(lostRow(hd, [{ y0: 805 }], 30)).toBe(false); // white of under half a line: the usual spacing
    expect(lostRow(hd, [{ y0: 825 }])).toBe(false); // (without the line height: by the rows' pitch alone, one row says nothing)
    const bands = missingRowBands(hd.bbox, [{ text: '- Lưu: VT, NC, ĐT, Dư6b.', y0: 825, y1: 853 }], 30);
    expect(bands).toEqual([{ y0: 791, y1: 825, open: false }]);
  });

  it('an item that stops short of its ";" before the next item lost its end: the list is doubted (71 doc-018: "CVP, các" went out sure)', () => {
    const rows = (...texts: string[]): Array<{ text: string }> => texts.map((text) => ({ text }));
    expect(unclosedRows(rows('- Kho bạc Nhà nước Hà Nam;', '- CVP, các', '- Tòa án nhân dân tỉnh;', '- Lưu: VT, NN.')).map((r) => r.text)).toEqual(['- CVP, các']);
    // a wrapped item goes on in the next row; ";" misread "," or ":"; the seal's specks after the ";"; the last row
    expect(unclosedRows(rows('- Ban Quản lý dự án đầu tư xây dựng', 'huyện;', '- Công an tỉnh,', '- Đoàn ĐBQH tỉnh; tình', '- Lưu: VT'))).toEqual([]);
    expect(unclosedRows(rows('- Đ/c Nguyễn Lan Hương (để thực hiện) [', '- Lưu: VT, Thêu(8).'))).toEqual([]); // a sign after the note (round Q)
    const page = letter('TỈNH HÀ NAM', 'Hà Nam', [
      { left: 'Nơi nhận:', right: 'KT. CHỦ TỊCH', gap: 40 }, { left: '- Kho bạc Nhà nước Hà Nam;' }, { left: '- CVP, các' },
      { left: '- Tòa án nhân dân tỉnh;' }, { left: '- Lưu: VT, NN.' }, { right: 'Nguyễn Văn Bình', gap: 200 },
    ]);
    expect(extractFields([page]).flagged).toContain('recipients');
  });
});

describe('the signature block', () => {
  it('a "KT." line read with a digit for its letter ("1T. CHỦ TỊCH") is an authority line, not the title (1382 doc-001: confident and wrong)', () => {
    expect(cleanAuthority('1T. CHỦ TỊCH')).toBe('KT. CHỦ TỊCH');
    const page = letter('HUYỆN TÂN UYÊN', 'Tân Uyên', [
      { left: 'Nơi nhận:', right: 'TM. ỦY BAN NHÂN DÂN', gap: 40 }, { left: '- Như trên;', right: '1T. CHỦ TỊCH' }, { left: '- Lưu: VT.', right: 'PHÓ CHỦ TỊCH' },
      { right: 'Nguyễn Trung Khang', gap: 200 },
    ]);
    expect(extractFields([page])).toMatchObject({ authority: 'TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH', signerTitle: 'PHÓ CHỦ TỊCH' });
  });
});

describe('codes and notes', () => {
  it('a notation\'s unit code holding a letter no unit\'s initials hold is the one known code it is confusable with ("BC-TIr" → "BC-TTr"); a code of the unit\'s own is kept', () => {
    expect(repairNotationCodes('566/BC-TIr')).toBe('566/BC-TTr');
    expect(repairNotationCodes('575/QĐ-TTIr')).toBe('575/QĐ-TTr');
    // a code nothing known explains keeps its misread letter, and the notation is in doubt (round Q)
    expect(notationCodesDoubtful(repairNotationCodes('1767/CT-TIPVHCC'))).toBe(true);
    expect(notationCodesDoubtful(repairNotationCodes('575/QĐ-TTIr'))).toBe(false);
    expect(notationCodesDoubtful('1229/VPĐĐBQH&HĐND-KHTC')).toBe(false);
    expect(repairNotationCodes('35/BB-STTTT')).toBe('35/BB-STTTT');
    expect(repairNotationCodes('12/UBND-VP')).toBe('12/UBND-VP');
    expect(repairNotationCodes('12/2024/QĐ-UBND')).toBe('12/2024/QĐ-UBND');
  });
  it('a note in brackets round no letter is a note misread ("Hà Tĩnh (1)" for "(b/c)"): the list is doubted', () => {
    expect(recipientDoubts(['Ngân hàng Nhà nước chi nhánh Hà Tĩnh (1)', 'Lưu: VT, Ty(8b)'])).toEqual(['odd note Ngân hàng Nhà nước chi nhánh Hà Tĩnh (1)']);
    expect(recipientDoubts(['Ngân hàng Nhà nước chi nhánh Hà Tĩnh (b/c)', 'Đ/c Dương Mỹ Hằng (để thực hiện)', 'Lưu: VT, Ty(8b)'])).toEqual([]);
  });
});

describe('a row read again', () => {
  it('is no item when a capitals word in it is no code: a letter no unit\'s initials hold, or a marked vowel (dev doc-021: "TE Tỉnh ủy, TF HDND" replaced a right row)', () => {
    expect(rowLooksRight('- TE Tỉnh ủy, TF HDND tỉnh;', { first: true })).toBe(false);
    expect(rowLooksRight('- TT Tỉnh ủy, TT HĐND tỉnh;', { first: true })).toBe(true);
    expect(rowLooksRight('- Trang TTĐT đơn VỊ;', { first: true })).toBe(false);
    expect(rowLooksRight('- Ban Chỉ đạo TƯ;', { first: true })).toBe(true); // a known abbreviation with a marked letter
  });
  it('reads the note "(b/c)" whose "c" or slash was misread', () => {
    for (const t of ['- Giám đốc Sở (b/©);', '- Giám đốc Sở (b/d);', '- Giám đốc Sở (b(c));', '- Giám đốc Sở (b/€);']) expect(repairRecipient(t)).toBe('Giám đốc Sở (b/c)');
    // two signs misread, its "b" or its "c)" kept (round Q); other short notes are not it
    for (const t of ['- Giám đốc Sở (b/dj);', '- Giám đốc Sở (íc);', '- Giám đốc Sở (b/dj;']) expect(repairRecipient(t)).toBe('Giám đốc Sở (b/c)');
    expect(repairRecipient('- Giám đốc Sở (p/h);')).toBe('Giám đốc Sở (p/h)');
    expect(repairRecipient('- Lưu: VT, TCCB, Dn(7b).')).toBe('Lưu: VT, TCCB, Dn(7b)');
  });

});
