import { describe, expect, it } from 'vitest';
import { pageEvidence, splitStack } from '../../appliance/pipeline/split-stack.js';
import type { OcrPage } from '../../appliance/ocr/ocr.js';
import { buildPage, type Row } from '../fixtures/extract/page-builder.js';

// The stack splitter on OCR-shaped pages (word boxes where a 300 dpi scan puts them): first pages
// by their header, continuation pages by the number at their top, blank backs dropped.

const motto: Row[] = [
  { left: 'ỦY BAN NHÂN DÂN', right: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
  { left: 'TỈNH HẬU GIANG', right: 'Độc lập - Tự do - Hạnh phúc' },
];
const body: Row[] = [
  { full: 'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;', gap: 60 },
  { full: 'Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về công tác văn thư, lưu trữ;' },
  { full: 'Các cơ quan, đơn vị triển khai thực hiện nghiêm túc nội dung trên.' },
];

function firstPage(notation: string, type = 'BÁO CÁO', header = motto): OcrPage {
  return buildPage([
    ...header,
    { left: `Số: ${notation}`, right: 'Hậu Giang, ngày 01 tháng 5 năm 2024', gap: 40 },
    { centre: type, gap: 40 },
    { centre: 'Kết quả thực hiện công tác văn thư' },
    ...body,
  ]);
}

function nextPage(number: string): OcrPage {
  return buildPage([{ centre: number }, { full: 'II. TỒN TẠI, HẠN CHẾ', gap: 30 }, ...body]);
}

const blankPage = (): OcrPage => ({ ...buildPage([]), blank: true, lines: [], text: '' });

const pagesOf = (pages: OcrPage[]) => splitStack(pages).documents.map((d) => d.pages);

describe('page evidence', () => {
  it('reads the motto, the Số line and the type name in the header band of a first page', () => {
    const e = pageEvidence(firstPage('111/BC-UBND'));
    expect(e.motto).toBeGreaterThan(0.9);
    expect(e).toMatchObject({ number: true, typeName: true, pageNumber: null });
  });

  it('reads the page number at the top in its printed forms', () => {
    for (const [printed, n] of [['2', 2], ['- 3 -', 3], ['– 4 –', 4], ['Trang 5', 5], ['Trang 6/9', 6], ['12', 12]] as const) {
      const e = pageEvidence(nextPage(printed));
      expect(e, printed).toMatchObject({ pageNumber: n, number: false });
      expect(e.motto).toBeLessThan(0.5);
    }
  });

  it('takes no page number from a number further down the page or from a "1"', () => {
    const lower = buildPage([{ full: 'II. TỒN TẠI, HẠN CHẾ' }, { full: 'x', gap: 400 }, { centre: '2' }, ...body]);
    expect(pageEvidence(lower).pageNumber).toBeNull();
    expect(pageEvidence(nextPage('1')).pageNumber).toBeNull();
  });

  it('recognises a motto OCR misread in a few letters', () => {
    const page = buildPage([
      { left: 'SỞ TƯ PHÁP', right: 'CÔNG HOÀ XÁ HỘI CHU NGHIA VIÊT NAM' },
      { right: 'Độc lâp - Tư do - Hanh phüc' },
    ]);
    expect(pageEvidence(page).motto).toBeGreaterThan(0.75);
  });
});

describe('splitStack', () => {
  it('splits a report with blank backs, a công văn and a notice into three documents', () => {
    const cv = buildPage([
      { left: 'SỞ Y TẾ THÀNH PHỐ CẦN THƠ', right: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
      { left: 'CHI CỤC AN TOÀN', right: 'Độc lập - Tự do - Hạnh phúc' },
      { left: 'Số: 658/CCATVSTP', right: 'Cần Thơ, ngày 10 tháng 3 năm 2020', gap: 40 },
      { left: 'V/v triển khai quản lý, vận hành' },
      ...body,
    ]);
    const stack = [firstPage('111/BC-UBND'), blankPage(), nextPage('2'), blankPage(), nextPage('3'), blankPage(),
      cv, firstPage('130/TB-STP', 'THÔNG BÁO')];
    const split = splitStack(stack);
    expect(split.documents.map((d) => d.pages)).toEqual([[0, 2, 4], [6], [7]]);
    expect(split.blank).toEqual([1, 3, 5]);
    expect(split.documents.every((d) => !d.doubtful && d.confidence >= 0.9)).toBe(true);
  });

  it('starts a document at a page with a Số line but no readable motto', () => {
    const noMotto = firstPage('15/QĐ-BNV', 'QUYẾT ĐỊNH', [{ left: 'BỘ NỘI VỤ' }, { left: 'VỤ TỔ CHỨC' }]);
    const split = splitStack([firstPage('111/BC-UBND'), nextPage('2'), noMotto, nextPage('- 2 -')]);
    expect(split.documents.map((d) => d.pages)).toEqual([[0, 1], [2, 3]]);
    expect(split.documents[1]!.doubtful).toBe(false);
  });

  it('always starts a document at the first page of the stack, flagged when it looks like a page 2', () => {
    const split = splitStack([nextPage('2'), nextPage('3'), firstPage('5/BC-UBND')]);
    expect(split.documents.map((d) => d.pages)).toEqual([[0, 1], [2]]);
    expect(split.documents[0]!.doubtful).toBe(true);
    expect(split.documents[1]!.doubtful).toBe(false);
  });

  it('joins a page that shows neither a header nor a page number (OCR dropped the lone number), less surely', () => {
    const bare = buildPage(body);
    const split = splitStack([firstPage('1/BC-UBND'), bare, firstPage('2/TB-UBND', 'THÔNG BÁO')]);
    expect(split.documents.map((d) => [d.pages, d.doubtful])).toEqual([[[0, 1], false], [[2], false]]);
    expect(split.documents[0]!.confidence).toBeLessThan(split.documents[1]!.confidence);
  });

  it('starts a flagged document at a bare page that follows the end of one, but joins an annex to it', () => {
    const signed = (notation: string): OcrPage => buildPage([
      ...motto, { left: `Số: ${notation}`, right: 'Hậu Giang, ngày 01 tháng 5 năm 2024', gap: 40 }, ...body,
      { full: 'Ủy ban nhân dân tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.' },
      { left: 'Nơi nhận:', right: 'TM. ỦY BAN NHÂN DÂN', gap: 30 }, { left: '- Như trên;', right: 'CHỦ TỊCH' }, { left: '- Lưu: VT.' },
    ]);
    const bare = buildPage(body); // a first page whose header OCR lost entirely
    const annex = buildPage([{ centre: 'PHỤ LỤC' }, { centre: '(Kèm theo Thông báo số 3/TB-UBND)' }, ...body]);
    expect(pageEvidence(signed('3/TB-UBND'))).toMatchObject({ ends: true, annex: false });
    expect(pageEvidence(annex)).toMatchObject({ ends: false, annex: true });
    const split = splitStack([signed('3/TB-UBND'), annex, bare, signed('4/TB-UBND'), bare]);
    expect(split.documents.map((d) => [d.pages, d.doubtful])).toEqual([[[0, 1, 2], false], [[3], false], [[4], true]]);
  });

  it('keeps a blank page the profile keeps (no text, not flagged blank) with the page before it', () => {
    const signed = (notation: string): OcrPage => buildPage([
      ...motto, { left: `Số: ${notation}`, right: 'Hậu Giang, ngày 01 tháng 5 năm 2024', gap: 40 }, ...body,
      { full: 'Ủy ban nhân dân tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.' },
      { left: 'Nơi nhận:', right: 'TM. ỦY BAN NHÂN DÂN', gap: 30 }, { left: '- Như trên;', right: 'CHỦ TỊCH' }, { left: '- Lưu: VT.' },
    ]);
    const kept = (): OcrPage => ({ ...blankPage(), blank: false });
    const bare = buildPage(body);
    const split = splitStack([signed('3/TB-UBND'), kept(), signed('4/TB-UBND'), kept(), bare]);
    // the bare page still follows the end of a document: it starts one, flagged
    expect(split.documents.map((d) => [d.pages, d.doubtful])).toEqual([[[0, 1], false], [[2, 3], false], [[4], true]]);
    expect(split.blank).toEqual([]);
  });

  it('flags a page with a header and a page number at its top, and one with only a type name', () => {
    const both = buildPage([{ centre: '- 2 -' }, ...motto, { left: 'Số: 7/BC-UBND' }, ...body]);
    const typeOnly = buildPage([{ centre: 'QUYẾT ĐỊNH' }, ...body]);
    const split = splitStack([firstPage('1/BC-UBND'), both, typeOnly]);
    expect(split.documents.map((d) => [d.pages, d.doubtful])).toEqual([[[0], false], [[1], true], [[2], true]]);
  });

  it('flags a join whose page number does not follow on', () => {
    const split = splitStack([firstPage('1/BC-UBND'), nextPage('2'), nextPage('5')]);
    expect(split.documents.map((d) => d.pages)).toEqual([[0, 1, 2]]);
    expect(split.documents[0]!.doubtful).toBe(true);
  });

  it('after a jam, lets the first pages continue the document under way', () => {
    const split = splitStack([blankPage(), nextPage('3'), firstPage('9/KH-UBND', 'KẾ HOẠCH')], { continuing: true });
    expect(split.documents.map((d) => [d.pages, d.continues])).toEqual([[[1], true], [[2], false]]);
    expect(split.blank).toEqual([0]);
    // Without the continuation, the same page 3 could not be joined to anything.
    expect(pagesOf([nextPage('3'), firstPage('9/KH-UBND')])).toEqual([[0], [1]]);
  });

  it('finds nothing in a stack of blank pages', () => {
    expect(splitStack([blankPage(), blankPage()])).toEqual({ documents: [], blank: [0, 1], separators: [] });
  });
});
