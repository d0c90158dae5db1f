import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { bookKind } from '../register/book-kind.js';
import { bookXlsx } from '../register/book-xlsx.js';
import { printPdf } from '../register/book-print.js';
import { chooseDrive, listDrives, writeToDrive } from '../register/removable-drives.js';
import type { BookFilter } from '../register/book-query.js';
import { actorOf } from './actor.js';
import { checked, fileName, printedBook, type Filter, type RegisterRoutesOptions } from './routes-register.js';

// The register book out of the kiosk, which downloads nothing (its Chromium policy): saved by the
// service onto a USB drive plugged into the appliance, or printed by CUPS. Commands (POST: Bearer
// session only); the drive is named by its mount point and checked against the mount table again,
// so nothing can be written anywhere but on a removable drive under the configured roots. What
// leaves the machine is written in the audit log once it has left: who, which range and search,
// how many entries, onto which drive and file or to which print job ('exported', 'printed').
//
//   GET  /api/register/drives                      {drives: [{path, label, freeMB}]}
//   POST /api/register/export {format, drive?, from?, to?, q?}   {drive, file, bytes}
//   POST /api/register/print  {from?, to?, q?}     {job}  (503 print.unavailable without CUPS/printer)

export interface RegisterExportOptions {
  /** Where removable drives are mounted (register.exportRoots). */
  roots: readonly string[];
  /** The CUPS client (default `lp`). */
  printCommand?: string;
  /** The kernel's mount table (tests may give another). */
  mountTable?: string;
}

const DAY = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' } as const;
const filterProps = { from: DAY, to: DAY, q: { type: 'string', maxLength: 200 }, book: { enum: ['incoming', 'outgoing'] } } as const;
const FORMATS = ['csv', 'xlsx', 'pdf'] as const;
type Format = (typeof FORMATS)[number];

const exportBody = {
  type: 'object', additionalProperties: false, required: ['format'],
  properties: { ...filterProps, format: { type: 'string', enum: FORMATS }, drive: { type: 'string', minLength: 1, maxLength: 4096 } },
} as const;
const printBody = { type: 'object', additionalProperties: false, properties: filterProps } as const;

export function registerExportRoutes(app: FastifyInstance, opts: RegisterRoutesOptions, ex: RegisterExportOptions): void {
  const render = async (format: Format, f: ReturnType<typeof checked>): Promise<Buffer> => {
    if (format === 'csv') return buffer(Readable.from(bookKind(f.book).csv(opts.book.bookEntries(f))));
    if (format === 'xlsx') return bookXlsx(bookKind(f.book), opts.book.bookEntries(f));
    return Buffer.from(await printedBook(opts, f));
  };

  app.get('/api/register/drives', async () => ({ drives: await listDrives(ex.roots, ex.mountTable) }));

  app.post<{ Body: Filter & { format: Format; drive?: string } }>('/api/register/export', { schema: { body: exportBody } }, async (req) => {
    const actor = actorOf(req);
    const f = checked(req.body);
    const drive = await chooseDrive(ex.roots, req.body.drive, ex.mountTable);
    const data = await render(req.body.format, f);
    const file = await writeToDrive(drive, fileName(f, req.body.format), data);
    req.log.info({ drive: drive.path, file, bytes: data.length }, 'register book saved to a removable drive');
    await opts.book.recordAudit(actor.name, 'exported', null, {
      ...(await what(f)), format: req.body.format, drive: drive.label, mountPoint: drive.path, file, bytes: data.length,
    });
    return { drive: drive.label, file, bytes: data.length };
  });

  app.post<{ Body: Filter }>('/api/register/print', { schema: { body: printBody } }, async (req) => {
    const actor = actorOf(req);
    const f = checked(req.body ?? {});
    const printed = await printPdf(await printedBook(opts, f), fileName(f, 'pdf'), ex.printCommand);
    await opts.book.recordAudit(actor.name, 'printed', null, { ...(await what(f)), job: printed.job });
    return printed;
  });

  /** What an audit record says of the book that left: which book, range and search, how many entries. */
  const what = async (f: BookFilter) => ({
    book: f.book ?? 'incoming', from: f.from ?? null, to: f.to ?? null, ...(f.q ? { q: f.q } : {}),
    entries: (await opts.book.book({ ...f, limit: 0 })).total,
  });
}
