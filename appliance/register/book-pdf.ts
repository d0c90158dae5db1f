import { tablePdf, type TableLayout } from '../pdf/table-pdf.js';
import type { BookKind } from './book-kind.js';
import { vnDate } from './book-view.js';
import type { RegisterEntry } from './entry.js';

// A register book printed as the paper book (Decree 30 App. IV): A4 landscape, the agency and the
// date range on top, the book's columns (book-kind.ts) with their header repeated on every page,
// each line wrapped within its column, a page number at the foot (pdf/table-pdf.ts lays it out).

const layoutOf = (kind: BookKind): TableLayout => ({
  page: { w: 841.89, h: 595.28 },
  margin: 28,
  widths: kind.paperWidths,
  size: 8, lead: 10, pad: 3,
  // the header and the số đến centred, the rest from the left
  align: (column, header) => (header || (column === 0 && kind.numbered) ? 'center' : 'left'),
});

export interface BookPrint {
  kind: BookKind;
  agency: string;
  from: string | null;
  to: string | null;
  entries: AsyncIterable<RegisterEntry>;
  /** When it is printed (the footer says so). */
  printedAt: string;
}

export function bookPdf(p: BookPrint): Promise<Uint8Array> {
  return tablePdf(layoutOf(p.kind), {
    docTitle: p.kind.docTitle, agency: p.agency, title: p.kind.title,
    subtitle: `Từ ngày ${p.from ? vnDate(p.from) : '…'} đến ngày ${p.to ? vnDate(p.to) : '…'}`,
    columns: p.kind.columns, printedAt: p.printedAt,
  }, rowsOf(p.kind, p.entries), 'Không có văn bản nào trong khoảng thời gian này.');
}

async function* rowsOf(kind: BookKind, entries: AsyncIterable<RegisterEntry>) {
  for await (const e of entries) yield { cells: kind.cells(e) };
}
