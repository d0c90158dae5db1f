import { newJobId, previewUrl } from '../capture/capture.js';
import { SohoaError, toErrorInfo } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { OcrPage } from '../ocr/ocr.js';
import type { JobView } from './desk.js';
import { handOverPages, type JobPage, type SpoolPort } from './job-pages.js';
import type { JobRecord, JobRecords } from './job-records.js';
import type { ExtractedPages, PageReader } from './page-reader.js';
import { splitStack } from './split-stack.js';
import { span } from '../ocr/profile.js';
import { marksOf, separatorOf, separatorStub, type SeparatorEvidence } from './stack-marks.js';

// A batch ("Quét cả tập") after its pages are read: split into document jobs (split-stack.ts),
// the split written into the batch's record before any page moves (so a restart finishes the
// hand-over instead of splitting twice), each document given its pages (hard links,
// job-pages.ts) and its fields extracted in stack order. Also the clerk's "Gộp với văn bản
// trước" and the batch's progress on the desk. Apart from scan-jobs.ts, which only starts the
// scanner runs and keeps the job list, because this is the whole of what a batch adds.

/** What the batch side needs of the scan jobs that own it. */
export interface BatchHost {
  /** Deletes a job and its files (and a batch left with no document). */
  remove(jobId: string): Promise<void>;
  /** Runs work after the request returned; what it does not handle ends the job as failed. */
  background(rec: JobRecord, work: Promise<void>): void;
}

/** Fields read ahead for a batch's documents, by the batch's page indices of each ("3,4,5"). */
type Ahead = Map<string, Promise<ExtractedPages | null>>;

export class BatchJobs {
  /**
   * Per batch being scanned: the documents whose pages are all read and that a later document
   * already follows (so the split at the end cannot give them other pages) have their fields
   * read while the feeder still runs, when the cores have room between pages. The split at the
   * end takes them for each document with exactly those pages, instead of reading every document
   * one after the other once the last page is scanned (that queue was most of the wait for review).
   */
  private readonly ahead = new Map<string, Ahead>();

  constructor(private readonly deps: {
    records: JobRecords;
    reader: Pick<PageReader, 'recognise' | 'readPage' | 'extractAhead'>;
    capture: SpoolPort;
    bus: EventBus;
    log: Logger;
    host: BatchHost;
  }) {}

  /**
   * For one scanner run into a batch: counts each page as scanned, and the documents in the pages
   * read so far as they are read. Returns what to call with each new page's OCR.
   */
  liveCount(rec: JobRecord): (ocr: Promise<OcrPage>) => void {
    const batch = rec.view.batch!;
    const read: (OcrPage | undefined)[] = [];
    const continuing = batch.documents.length > 0;
    const ahead: Ahead = new Map();
    this.ahead.set(rec.view.jobId, ahead);
    return (ocr) => {
      batch.pagesScanned++;
      this.progress(rec);
      const at = rec.pages.length - 1;
      void ocr.then((o) => {
        read[at] = o;
        const prefix = read.slice(0, read.findIndex((x) => !x) === -1 ? read.length : read.findIndex((x) => !x)) as OcrPage[];
        const docs = splitStack(prefix, { continuing, ...marksOf(rec.stack) }).documents;
        batch.found = batch.documents.length + docs.filter((d) => !d.continues).length;
        this.progress(rec);
        // every document but the last is closed: its fields can be read now
        for (const d of docs.slice(0, -1)) {
          const key = d.pages.join(',');
          if (d.continues || ahead.has(key)) continue;
          ahead.set(key, this.deps.reader.extractAhead(d.pages.map((i) => prefix[i]!)).catch((err: unknown) => {
            this.deps.log.warn({ jobId: rec.view.jobId, pages: key, err: toErrorInfo(err) }, 'fields not read ahead: read again after the split');
            return null;
          }));
        }
      }, () => undefined);
    };
  }

  /**
   * A page of the stack as it lands (or again after a restart): a separator sheet is recorded as
   * such and never read; any other page is read. `at` is its position in the batch's pages.
   */
  readStackPage(rec: JobRecord, at: number, page: JobPage & SeparatorEvidence & { dpi: number }): Promise<OcrPage> {
    const stack = rec.stack;
    if (!stack) return this.deps.reader.readPage(rec, page);
    // a profile that keeps blank pages ('keep'): the reader's own blank judgement (no confident
    // word) does not drop the page either, or the split would leave it out of every document
    const read = (): Promise<OcrPage> => {
      const ocr = this.deps.reader.readPage(rec, page);
      return stack.policy.blankPages === 'keep' ? ocr.then((o) => (o.blank ? { ...o, blank: false } : o)) : ocr;
    };
    const found = span('separator.check', () => separatorOf(page, stack.policy)).catch((err: unknown) => {
      // (zbarimg missing or failing: the page is read as a page of a document; the technician sees why)
      this.deps.log.error({ jobId: rec.view.jobId, page: page.index, err: toErrorInfo(err) }, 'separator check failed: page read as a document page');
      return null;
    });
    return found.then((kind) => {
      if (!kind) return read();
      stack.separators[at] = kind;
      this.deps.log.info({ jobId: rec.view.jobId, page: page.index, kind }, 'separator sheet');
      return separatorStub(page, page.dpi);
    });
  }

