import { SohoaError } from '../errors.js';
import type { OutboxItem, OutboxStore, PackageSource } from './store.js';

// What a document handed to the queue becomes (Outbox.enqueue): the source of its package, checked,
// and its first record. Pure: the queue writes them (store.ts) and keeps them in order (outbox.ts).

/** The package as enqueue() takes it: the whole edXML, or its texts around the signed PDF(s). */
export type EnqueuedPackage = string | { head: string; tail: string } | { texts: string[] };
export interface EnqueueOptions { priority?: number; pdfPath?: string; pdfPaths?: string[] }

/**
 * Where the package's files come from. `pdfPath`: the one signed PDF it carries (kept as parts,
 * sent streamed); `pdfPaths`: a document split into parts under 50 MB, one signed PDF per
 * attachment in order. Throws when texts and PDFs do not fit together.
 */
export function packageSource(docId: string, pkg: EnqueuedPackage, opts: EnqueueOptions): PackageSource {
  const src: PackageSource = typeof pkg === 'string'
    ? { xml: pkg, ...(opts.pdfPaths ? { pdfPaths: opts.pdfPaths } : opts.pdfPath ? { pdfPath: opts.pdfPath } : {}) }
    : 'texts' in pkg ? { texts: pkg.texts, pdfPaths: opts.pdfPaths ?? [] } : { ...pkg, pdfPath: opts.pdfPath ?? '' };
  if ('texts' in src && src.texts.length !== src.pdfPaths.length + 1) throw new SohoaError('request.invalid', 'Thiếu tệp PDF của gói tin.', `outbox: ${docId}: ${src.texts.length} texts for ${src.pdfPaths.length} PDFs`);
  if ('head' in src && !src.pdfPath) throw new SohoaError('request.invalid', 'Thiếu tệp PDF của gói tin.', `outbox: parts of ${docId} without pdfPath`);
  return src;
}

/** The first record of a queued document: waiting, never tried, after the last `seq` in the queue. */
export function newItem(docId: string, documentId: string, seq: number, priority: number, body: Awaited<ReturnType<OutboxStore['createPackage']>>): OutboxItem {
  return {
    docId, documentId, seq, priority,
    state: 'queued', attempts: 0, enqueuedAt: new Date().toISOString(), lastAttemptAt: null, nextAttemptAt: null,
    statusCode: null, lastError: null, credentialsRefused: false, deliveredAt: null, acceptedAt: null, polls: 0,
    ...body, localCopyRemovedAt: null,
  };
}

/** A failed write of a new item, as the clerk is told: a full disk, or another storage error. */
export function enqueueWriteError(err: unknown): SohoaError {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOSPC') return new SohoaError('storage.full', 'Ổ đĩa đã đầy: chưa đưa được văn bản vào hàng đợi gửi. Hãy báo kỹ thuật viên giải phóng dung lượng.', e.message, { cause: err });
  return new SohoaError('storage.io', 'Lỗi ghi hàng đợi gửi ra đĩa. Hãy báo kỹ thuật viên.', e.message, { cause: err });
}
