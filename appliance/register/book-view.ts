import type { DocumentState } from '../events.js';
import type { BookFilter } from './book-query.js';
import type { RegisterEntry } from './entry.js';
import type { StatsFilter } from './stats.js';
import type { AuditAction } from './audit-log.js';

// The register book as people read it: Decree 30/2020 Appendix IV, "Sổ đăng ký văn bản đến", one
// line per số đến. Shared by the JSON API, the CSV export and the printed book (book-pdf.ts).

/** One line of the book (GET /api/register). */
export interface BookEntry {
  docId: string;
  arrivalNumber: number;
  /** ISO 8601 +07:00. */
  arrivalDate: string;
  issuer: string | null;
  numberNotation: string | null;
  /** Date of issue, YYYY-MM-DD. */
  date: string | null;
  type: string;
  summary: string | null;
  recipientUnit: string | null;
  note: string | null;
  state: DocumentState;
  duplicateOf: string | null;
  /** A late entry: its paper record, who entered it and when (null otherwise). */
  late: RegisterEntry['late'] | null;
}

/** What the API needs of the register for the book (implemented by Register). */
export interface RegisterBookPort {
  book(filter: BookFilter & { limit?: number; offset?: number }): Promise<{ total: number; entries: RegisterEntry[] }>;
  bookEntries(filter: BookFilter): AsyncGenerator<RegisterEntry>;
  duplicates(issuer: string | null, numberNotation: string | null): RegisterEntry[];
  /** Statistics (stats.ts): every registration of a range, held ones included. */
  statsEntries(filter: StatsFilter): AsyncGenerator<RegisterEntry>;
  /** The outgoing book's entries with this printed số/ký hiệu in its year of issue (outgoing-book.ts). */
  outgoingDuplicates(numberNotation: string, date: string | null): RegisterEntry[];
  /** The audit log: who saved or printed the book, where, how many entries (routes-register-export.ts). */
  recordAudit(actor: string, action: AuditAction, docId: string | null, detail?: Record<string, unknown>): Promise<void>;
}

export function bookEntry(e: RegisterEntry): BookEntry {
  return {
    docId: e.docId, arrivalNumber: e.arrivalNumber ?? 0, arrivalDate: e.arrivalDate, issuer: e.fields.issuer, numberNotation: e.fields.numberNotation,
    date: e.fields.date, type: e.fields.type, summary: e.fields.summary, recipientUnit: e.extras.recipientUnit ?? null, note: e.extras.note ?? null,
    state: e.state, duplicateOf: e.duplicateOf, late: e.late ?? null,
  };
}

/** Decree 30 App. IV columns, in order. */
export const BOOK_COLUMNS = ['Số đến', 'Ngày đến', 'Tác giả', 'Số, ký hiệu', 'Ngày tháng', 'Tên loại và trích yếu nội dung', 'Đơn vị hoặc người nhận', 'Ký nhận', 'Ghi chú'] as const;

/** `YYYY-MM-DD…` → `dd/mm/yyyy`, the way the paper book writes dates. */
export function vnDate(iso: string | null): string {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})/.exec(iso) : null;
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

/** The register's mark of a late entry: "Vào sổ muộn ngày dd/mm/yyyy (Nguyễn Văn A), theo Sổ giấy trang 12, dòng 3". */
export function lateNote(e: Pick<BookEntry, 'late'>): string | null {
  return e.late ? `Vào sổ muộn ngày ${vnDate(e.late.enteredAt)} (${e.late.enteredBy}), theo ${e.late.paperRecord}` : null;
}

/** The nine cells of one line of the book (ký nhận is signed by hand on paper: empty). */
export function bookCells(e: BookEntry): string[] {
  const notes = [e.note, e.duplicateOf ? `Trùng số, ký hiệu với văn bản ${e.duplicateOf}` : null, e.state === 'discarded' ? 'Đã huỷ' : null, lateNote(e)].filter(Boolean);
  return [
    String(e.arrivalNumber), vnDate(e.arrivalDate), e.issuer ?? '', e.numberNotation ?? '', vnDate(e.date),
    [e.type, e.summary].filter(Boolean).join(': '), e.recipientUnit ?? '', '', notes.join('; '),
  ];
}

const csvCell = (v: string) => `"${v.replace(/"/g, '""')}"`;

/**
 * The book as CSV (RFC 4180, CRLF), UTF-8 with a byte-order mark so Excel shows Vietnamese
 * letters (without it Excel reads the file as the local ANSI code page).
 */
export async function* bookCsv(entries: AsyncIterable<RegisterEntry>): AsyncGenerator<string> {
  yield '\uFEFF' + BOOK_COLUMNS.map(csvCell).join(',') + '\r\n';
  for await (const e of entries) yield bookCells(bookEntry(e)).map(csvCell).join(',') + '\r\n';
}
