import { describe, expect, it } from 'vitest';
import { splitStack } from '../../appliance/pipeline/split-stack.js';
import { mayBeQrSheet, marksOf, newStackState } from '../../appliance/pipeline/stack-marks.js';
import type { OcrPage } from '../../appliance/ocr/ocr.js';
import { buildPage, type Row } from '../fixtures/extract/page-builder.js';

// What the clerk put in the stack wins over what the pages show: separator sheets (QR, patch,
// a blank sheet where the profile says), "Tài liệu tiếp theo", and the page limit per document.

const motto: Row[] = [
  { left: 'ỦY BAN NHÂN DÂN', right: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
  { left: 'TỈNH HẬU GIANG', right: 'Độc lập - Tự do - Hạnh phúc' },
];
const body: Row[] = [
  { full: 'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;', gap: 60 },
  { full: 'Các cơ quan, đơn vị triển khai thực hiện nghiêm túc nội dung trên.' },
];
const first = (n: string): OcrPage => buildPage([...motto, { left: `Số: ${n}`, right: 'Hậu Giang, ngày 01 tháng 5 năm 2024', gap: 40 }, { centre: 'BÁO CÁO', gap: 40 }, ...body]);
const next = (n: string): OcrPage => buildPage([{ centre: n }, { full: 'II. TỒN TẠI, HẠN CHẾ', gap: 30 }, ...body]);
/** A page with neither header nor number: the splitter alone would join it to the one before. */
const plain = (): OcrPage => buildPage([{ full: 'Phụ lục số liệu chi tiết kèm theo', gap: 30 }, ...body]);
const blank = (): OcrPage => ({ ...buildPage([]), blank: true, lines: [], text: '' });
const sep = (): OcrPage => ({ ...blank() });

describe('stack marks', () => {
  it('a separator sheet ends a document, starts the next whatever it shows, and is in none', () => {
    const pages = [first('1/BC'), plain(), sep(), plain(), next('2')];
    const s = splitStack(pages, { separators: new Set([2]) });
    expect(s.documents.map((d) => d.pages)).toEqual([[0, 1], [3, 4]]);
    expect(s.separators).toEqual([2]);
    expect(s.documents[1]).toMatchObject({ doubtful: false, continues: false });
    // without the mark, the same pages make one document
    expect(splitStack(pages.filter((_, i) => i !== 2)).documents).toHaveLength(1);
  });

  it('duplex: the separator sheet\'s blank back goes with it; a printed back does not', () => {
    const pages = [first('1/BC'), blank(), sep(), blank(), plain(), blank()];
    const s = splitStack(pages, { separators: new Set([2]), duplex: true });
    expect(s.documents.map((d) => d.pages)).toEqual([[0], [4]]);
    expect(s.separators).toEqual([2, 3]);
    expect(s.blank).toEqual([1, 5]);
    const printedBack = splitStack([first('1/BC'), blank(), sep(), next('2')], { separators: new Set([2]), duplex: true });
    expect(printedBack.documents.map((d) => d.pages)).toEqual([[0], [3]]);
  });

  it('blank sheets separate only where the profile says; in duplex only a sheet blank on both sides', () => {
    const simplex = [first('1/BC'), plain(), blank(), plain()];
    expect(splitStack(simplex, { blankSeparates: true }).documents.map((d) => d.pages)).toEqual([[0, 1], [3]]);
    expect(splitStack(simplex).documents.map((d) => d.pages)).toEqual([[0, 1, 3]]);
    // front, blank back | blank, blank (the separator) | front, blank back
    const duplex = [first('1/BC'), blank(), blank(), blank(), plain(), blank()];
    const s = splitStack(duplex, { blankSeparates: true, duplex: true });
    expect(s.documents.map((d) => d.pages)).toEqual([[0], [4]]);
    expect(s.separators).toEqual([2, 3]);
    expect(s.blank).toEqual([1, 5]);
  });

  it('"Tài liệu tiếp theo" ends the document after the page touched', () => {
    const pages = [first('1/BC'), plain(), plain(), plain()];
    expect(splitStack(pages, { breaksAfter: [1] }).documents.map((d) => d.pages)).toEqual([[0, 1], [2, 3]]);
  });

  it('a document over the page limit is cut there and flagged for review', () => {
    const pages = [first('1/BC'), ...Array.from({ length: 6 }, (_, i) => next(String(i + 2))), first('2/BC')];
    const s = splitStack(pages, { maxPages: 3 });
    expect(s.documents.map((d) => d.pages)).toEqual([[0, 1, 2], [3, 4, 5], [6], [7]]);
    expect(s.documents.map((d) => d.doubtful)).toEqual([true, true, true, false]);
  });

  it('the batch state gives the split the profile\'s policies', () => {
    const st = newStackState({ separator: 'qr', blankPages: 'separator', maxPagesPerDocument: 50 }, 'adf-duplex');
    st.separators[4] = 'patch-T';
    st.breaksAfter.push(7);
    const m = marksOf(st);
    expect(m).toMatchObject({ blankSeparates: true, duplex: true, maxPages: 50, breaksAfter: [7] });
    expect([...m.separators!]).toEqual([4]);
    expect(newStackState(undefined, 'adf').policy).toMatchObject({ separator: 'qr', blankPages: 'drop', maxPagesPerDocument: 200 });
  });

  it('the QR pre-check lets the sheet through and keeps zbarimg off ordinary pages', () => {
    expect(mayBeQrSheet({ letters: 155, inkRatio: 0.068 })).toBe(true); // the printed sheet at 200 dpi
    expect(mayBeQrSheet({ letters: 1220, inkRatio: 0.021 })).toBe(false); // demo doc-004
    expect(mayBeQrSheet({ letters: 40, inkRatio: 0.004 })).toBe(false); // a short note
  });
});