  /**
   * "Tài liệu tiếp theo": the document under way ends at the page scanned last; the next page
   * starts another, whatever it shows.
   */
  async nextDocument(jobId: string, scanning: boolean): Promise<JobView> {
    const rec = this.deps.records.require(jobId);
    if (!rec.view.batch || !rec.stack || !scanning || rec.view.state !== 'scanning') {
      throw new SohoaError('register.state', 'Chỉ dùng "Tài liệu tiếp theo" khi đang quét cả tập.', `job ${jobId} is not a batch being scanned`);
    }
    if (rec.pages.length === 0) {
      throw new SohoaError('register.state', 'Chưa có trang nào được quét trong tập này.', `batch ${jobId} has no page yet`);
    }
    const last = rec.pages.length - 1;
    if (!rec.stack.breaksAfter.includes(last)) rec.stack.breaksAfter.push(last);
    await this.deps.records.save(rec);
    this.deps.log.info({ jobId, afterPage: rec.pages[last]!.index }, 'next document marked');
    return rec.view;
  }

  /** The batch's pages are read: split them, persist the split, hand the pages over, extract. */
  async splitBatch(rec: JobRecord, pending: Promise<OcrPage>[]): Promise<void> {
    const { records } = this.deps;
    const batch = rec.view.batch!;
    rec.view = { ...rec.view, state: 'extracting' };
    await records.save(rec);
    this.progress(rec);
    try {
      rec.ocr = await Promise.all(pending);
      // After a jam the first pages may continue the last document, if it is still open.
      const last = batch.documents.length ? records.get(batch.documents.at(-1)!) : undefined;
      const carry = last && (last.view.state === 'review' || last.view.state === 'failed') ? last : undefined;
      const split = splitStack(rec.ocr, { continuing: !!carry, ...marksOf(rec.stack) });
      rec.plan = split.documents.map((d) => ({
        jobId: d.continues ? carry!.view.jobId : newJobId(), pages: d.pages, confidence: d.confidence, doubtful: d.doubtful,
        continues: d.continues, after: d.continues ? carry!.pages.length : 0,
      }));
      batch.found = batch.documents.length + rec.plan.filter((d) => !d.continues).length;
      await records.save(rec);
      this.deps.log.info({ jobId: rec.view.jobId, pages: rec.pages.length, documents: rec.plan.length, blank: split.blank.length, separators: split.separators.length }, 'batch split');
      await this.handOver(rec);
    } catch (err) {
      await this.batchFailed(rec, err);
    }
  }

  /** Gives every planned document its pages (idempotent), empties the batch, then extracts each document. */
  async handOver(rec: JobRecord): Promise<void> {
    const { records } = this.deps;
    const batch = rec.view.batch!;
    const { jobId } = rec.view;
    const toExtract: { doc: JobRecord; key: string | null }[] = [];
    for (const d of rec.plan ?? []) {
      const pages = d.pages.map((i) => ({ page: rec.pages[i]!, ocr: rec.ocr[i]! }));
      const existing = records.get(d.jobId);
      // Made (or appended to) before a restart cut the hand-over short: nothing to redo.
      const made = existing && (!d.continues || existing.pages.length >= d.after + pages.length);
      if (made && !d.done) {
        if (!d.continues && !batch.documents.includes(d.jobId)) batch.documents.push(d.jobId);
        d.done = true;
        await records.save(rec);
      }
      if (!d.done) {
        const target: JobRecord = existing ?? {
          view: {
            jobId: d.jobId, state: 'extracting', startedAt: new Date().toISOString(), pages: [], result: null, error: null, docId: null,
            split: { batchId: jobId, confidence: d.confidence, doubtful: d.doubtful },
          },
          pages: [], ocr: [],
        };
        const moved = await handOverPages(this.deps.capture, {
          from: jobId, to: d.jobId, fromWorkDir: records.workDir(jobId), toWorkDir: records.workDir(d.jobId), after: d.continues ? d.after : 0, pages,
        });
        appendPages(target, moved);
        if (existing) {
          const conf = Math.min(existing.view.split?.confidence ?? 1, d.confidence);
          existing.view = { ...existing.view, state: 'extracting', result: null, error: null, split: { batchId: jobId, confidence: conf, doubtful: conf < 0.6 || d.doubtful } };
        }
        records.set(target);
        await records.save(target);
        if (!d.continues) batch.documents.push(d.jobId);
        d.done = true;
        await records.save(rec);
        toExtract.push({ doc: target, key: d.continues ? null : d.pages.join(',') });
      }
    }
    // The fields read ahead read the batch's own page files: they finish before those go.
    const ahead = this.ahead.get(jobId);
    this.ahead.delete(jobId);
    const ready = new Map<JobRecord, Promise<ExtractedPages | null>>();
    for (const { doc, key } of toExtract) { const a = key === null ? undefined : ahead?.get(key); if (a) ready.set(doc, a); }
    await Promise.all(ahead?.values() ?? []);
    // Every page now belongs to a document (or was a blank back): the batch keeps no page.
    rec.plan = undefined;
    rec.pages = [];
    rec.ocr = [];
    rec.view = { ...rec.view, state: 'split', pages: [] };
    await records.save(rec);
    await records.dropPages(jobId);
    this.progress(rec);
    await this.extractAll(rec, toExtract.map((t) => t.doc), ready);
  }

