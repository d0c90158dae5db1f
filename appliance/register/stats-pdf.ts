import { PDFDocument, rgb, type PDFPage } from 'pdf-lib';
import { embedVietnameseFont } from '../pdf/fonts.js';
import { wrap } from './book-pdf.js';
import { vnDate } from './book-view.js';
import { BY_TITLE, STATS_COLUMNS, STATS_KEYS, type RegisterStats } from './stats.js';

// The statistics printed (Lào Cai art. 11.2b): A4 portrait, the agency and the range on top, one
// line per day, week, month or issuer, the total last, the header repeated on every page. The
// same approach as the printed book (book-pdf.ts: pdf-lib, the project's Vietnamese font).

const PAGE = { w: 595.28, h: 841.89 };
const MARGIN = 36;
/** The group column, then the six counts (sum 523 = the page width less the margins). */
const WIDTHS = [187, 56, 56, 56, 56, 56, 56];
const SIZE = 9;
const LEAD = 11;
const PAD = 3;

export async function statsPdf(s: RegisterStats, agency: string, printedAt: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('Thống kê văn bản');
  doc.setCreator('Sohoa');
  const font = await embedVietnameseFont(doc);
  const black = rgb(0, 0, 0);
  let page!: PDFPage;
  let y = 0;
  let pages = 0;

  const row = (cells: string[], shade: boolean) => {
    const wrapped = cells.map((c, i) => wrap(c, font, SIZE, WIDTHS[i]! - 2 * PAD));
    const height = Math.max(1, ...wrapped.map((l) => l.length)) * LEAD + 2 * PAD;
    if (y - height < MARGIN + 14) newPage();
    let x = MARGIN;
    wrapped.forEach((lines, i) => {
      const w = WIDTHS[i]!;
      page.drawRectangle({ x, y: y - height, width: w, height, borderColor: black, borderWidth: 0.5, ...(shade ? { color: rgb(0.92, 0.92, 0.92) } : {}) });
      lines.forEach((l, k) => {
        // counts right-aligned, the group on the left
        const tx = i === 0 ? x + PAD : x + w - PAD - font.widthOfTextAtSize(l, SIZE);
        page.drawText(l, { x: tx, y: y - PAD - SIZE - k * LEAD + 1, size: SIZE, font, color: black });
      });
      x += w;
    });
    y -= height;
  };

  const header = [BY_TITLE[s.by], ...STATS_KEYS.map((k) => STATS_COLUMNS[k])];
  const newPage = () => {
    page = doc.addPage([PAGE.w, PAGE.h]);
    pages++;
    y = PAGE.h - MARGIN;
    page.drawText(`Trang ${pages} — in lúc ${printedAt}`, { x: MARGIN, y: MARGIN - 14, size: 7, font, color: rgb(0.3, 0.3, 0.3) });
    if (pages === 1) {
      const center = (text: string, size: number) => {
        page.drawText(text, { x: (PAGE.w - font.widthOfTextAtSize(text, size)) / 2, y: y - size, size, font, color: black });
        y -= size + 6;
      };
      if (agency) page.drawText(agency.toLocaleUpperCase('vi'), { x: MARGIN, y: y - 10, size: 10, font, color: black });
      y -= 22;
      center('THỐNG KÊ VĂN BẢN', 16);
      center(`Theo ${BY_TITLE[s.by].toLocaleLowerCase('vi')}, từ ngày ${s.from ? vnDate(s.from) : '…'} đến ngày ${s.to ? vnDate(s.to) : '…'}`, 10);
      y -= 4;
    }
    row(header, true);
  };

  newPage();
  for (const r of s.rows) row([r.label, ...STATS_KEYS.map((k) => String(r[k]))], false);
  row(['Tổng cộng', ...STATS_KEYS.map((k) => String(s.total[k]))], true);
  return doc.save();
}
