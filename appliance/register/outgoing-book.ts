import { randomBytes } from 'node:crypto';
import type { DocumentState } from '../events.js';
import type { RegisterEntry, ResolvedRecipient } from './entry.js';
import { foldVietnamese } from './fold.js';
import { vnDate } from './book-view.js';

// The outgoing register (sổ đăng ký văn bản đi, Decree 30 art. 16 and App. IV): documents the
// agency numbered, signed and stamped on paper, scanned here, signed with the agency signature and
// sent to the recipients under "Nơi nhận" (Lào Cai art. 9.2). Its number space is the printed
// số/ký hiệu, unique within the year of issue (numbers restart on 1 January; Hà Nam art. 12.2);
// no số đến is taken. Documents go through the same lifecycle, filing and outbox as incoming ones.

/** The outgoing book's duplicate key: the printed số/ký hiệu, folded, with its year of issue. */
export function outgoingKey(date: string | null, number: string, fallbackYear: number): string {
  const year = date && /^\d{4}/.test(date) ? date.slice(0, 4) : String(fallbackYear);
  return `${year}|${foldVietnamese(number).replace(/^so\s*:?\s*/, '').replace(/\s+/g, '').replace(/\s*([/-])\s*/g, '$1')}`;
}

/**
 * An outgoing document's id: `out-` and its registration time in Vietnam (sorting the ids sorts
 * the book), then random letters. Never the form of a numbered one (`2026-000118`), so the
 * register never takes it for a số đến.
 */
export function outgoingDocId(at: Date): string {
  const t = new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 23).replace(/[-:.]/g, '');
  return `out-${t}-${randomBytes(3).toString('hex')}`;
}

export const duplicateOutgoingMessage = (number: string, year: string, other: RegisterEntry) =>
  `Số, ký hiệu "${number}" đã có trong sổ văn bản đi năm ${year} (đăng ký ngày ${vnDate(other.arrivalDate)}). ` +
  'Hãy kiểm tra lại số in trên văn bản: một văn bản đi chỉ được đăng ký một lần.';

/** One line of the outgoing book (GET /api/register?book=outgoing). */
export interface OutgoingBookEntry {
  docId: string;
  book: 'outgoing';
  /** Số, ký hiệu văn bản as printed. */
  numberNotation: string;
  /** Ngày tháng văn bản, YYYY-MM-DD. */
  date: string | null;
  type: string;
  summary: string | null;
  signer: string | null;
  recipients: ResolvedRecipient[];
  /** Đơn vị, người nhận bản lưu: the codes of the "Lưu:" line. */
  keptBy: string | null;
  /** Số lượng bản: the printed copies (one per recipient line, the archive's included). */
  copies: number;
  note: string | null;
  /** When it was entered in the book (ISO 8601 +07:00). */
  registeredAt: string;
  state: DocumentState;
}

export function outgoingBookEntry(e: RegisterEntry): OutgoingBookEntry {
  const recipients = e.outgoing?.recipients ?? [];
  const kept = recipients.filter((r) => r.copyOnly).map((r) => r.text.replace(/^\s*lưu\s*:?\s*/iu, '').replace(/[.;]+$/, '').trim()).filter(Boolean);
  return {
    docId: e.docId, book: 'outgoing', numberNotation: e.outgoing?.number ?? e.fields.numberNotation ?? '', date: e.fields.date, type: e.fields.type,
    summary: e.fields.summary, signer: e.fields.signer, recipients, keptBy: kept.join(', ') || null, copies: recipients.length,
    note: e.extras.note ?? null, registeredAt: e.arrivalDate, state: e.state,
  };
}

/** Decree 30 App. IV, sổ đăng ký văn bản đi: the columns this book fills, in order. */
export const OUTGOING_COLUMNS = ['Số, ký hiệu văn bản', 'Ngày tháng văn bản', 'Tên loại và trích yếu nội dung văn bản', 'Người ký', 'Nơi nhận văn bản', 'Đơn vị, người nhận bản lưu', 'Số lượng bản', 'Ghi chú'] as const;

/** A recipient as the book writes it: the agency's name, or the printed line marked as not sent electronically. */
const recipientCell = (r: ResolvedRecipient) => (r.organId ? `${r.name ?? r.text} (${r.organId})` : `${r.text.replace(/^\s*[-–•+]\s*/, '').replace(/[\s;.,]+$/, '')} (chưa gửi điện tử)`);

export function outgoingCells(e: OutgoingBookEntry): string[] {
  const notes = [e.note, e.state === 'discarded' ? 'Đã huỷ' : null, e.state === 'rejected' ? 'Bị từ chối' : null].filter(Boolean);
  return [
    e.numberNotation, vnDate(e.date), [e.type, e.summary].filter(Boolean).join(': '), e.signer ?? '',
    e.recipients.filter((r) => !r.copyOnly).map(recipientCell).join('; '), e.keptBy ?? '', String(e.copies), notes.join('; '),
  ];
}

const csvCell = (v: string) => `"${v.replace(/"/g, '""')}"`;

/** The outgoing book as CSV (UTF-8 with BOM for Excel, CRLF), like the incoming one. */
export async function* outgoingCsv(entries: AsyncIterable<RegisterEntry>): AsyncGenerator<string> {
  yield '\uFEFF' + OUTGOING_COLUMNS.map(csvCell).join(',') + '\r\n';
  for await (const e of entries) yield outgoingCells(outgoingBookEntry(e)).map(csvCell).join(',') + '\r\n';
}
