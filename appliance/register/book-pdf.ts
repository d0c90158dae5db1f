import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { embedVietnameseFont } from '../pdf/fonts.js';
import { BOOK_COLUMNS, bookCells, bookEntry, vnDate } from './book-view.js';
import type { RegisterEntry } from './entry.js';

// The register book printed as the paper book (Decree 30 App. IV): A4 landscape, the agency and
// the date range on top, the nine columns with their header repeated on every page, each line
// wrapped within its column, a page number at the foot. pdf-lib with the project's Vietnamese font
// (pdf/fonts.ts: DejaVu Sans, embedded as a subset).

const PAGE = { w: 841.89, h: 595.28 };
const MARGIN = 28;
/** Column widths in points (sum 786 = the page width less the margins). */
const WIDTHS = [40, 58, 120, 84, 58, 216, 90, 55, 65];
const SIZE = 8;
const LEAD = 10;
const PAD = 3;

export interface BookPrint {
  agency: string;
  from: string | null;
  to: string | null;
  entries: AsyncIterable<RegisterEntry>;
  /** When it is printed (the footer says so). */
  printedAt: string;
}

/** Lines of `text` that fit `width` at `size` (long words are cut). */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const para of text.replace(/[\t\r]/g, ' ').split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      const next = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(next, size) <= width) { line = next; continue; }
      if (line) lines.push(line);
      line = '';
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width) {
        let n = rest.length - 1;
        while (n > 1 && font.widthOfTextAtSize(rest.slice(0, n), size) > width) n--;
        lines.push(rest.slice(0, n));
        rest = rest.slice(n);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

export async function bookPdf(p: BookPrint): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('Sổ đăng ký văn bản đến');
  doc.setCreator('Sohoa');
  const font = await embedVietnameseFont(doc);
  const black = rgb(0, 0, 0);
  let page!: PDFPage;
  let y = 0;
  let pages = 0;

  const row = (cells: string[], header = false) => {
    const wrapped = cells.map((c, i) => wrap(c, font, SIZE, WIDTHS[i]! - 2 * PAD));
    const height = Math.max(1, ...wrapped.map((l) => l.length)) * LEAD + 2 * PAD;
    if (y - height < MARGIN + 14) newPage();
    let x = MARGIN;
    wrapped.forEach((lines, i) => {
      const w = WIDTHS[i]!;
      page.drawRectangle({ x, y: y - height, width: w, height, borderColor: black, borderWidth: 0.5, ...(header ? { color: rgb(0.92, 0.92, 0.92) } : {}) });
      lines.forEach((l, k) => {
        const tx = header || i === 0 ? x + (w - font.widthOfTextAtSize(l, SIZE)) / 2 : x + PAD;
        page.drawText(l, { x: tx, y: y - PAD - SIZE - k * LEAD + 1, size: SIZE, font, color: black });
      });
      x += w;
    });
    y -= height;
  };

  const newPage = () => {
    page = doc.addPage([PAGE.w, PAGE.h]);
    pages++;
    y = PAGE.h - MARGIN;
    page.drawText(`Trang ${pages} — in lúc ${p.printedAt}`, { x: MARGIN, y: MARGIN - 12, size: 7, font, color: rgb(0.3, 0.3, 0.3) });
    if (pages === 1) {
      const center = (text: string, size: number) => {
        page.drawText(text, { x: (PAGE.w - font.widthOfTextAtSize(text, size)) / 2, y: y - size, size, font, color: black });
        y -= size + 6;
      };
      if (p.agency) page.drawText(p.agency.toLocaleUpperCase('vi'), { x: MARGIN, y: y - 10, size: 10, font, color: black });
      y -= 22;
      center('SỔ ĐĂNG KÝ VĂN BẢN ĐẾN', 16);
      center(`Từ ngày ${p.from ? vnDate(p.from) : '…'} đến ngày ${p.to ? vnDate(p.to) : '…'}`, 10);
      y -= 4;
    }
    row([...BOOK_COLUMNS], true);
  };

  newPage();
  let count = 0;
  for await (const e of p.entries) {
    row(bookCells(bookEntry(e)));
    count++;
  }
  if (count === 0) page.drawText('Không có văn bản nào trong khoảng thời gian này.', { x: MARGIN, y: y - 16, size: 10, font, color: black });
  return doc.save();
}
