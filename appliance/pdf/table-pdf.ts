import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { embedVietnameseFont } from './fonts.js';

// A printed table as the paper books are (the register book, the statistics): the agency and a
// title on the first page, the header row repeated on every page, each cell wrapped within its
// column, a page number and the time of printing at the foot. pdf-lib with the project's
// Vietnamese font (fonts.ts: DejaVu Sans, embedded as a subset).

export interface TableLayout {
  page: { w: number; h: number };
  margin: number;
  /** Column widths in points (their sum = the page width less the margins). */
  widths: number[];
  size: number;
  lead: number;
  pad: number;
  /** Where a cell's lines sit: by column, and whether the row is the header. */
  align: (column: number, header: boolean) => 'left' | 'center' | 'right';
}

export interface TableHead {
  /** The document's title (PDF metadata). */
  docTitle: string;
  agency: string;
  /** The big line under the agency, and the one under it (the range). */
  title: string;
  subtitle: string;
  columns: readonly string[];
  printedAt: string;
}

export interface TableRow {
  cells: string[];
  /** A shaded row (a total). */
  shade?: boolean;
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

/** The table as a PDF; `empty` is said under the header when no row came. */
export async function tablePdf(layout: TableLayout, head: TableHead, rows: Iterable<TableRow> | AsyncIterable<TableRow>, empty: string): Promise<Uint8Array> {
  const { page: size, margin, widths, lead, pad } = layout;
  const doc = await PDFDocument.create();
  doc.setTitle(head.docTitle);
  doc.setCreator('Sohoa');
  const font = await embedVietnameseFont(doc);
  const black = rgb(0, 0, 0);
  let page!: PDFPage;
  let y = 0;
  let pages = 0;

  const row = (cells: readonly string[], header: boolean, shade: boolean) => {
    const wrapped = cells.map((c, i) => wrap(c, font, layout.size, widths[i]! - 2 * pad));
    const height = Math.max(1, ...wrapped.map((l) => l.length)) * lead + 2 * pad;
    if (y - height < margin + 14) newPage();
    let x = margin;
    wrapped.forEach((lines, i) => {
      const w = widths[i]!;
      page.drawRectangle({ x, y: y - height, width: w, height, borderColor: black, borderWidth: 0.5, ...(header || shade ? { color: rgb(0.92, 0.92, 0.92) } : {}) });
      const align = layout.align(i, header);
      lines.forEach((l, k) => {
        const text = font.widthOfTextAtSize(l, layout.size);
        const tx = align === 'left' ? x + pad : align === 'right' ? x + w - pad - text : x + (w - text) / 2;
        page.drawText(l, { x: tx, y: y - pad - layout.size - k * lead + 1, size: layout.size, font, color: black });
      });
      x += w;
    });
    y -= height;
  };

  const newPage = () => {
    page = doc.addPage([size.w, size.h]);
    pages++;
    y = size.h - margin;
    page.drawText(`Trang ${pages} — in lúc ${head.printedAt}`, { x: margin, y: margin - 12, size: 7, font, color: rgb(0.3, 0.3, 0.3) });
    if (pages === 1) {
      const center = (text: string, at: number) => {
        page.drawText(text, { x: (size.w - font.widthOfTextAtSize(text, at)) / 2, y: y - at, size: at, font, color: black });
        y -= at + 6;
      };
      if (head.agency) page.drawText(head.agency.toLocaleUpperCase('vi'), { x: margin, y: y - 10, size: 10, font, color: black });
      y -= 22;
      center(head.title, 16);
      center(head.subtitle, 10);
      y -= 4;
    }
    row(head.columns, true, false);
  };

  newPage();
  let count = 0;
  for await (const r of rows) {
    row(r.cells, false, r.shade ?? false);
    count++;
  }
  if (count === 0) page.drawText(empty, { x: margin, y: y - 16, size: 10, font, color: black });
  return doc.save();
}