  /**
   * "Gộp với văn bản trước": the document's pages go after those of the previous document of its
   * batch, whose fields are extracted again; the document itself is removed.
   */
  async merge(jobId: string): Promise<JobView> {
    const { records } = this.deps;
    const rec = records.require(jobId);
    const batch = rec.view.split && records.get(rec.view.split.batchId);
    const order = batch?.view.batch?.documents ?? [];
    const prevId = order.slice(0, order.indexOf(jobId)).reverse().find((id) => records.has(id));
    const prev = prevId ? records.get(prevId) : undefined;
    const open = (r: JobRecord) => r.view.state === 'review' || r.view.state === 'failed';
    if (!batch || !prev || !open(rec) || !open(prev)) {
      throw new SohoaError('register.state', 'Chỉ gộp được với văn bản trước trong cùng tập, khi cả hai đang chờ kiểm tra.',
        `job ${jobId} (${rec.view.state}) has no open previous document (${prev?.view.state ?? 'none'})`);
    }
    const kept = rec.pages.map((page, i) => ({ page, ocr: rec.ocr[i]! })).filter((p) => p.ocr && !p.page.blank);
    const moved = await handOverPages(this.deps.capture, {
      from: jobId, to: prev.view.jobId, fromWorkDir: records.workDir(jobId), toWorkDir: records.workDir(prev.view.jobId),
      after: prev.pages.length, pages: kept,
    });
    appendPages(prev, moved);
    prev.view.split = { ...prev.view.split!, confidence: 1, doubtful: false };
    prev.view = { ...prev.view, state: 'extracting', result: null };
    await records.save(prev);
    batch.view.batch!.documents = order.filter((id) => id !== jobId);
    await records.save(batch);
    await this.deps.host.remove(jobId);
    this.deps.host.background(prev, this.extractAll(batch, [prev]));
    return prev.view;
  }

  /** Drops batches that have nothing left to offer (every document filed or discarded, or none found). */
  async prune(): Promise<void> {
    const { records } = this.deps;
    for (const r of records.all()) {
      if (r.view.batch && r.view.state === 'split' && !r.view.batch.documents.some((id) => records.has(id))) await this.deps.host.remove(r.view.jobId);
    }
  }

  /** Extracts the fields of a batch's documents one after the other, in stack order. */
  private async extractAll(batch: JobRecord, docs: JobRecord[], ready = new Map<JobRecord, Promise<ExtractedPages | null>>()): Promise<void> {
    for (const doc of docs) {
      await span('batch.extractDocument', () => this.deps.reader.recognise(doc, doc.ocr.map((p) => Promise.resolve(p)), ready.get(doc)));
      this.progress(batch);
    }
  }

  async batchFailed(rec: JobRecord, err: unknown): Promise<void> {
    this.ahead.delete(rec.view.jobId);
    const error = toErrorInfo(err);
    this.deps.log.error({ jobId: rec.view.jobId, err: error }, 'batch could not be split');
    rec.view = { ...rec.view, state: 'failed', error };
    await this.deps.records.save(rec);
    this.progress(rec);
    this.deps.bus.emit('job.failed', { jobId: rec.view.jobId, error });
  }

  /** The batch's state on the desk: pages scanned, documents found, how many are extracted. */
  progress(rec: JobRecord): void {
    const b = rec.view.batch;
    if (!b) return;
    const state = rec.view.state === 'scanning' || rec.view.state === 'split' || rec.view.state === 'failed' ? rec.view.state : 'extracting';
    const extracted = b.documents.filter((id) => {
      const s = this.deps.records.get(id)?.view.state;
      return s !== undefined && s !== 'extracting';
    }).length;
    this.deps.bus.emit('batch.progress', {
      jobId: rec.view.jobId, state, pagesScanned: b.pagesScanned, found: b.found, documents: [...b.documents], extracted,
    });
  }
}

function appendPages(rec: JobRecord, moved: { pages: JobPage[]; ocr: OcrPage[] }): void {
  const { jobId } = rec.view;
  rec.pages.push(...moved.pages);
  rec.ocr.push(...moved.ocr);
  rec.view.pages.push(...moved.pages.map((p) => ({ page: p.index, imageUrl: previewUrl(jobId, p.index), blank: p.blank })));
}
