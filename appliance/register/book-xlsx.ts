import writeXlsxFile, { type Cell, type Row } from 'write-excel-file/node';
import { BOOK_COLUMNS, bookCells, bookEntry } from './book-view.js';
import type { RegisterEntry } from './entry.js';

// The register book as an Excel workbook (.xlsx): one sheet "Sổ đến", the Decree 30 App. IV
// columns as the header (bold, kept on screen while scrolling), one row per số đến, the same cells
// as the CSV and the printed book (book-view.ts). Số đến is a number (Excel sorts and sums it);
// dates stay dd/mm/yyyy text as the paper book writes them, so no time zone can shift a day.
// Written by write-excel-file (its only dependency is fflate, the zip); the whole book is built
// in memory: a year of a busy desk (~15 000 lines) is a few MB.

/** Column widths in characters, App. IV order. */
const WIDTHS = [8, 12, 32, 18, 12, 60, 24, 12, 24];

export async function bookXlsx(entries: AsyncIterable<RegisterEntry>): Promise<Buffer> {
  const head: Row = BOOK_COLUMNS.map((c): Cell => ({ value: c, fontWeight: 'bold', wrap: true, alignVertical: 'center' }));
  const rows: Row[] = [head];
  for await (const e of entries) {
    const cells = bookCells(bookEntry(e));
    rows.push(cells.map((v, i): Cell => (i === 0 ? { value: Number(v), type: Number } : { value: v, wrap: i === 2 || i === 5 || i === 8, alignVertical: 'top' })));
  }
  return writeXlsxFile(rows, { sheet: 'Sổ đến', columns: WIDTHS.map((width) => ({ width })), stickyRowsCount: 1 }).toBuffer();
}
