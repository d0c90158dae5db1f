import writeXlsxFile, { type Cell, type Row } from 'write-excel-file/node';
import type { BookKind } from './book-kind.js';
import type { RegisterEntry } from './entry.js';

// A register book as an Excel workbook (.xlsx): one sheet ("Sổ đến" or "Sổ đi"), the Decree 30
// App. IV columns as the header (bold, kept on screen while scrolling), one row per line, the same
// cells as the CSV and the printed book (book-kind.ts). A số đến is a number (Excel sorts and sums
// it); dates stay dd/mm/yyyy text as the paper book writes them, so no time zone can shift a day.
// Written by write-excel-file (its only dependency is fflate, the zip); the whole book is built
// in memory: a year of a busy desk (~15 000 lines) is a few MB.

export async function bookXlsx(kind: BookKind, entries: AsyncIterable<RegisterEntry>): Promise<Buffer> {
  const head: Row = kind.columns.map((c): Cell => ({ value: c, fontWeight: 'bold', wrap: true, alignVertical: 'center' }));
  const rows: Row[] = [head];
  for await (const e of entries) {
    rows.push(kind.cells(e).map((v, i): Cell => (i === 0 && kind.numbered ? { value: Number(v), type: Number }
      : { value: v, wrap: kind.wrapped.includes(i), alignVertical: 'top' })));
  }
  return writeXlsxFile(rows, { sheet: kind.sheet, columns: kind.sheetWidths.map((width) => ({ width })), stickyRowsCount: 1 }).toBuffer();
}
