import { BOOK_COLUMNS, bookCells, bookCsv, bookEntry } from './book-view.js';
import type { RegisterEntry } from './entry.js';
import { OUTGOING_COLUMNS, outgoingBookEntry, outgoingCells, outgoingCsv } from './outgoing-book.js';

// The two books of the desk (Decree 30 App. IV): sổ đăng ký văn bản đến and sổ đăng ký văn bản đi.
// One description per book — its columns, its cells, its widths on paper and in Excel — so the
// CSV, the Excel workbook, the printed book and the USB export are written by one code path each
// and never mix one book's lines with the other's columns.

export type Book = 'incoming' | 'outgoing';

export interface BookKind {
  book: Book;
  /** The printed title (upper case, as on the paper book). */
  title: string;
  /** The PDF's metadata title. */
  docTitle: string;
  /** The Excel sheet's name. */
  sheet: string;
  columns: readonly string[];
  cells(e: RegisterEntry): string[];
  csv(entries: AsyncIterable<RegisterEntry>): AsyncGenerator<string>;
  /** Excel column widths, in characters. */
  sheetWidths: number[];
  /** Printed column widths in points (A4 landscape: their sum is 786, the page less the margins). */
  paperWidths: number[];
  /** Columns whose text wraps in Excel (the long ones). */
  wrapped: number[];
  /** The first column is the số đến: a number in Excel, centred on paper. */
  numbered: boolean;
}

const INCOMING: BookKind = {
  book: 'incoming', title: 'SỔ ĐĂNG KÝ VĂN BẢN ĐẾN', docTitle: 'Sổ đăng ký văn bản đến', sheet: 'Sổ đến',
  columns: BOOK_COLUMNS, cells: (e) => bookCells(bookEntry(e)), csv: bookCsv,
  sheetWidths: [8, 12, 32, 18, 12, 60, 24, 12, 24],
  paperWidths: [40, 58, 120, 84, 58, 216, 90, 55, 65],
  wrapped: [2, 5, 8], numbered: true,
};

const OUTGOING: BookKind = {
  book: 'outgoing', title: 'SỔ ĐĂNG KÝ VĂN BẢN ĐI', docTitle: 'Sổ đăng ký văn bản đi', sheet: 'Sổ đi',
  columns: OUTGOING_COLUMNS, cells: (e) => outgoingCells(outgoingBookEntry(e)), csv: outgoingCsv,
  sheetWidths: [18, 12, 60, 22, 50, 22, 8, 24],
  paperWidths: [84, 56, 190, 90, 196, 70, 40, 60],
  wrapped: [2, 4, 5, 7], numbered: false,
};

export const bookKind = (book: Book | undefined): BookKind => (book === 'outgoing' ? OUTGOING : INCOMING);
