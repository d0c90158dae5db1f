import { tablePdf, type TableLayout } from '../pdf/table-pdf.js';
import { BOOK_COLUMNS, bookCells, bookEntry, vnDate } from './book-view.js';
import type { RegisterEntry } from './entry.js';

// The register book printed as the paper book (Decree 30 App. IV): A4 landscape, the agency and
// the date range on top, the nine columns with their header repeated on every page, each line
// wrapped within its column, a page number at the foot (pdf/table-pdf.ts lays it out).

const LAYOUT: TableLayout = {
  page: { w: 841.89, h: 595.28 },
  margin: 28,
  /** (sum 786 = the page width less the margins) */
  widths: [40, 58, 120, 84, 58, 216, 90, 55, 65],
  size: 8, lead: 10, pad: 3,
  // the header and the số đến centred, the rest from the left
  align: (column, header) => (header || column === 0 ? 'center' : 'left'),
};

export interface BookPrint {
  agency: string;
  from: string | null;
  to: string | null;
  entries: AsyncIterable<RegisterEntry>;
  /** When it is printed (the footer says so). */
  printedAt: string;
}

export function bookPdf(p: BookPrint): Promise<Uint8Array> {
  return tablePdf(LAYOUT, {
    docTitle: 'Sổ đăng ký văn bản đến', agency: p.agency, title: 'SỔ ĐĂNG KÝ VĂN BẢN ĐẾN',
    subtitle: `Từ ngày ${p.from ? vnDate(p.from) : '…'} đến ngày ${p.to ? vnDate(p.to) : '…'}`,
    columns: BOOK_COLUMNS, printedAt: p.printedAt,
  }, rowsOf(p.entries), 'Không có văn bản nào trong khoảng thời gian này.');
}

async function* rowsOf(entries: AsyncIterable<RegisterEntry>) {
  for await (const e of entries) yield { cells: bookCells(bookEntry(e)) };
}
