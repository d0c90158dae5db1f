import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { bookEntry, type RegisterBookPort } from '../register/book-view.js';
import { bookKind } from '../register/book-kind.js';
import { bookPdf } from '../register/book-pdf.js';
import { bookXlsx } from '../register/book-xlsx.js';
import type { BookFilter } from '../register/book-query.js';
import { outgoingBookEntry } from '../register/outgoing-book.js';
import { toVnIso } from '../register/vn-time.js';
import { invalidRequest } from './http-errors.js';
import { statsRoutes } from './routes-stats.js';
import { registerExportRoutes, type RegisterExportOptions } from './routes-register-export.js';

// The register book (sổ đăng ký văn bản đến, Decree 30 App. IV) and the duplicate check the review
// form makes before registering. Reading only; every route needs a session like any GET.
//
//   GET /api/register?from=YYYY-MM-DD&to=YYYY-MM-DD&q=TEXT&limit=N&offset=N   {total, entries: BookEntry[]}
//   GET /api/register.csv?from=&to=&q=        the same lines as CSV, UTF-8 with BOM (Excel)
//   GET /api/register.xlsx?from=&to=&q=       the same lines as an Excel workbook
//   GET /api/register.pdf?from=&to=&q=        the printed book: A4 landscape, App. IV columns
//   GET/POST /api/register/drives, /export, /print   to a USB drive or the printer, for the kiosk (routes-register-export.ts)
//   GET /api/register/duplicates?issuer=&numberNotation=   {duplicates: BookEntry[]} already registered
//   GET /api/register/stats[.csv|.pdf]?from=&to=&by=       the clerk's statistics (routes-stats.ts)
//   ?book=outgoing (JSON, CSV; duplicates with numberNotation and date): the outgoing book (sổ văn bản
//   đi, register/outgoing-book.ts) with its own App. IV columns; its dates are registration days.
// Dates are arrival days in Vietnam; `q` finds số đến, số ký hiệu, issuer, words of the summary…,
// with or without tones. Query strings are strict: unknown or malformed parameters are a 400.

export interface RegisterRoutesOptions {
  book: RegisterBookPort;
  /** Printed at the top of the book. */
  agencyName: string;
  /** Saving to a USB drive and printing with CUPS from the kiosk. */
  export?: RegisterExportOptions;
}

const DAY = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' } as const;
const filterProps = { from: DAY, to: DAY, q: { type: 'string', maxLength: 200 }, book: { enum: ['incoming', 'outgoing'] } } as const;

const bookQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...filterProps,
    // (query values are strings: no type coercion, see server.ts)
    limit: { type: 'string', pattern: '^([1-9]\\d{0,2}|1000)$' },
    offset: { type: 'string', pattern: '^(0|[1-9]\\d{0,6})$' },
  },
} as const;

export const exportQuery = { type: 'object', additionalProperties: false, properties: filterProps } as const;

const duplicatesQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['numberNotation'],
  properties: {
    issuer: { type: 'string', maxLength: 2000 }, numberNotation: { type: 'string', maxLength: 200 },
    book: { enum: ['incoming', 'outgoing'] }, date: { anyOf: [{ type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, { type: 'string', maxLength: 0 }] },
  },
} as const;

/** A printed book longer than this is refused: choose a shorter range (a year fills ~1 500 pages). */
export const PDF_MAX = 5000;

export type Filter = { from?: string; to?: string; q?: string; book?: 'incoming' | 'outgoing' };

export function checked(q: Filter): BookFilter {
  if (q.from && q.to && q.from > q.to) throw invalidRequest('Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.', `from ${q.from} > to ${q.to}`);
  return { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), ...(q.q?.trim() ? { q: q.q } : {}), ...(q.book === 'outgoing' ? { book: 'outgoing' as const } : {}) };
}

export const fileName = (f: BookFilter, ext: string) => `${f.book === 'outgoing' ? 'so-di' : 'so-den'}_${f.from ?? 'dau'}_${f.to ?? 'nay'}.${ext}`;

export function registerRoutes(app: FastifyInstance, opts: RegisterRoutesOptions): void {
  const { book } = opts;
  statsRoutes(app, { stats: book, agencyName: opts.agencyName });

  app.get<{ Querystring: Filter & { limit?: string; offset?: string } }>('/api/register', { schema: { querystring: bookQuery } }, async (req) => {
    const page = await book.book({ ...checked(req.query), limit: Number(req.query.limit ?? 50), offset: Number(req.query.offset ?? 0) });
    const entries = req.query.book === 'outgoing' ? page.entries.map(outgoingBookEntry) : page.entries.map(bookEntry);
    return { total: page.total, entries };
  });

  app.get<{ Querystring: Filter }>('/api/register.csv', { schema: { querystring: exportQuery } }, async (req, reply) => {
    const f = checked(req.query);
    return reply.type('text/csv; charset=utf-8').header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${fileName(f, 'csv')}"`)
      .send(Readable.from(bookKind(f.book).csv(book.bookEntries(f))));
  });

  app.get<{ Querystring: Filter }>('/api/register.xlsx', { schema: { querystring: exportQuery } }, async (req, reply) => {
    const f = checked(req.query);
    const xlsx = await bookXlsx(bookKind(f.book), book.bookEntries(f));
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${fileName(f, 'xlsx')}"`).send(xlsx);
  });

  app.get<{ Querystring: Filter }>('/api/register.pdf', { schema: { querystring: exportQuery } }, async (req, reply) => {
    const f = checked(req.query);
    const pdf = await printedBook(opts, f);
    return reply.type('application/pdf').header('cache-control', 'no-store')
      .header('content-disposition', `inline; filename="${fileName(f, 'pdf')}"`).send(Buffer.from(pdf));
  });

  app.get<{ Querystring: { issuer?: string; numberNotation: string; book?: string; date?: string } }>('/api/register/duplicates', { schema: { querystring: duplicatesQuery } }, async (req) => {
    const q = req.query;
    if (q.book === 'outgoing') return { duplicates: book.outgoingDuplicates(q.numberNotation, q.date || null).map(outgoingBookEntry) };
    if (q.issuer === undefined) throw invalidRequest('Thiếu cơ quan ban hành.', 'issuer is required for the incoming book');
    return { duplicates: book.duplicates(q.issuer, q.numberNotation).map(bookEntry) };
  });

  if (opts.export) registerExportRoutes(app, opts, opts.export);
}

/** The printed book of `f` (refused past PDF_MAX lines). */
export async function printedBook(opts: RegisterRoutesOptions, f: BookFilter): Promise<Uint8Array> {
  const { total } = await opts.book.book({ ...f, limit: 1 });
  if (total > PDF_MAX) {
    throw invalidRequest(`Khoảng thời gian có ${total} văn bản, quá nhiều để in một lần (tối đa ${PDF_MAX}). Hãy chọn khoảng ngắn hơn.`, `${total} entries > ${PDF_MAX}`);
  }
  return bookPdf({ kind: bookKind(f.book), agency: opts.agencyName, from: f.from ?? null, to: f.to ?? null, entries: opts.book.bookEntries(f), printedAt: toVnIso(new Date()).slice(0, 16).replace('T', ' ') });
}
