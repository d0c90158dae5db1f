import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { newJobId, previewUrl } from '../capture/capture.js';
import { SohoaError, toErrorInfo } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { ExtractionResult } from '../extract/fields.js';
import type { OcrEngine, OcrPage } from '../ocr/ocr.js';
import { Quarantine } from '../store/quarantine.js';
import type { Actor, JobView, ScanOptions } from './desk.js';
import { readJobFiles, saveJobFile } from './job-files.js';
import { handOverPages, type JobPage, type SpoolPort } from './job-pages.js';
import type { AuditPort, CapturePort, ExtractFn, ReadFieldsFirstFn } from './ports.js';
import { splitStack } from './split-stack.js';

// Scan jobs: paper → page files (capture) → OCR page by page while the next page scans → fields
// for the clerk to check. A job's state is kept in <jobsDir>/<jobId>.json, so a power cut loses
// neither the scanned pages nor the clerk's list of documents waiting for review. A jam or an
// empty feeder keeps the pages so far; "Quét tiếp" scans the rest into the same job, and the
// fields are extracted again over all its pages. Every scan run is in the audit log by name.
// A job of a single page is read fields first (the clerk's wait: header and signature bands on
// both OCR processes, the body after); with a second page, every page is read whole as it lands.
//
// A batch ("Quét cả tập") is a job that scans a whole stack the same way, then is split into
// document jobs (split-stack.ts), each with its own pages (hard links, job-pages.ts) and its own
// fields. The split is written into the batch's record before any page moves, so a restart
// finishes the hand-over instead of splitting twice. After a jam the batch keeps its documents
// and "Quét tiếp" scans the rest of the stack: its first pages may continue the last document.

interface JobRecord {
  view: JobView;
  /** Page image paths in page order, with their blank flag from capture. */
  pages: { index: number; path: string; blank: boolean }[];
  /** OCR of every page, in page order (blank pages included, flagged blank). */
  ocr: OcrPage[];
  /** A batch's split, persisted before its pages are handed to the document jobs it names. */
  plan?: PlannedDocument[];
}

interface PlannedDocument {
  jobId: string;
  /** Indices into the batch's pages/ocr. */
  pages: number[];
  confidence: number;
  doubtful: boolean;
  /** The pages go onto this existing document (continued after a jam), not into a new one… */
  continues: boolean;
  /** …after its first `after` pages (so a restart never appends them twice). */
  after: number;
  done?: boolean;
}

export interface ScanDefaults {
  source: 'adf' | 'adf-duplex' | 'flatbed';
  mode: 'color' | 'gray';
  dpi: number;
}

export class ScanJobs {
  private readonly jobs = new Map<string, JobRecord>();
  private scanning: string | null = null;
  /** Jobs whose fields are out but whose page is still being read whole (for the PDF's text). */
  private readonly reading = new Map<string, Promise<void>>();

  constructor(private readonly deps: {
    capture: CapturePort & SpoolPort;
    ocr: OcrEngine;
    extract: ExtractFn;
    readFieldsFirst: ReadFieldsFirstFn;
    bus: EventBus;
    log: Logger;
    audit: AuditPort;
    jobsDir: string;
    defaults: ScanDefaults;
    /** Where an unreadable job record goes with its pages (the appliance's; default `<jobsDir>/quarantine`). */
    quarantine?: Quarantine;
  }) {}

  /** Reloads the jobs left from before a restart; one cut off mid-way is recognised again from its pages. */
  async start(): Promise<void> {
    // An unreadable record is set aside with its pages and OCR; the other jobs come back.
    const quarantine = this.deps.quarantine ?? new Quarantine({ dataDir: this.deps.jobsDir });
    const records = await readJobFiles<JobRecord>(this.deps.jobsDir, quarantine, (jobId) => [
      { from: this.deps.capture.jobDir(jobId), as: 'spool' }, { from: this.workDir(jobId), as: 'ocr' },
    ]);
    for (const rec of records) this.jobs.set(rec.view.jobId, rec);
    // Every record is known before any resumes: a batch's hand-over sees the documents it already made.
    for (const rec of [...this.jobs.values()]) {
      if (rec.view.batch && rec.plan) {
        this.deps.log.warn({ jobId: rec.view.jobId }, 'batch split interrupted by a restart: finishing it');
        this.background(rec, this.handOver(rec).catch((err: unknown) => this.batchFailed(rec, err)));
      } else if (rec.view.batch && (rec.view.state === 'scanning' || rec.view.state === 'extracting')) {
        this.deps.log.warn({ jobId: rec.view.jobId }, 'batch interrupted by a restart: recognising its pages again');
        this.background(rec, this.splitBatch(rec, rec.pages.map((p) => this.readPage(rec, p))));
      } else if (rec.view.state === 'scanning' || rec.view.state === 'extracting') {
        this.deps.log.warn({ jobId: rec.view.jobId }, 'job interrupted by a restart: recognising its pages again');
        this.background(rec, this.recognise(rec, rec.pages.map((p) => this.readPage(rec, p))));
      }
    }
  }

  list(): JobView[] {
    return [...this.jobs.values()].map((r) => r.view).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  get(jobId: string): JobView | undefined {
    return this.jobs.get(jobId)?.view;
  }

  preview(jobId: string, page: number): string | undefined {
    const rec = this.jobs.get(jobId);
    return rec?.pages.some((p) => p.index === page) ? this.deps.capture.previewPath(jobId, page) : undefined;
  }

  /** The job registered as document `docId`, if its pages are still here. */
  jobOf(docId: string): string | undefined {
    for (const r of this.jobs.values()) if (r.view.docId === docId) return r.view.jobId;
    return undefined;
  }

  /** The OCR of the pages that make the document (blank pages dropped), in order. */
  async keptPages(jobId: string): Promise<OcrPage[]> {
    return (await this.wholeOcr(this.require(jobId))).filter((p) => !p.blank);
  }

  /**
   * Every page's OCR: waits for a page still being read after its fields came out; reads the
   * pages again when a restart cut that read short.
   */
  private async wholeOcr(rec: JobRecord): Promise<OcrPage[]> {
    await this.reading.get(rec.view.jobId)?.catch(() => undefined);
    if (rec.ocr.length !== rec.pages.length) {
      // (for the PDF of a registered document: the filing queue reports a failure as "Ký lỗi")
      rec.ocr = await Promise.all(rec.pages.map((p) => this.ocrPage(rec, p).catch((err: unknown) => { throw pageError(p.index, err, false); })));
      await this.save(rec);
    }
    return rec.ocr;
  }

  async startScan(opts: ScanOptions, actor: Actor, kind: 'single' | 'batch' = 'single'): Promise<JobView> {
    this.requireIdle();
    await this.pruneBatches();
    const jobId = newJobId();
    const rec: JobRecord = {
      view: {
        jobId, state: 'scanning', startedAt: new Date().toISOString(), pages: [], result: null, error: null, docId: null,
        ...(kind === 'batch' ? { batch: { pagesScanned: 0, found: 0, documents: [] } } : {}),
      },
      pages: [],
      ocr: [],
    };
    this.jobs.set(jobId, rec);
    this.scanning = jobId;
    await this.save(rec);
    this.deps.log.info({ jobId, actor: actor.name, kind }, 'scan started');
    this.background(rec, this.run(rec, { ...this.deps.defaults, ...opts }, actor, []));
    return rec.view;
  }

  /**
   * "Quét tiếp": scans more pages into a job the clerk has not registered yet (after clearing a
   * jam, refilling the feeder, or finding pages left out). New pages follow the kept ones; the
   * fields are extracted again over all of them.
   */
  async continueScan(jobId: string, opts: ScanOptions, actor: Actor): Promise<JobView> {
    this.requireIdle();
    const rec = this.require(jobId);
    const batch = rec.view.batch;
    if (batch && rec.view.state === 'split') {
      // The rest of the stack: a new run into the batch, split after the documents it already gave.
      rec.view = { ...rec.view, state: 'scanning', error: null, pages: [] };
      rec.pages = [];
      rec.ocr = [];
      this.scanning = jobId;
      await this.save(rec);
      this.deps.log.info({ jobId, actor: actor.name, documents: batch.documents.length }, 'batch continued');
      this.background(rec, this.run(rec, { ...this.deps.defaults, ...opts }, actor, []));
      return rec.view;
    }
    if (rec.view.state !== 'review' && rec.view.state !== 'failed') {
      throw new SohoaError('register.state', 'Chỉ quét tiếp được bản quét đang chờ kiểm tra.', `job ${jobId} is ${rec.view.state}`);
    }
    // Pages already recognised keep their OCR; after an OCR failure they are read again.
    await this.reading.get(jobId)?.catch(() => undefined);
    const kept = rec.ocr.length === rec.pages.length
      ? rec.ocr.map((p) => Promise.resolve(p))
      : rec.pages.map((p) => this.readPage(rec, p));
    rec.view = { ...rec.view, state: 'scanning', result: null, error: null };
    this.scanning = jobId;
    await this.save(rec);
    this.deps.log.info({ jobId, actor: actor.name, pagesKept: rec.pages.length }, 'scan continued');
    this.background(rec, this.run(rec, { ...this.deps.defaults, ...opts }, actor, kept));
    return rec.view;
  }

  /** Marks the job as registered as document `docId`. */
  async attach(jobId: string, docId: string): Promise<void> {
    const rec = this.require(jobId);
    rec.view = { ...rec.view, state: 'registered', docId };
    await this.save(rec);
  }

  /** Pages scanned into a job so far (blank ones included). */
  pageCount(jobId: string): number {
    return this.require(jobId).pages.length;
  }

  /** Drops batches that have nothing left to offer (every document filed or discarded, or none found). */
  private async pruneBatches(): Promise<void> {
    for (const r of [...this.jobs.values()]) {
      if (r.view.batch && r.view.state === 'split' && !r.view.batch.documents.some((id) => this.jobs.has(id))) await this.remove(r.view.jobId);
    }
  }

  /** Deletes the job's page images, OCR and record (discarded by the clerk, filed, or secret). */
  async remove(jobId: string): Promise<void> {
    if (this.scanning === jobId) {
      throw new SohoaError('scanner.busy', 'Không thể huỷ khi đang quét.', `job ${jobId} still scanning`);
    }
    const batchId = this.jobs.get(jobId)?.view.split?.batchId;
    this.jobs.delete(jobId);
    await this.deps.capture.discard(jobId);
    await rm(this.workDir(jobId), { recursive: true, force: true });
    await rm(join(this.deps.jobsDir, `${jobId}.json`), { force: true });
    // A batch whose every document is gone (filed or discarded) has nothing left to offer.
    const batch = batchId ? this.jobs.get(batchId) : undefined;
    if (batch?.view.state === 'split' && !batch.view.batch!.documents.some((id) => this.jobs.has(id))) await this.remove(batchId!);
  }

  /**
   * "Gộp với văn bản trước": the document's pages go after those of the previous document of its
   * batch, whose fields are extracted again; the document itself is removed.
   */
  async merge(jobId: string): Promise<JobView> {
    const rec = this.require(jobId);
    const batch = rec.view.split && this.jobs.get(rec.view.split.batchId);
    const order = batch?.view.batch?.documents ?? [];
    const prevId = order.slice(0, order.indexOf(jobId)).reverse().find((id) => this.jobs.has(id));
    const prev = prevId ? this.jobs.get(prevId) : undefined;
    const open = (r: JobRecord) => r.view.state === 'review' || r.view.state === 'failed';
    if (!batch || !prev || !open(rec) || !open(prev)) {
      throw new SohoaError('register.state', 'Chỉ gộp được với văn bản trước trong cùng tập, khi cả hai đang chờ kiểm tra.',
        `job ${jobId} (${rec.view.state}) has no open previous document (${prev?.view.state ?? 'none'})`);
    }
    const kept = rec.pages.map((page, i) => ({ page, ocr: rec.ocr[i]! })).filter((p) => p.ocr && !p.page.blank);
    const moved = await handOverPages(this.deps.capture, {
      from: jobId, to: prev.view.jobId, fromWorkDir: this.workDir(jobId), toWorkDir: this.workDir(prev.view.jobId),
      after: prev.pages.length, pages: kept,
    });
    this.appendPages(prev, moved);
    prev.view.split = { ...prev.view.split!, confidence: 1, doubtful: false };
    prev.view = { ...prev.view, state: 'extracting', result: null };
    await this.save(prev);
    batch.view.batch!.documents = order.filter((id) => id !== jobId);
    await this.save(batch);
    await this.remove(jobId);
    this.background(prev, this.extractAll(batch, [prev]));
    return prev.view;
  }

  private appendPages(rec: JobRecord, moved: { pages: JobPage[]; ocr: OcrPage[] }): void {
    const { jobId } = rec.view;
    rec.pages.push(...moved.pages);
    rec.ocr.push(...moved.ocr);
    rec.view.pages.push(...moved.pages.map((p) => ({ page: p.index, imageUrl: previewUrl(jobId, p.index), blank: p.blank })));
  }

  /** One scanner run into the job; `pending` holds the OCR of the pages it already had. */
  private async run(rec: JobRecord, opts: ScanDefaults, actor: Actor, pending: Promise<OcrPage>[]): Promise<void> {
    const { jobId } = rec.view;
    const before = rec.pages.length;
    const batch = rec.view.batch;
    // A batch counts the documents in the pages read so far, as they are read.
    const read: (OcrPage | undefined)[] = [];
    const continuing = !!batch && batch.documents.length > 0;
    // the first page of a new single job waits: alone, it is read fields first at the end
    const firstPage = !batch && before === 0 ? deferred<OcrPage>() : null;
    let result;
    try {
      result = await this.deps.capture.capture({
        jobId, ...opts,
        onPage: (page) => {
          const p = { index: page.index, path: page.path, blank: page.blank };
          rec.pages.push(p);
          rec.view.pages.push({ page: page.index, imageUrl: previewUrl(jobId, page.index), blank: page.blank });
          if (firstPage && rec.pages.length === 1) { pending.push(firstPage.promise); return; }
          firstPage?.start(() => this.readPage(rec, rec.pages[0]!)); // a second page: read the first whole too
          // handled from this moment: a page whose OCR fails while the scanner still feeds is said
          // at once, and the later pages keep coming
          const ocr = this.readPage(rec, p);
          pending.push(ocr);
          if (!batch) return;
          batch.pagesScanned++;
          this.progress(rec);
          const at = rec.pages.length - 1;
          void ocr.then((o) => {
            read[at] = o;
            const prefix = read.slice(0, read.findIndex((x) => !x) === -1 ? read.length : read.findIndex((x) => !x));
            batch.found = batch.documents.length + splitStack(prefix as OcrPage[], { continuing }).documents.filter((d) => !d.continues).length;
            this.progress(rec);
          }, () => undefined);
        },
      });
    } catch (err) {
      result = { error: toErrorInfo(err) };
    } finally {
      this.scanning = null;
    }
    // Who scanned what (domain: the audit log names who scanned), also when nothing came out.
    // Not awaited before the job moves on: the screen must see 'extracting' as soon as the
    // scanner stops (the audit log keeps lines in call order either way).
    const audited = this.deps.audit.recordAudit(actor.name, 'scanned', null, {
      jobId, pages: rec.pages.length, newPages: rec.pages.length - before,
      ...(before > 0 ? { continued: true } : {}), ...(result.error ? { error: result.error.code } : {}),
    }).catch((err: unknown) => this.deps.log.error({ jobId, err }, 'could not write the scan to the audit log'));
    if (batch && batch.documents.length > 0 && rec.pages.length === 0) {
      // Quét tiếp found no paper: the batch keeps its documents and says why.
      rec.view = { ...rec.view, state: 'split', error: result.error };
      await this.save(rec);
      this.progress(rec);
    } else if (rec.pages.length === 0) {
      const error = result.error ?? { code: 'scanner.no-docs' as const, message: 'Không có trang nào được quét. Hãy đặt giấy vào khay nạp rồi bấm Quét.' };
      this.deps.bus.emit('job.failed', { jobId, error });
      // Nothing was scanned: nothing to keep.
      await this.remove(jobId);
    } else {
      // A jam after some pages keeps them: the clerk sees the error and the pages that made it.
      rec.view.error = result.error ?? rec.view.error;
      if (result.error) this.deps.log.warn({ jobId, err: result.error }, 'scan ended early');
      const only = rec.pages.length === 1 ? rec.pages[0]! : undefined;
      if (batch) await this.splitBatch(rec, pending);
      else if (firstPage && !firstPage.started && only && !only.blank) await this.recogniseFieldsFirst(rec, only);
      else {
        firstPage?.start(() => this.readPage(rec, rec.pages[0]!));
        await this.recognise(rec, pending);
      }
    }
    await audited;
  }

  /** The job's OCR scratch folder (upright/cleaned page images): made here, removed with the job. */
  private workDir(jobId: string): string {
    return join(this.deps.jobsDir, jobId);
  }

  private async ocrPage(rec: JobRecord, page: { path: string; blank: boolean }): Promise<OcrPage> {
    const workDir = this.workDir(rec.view.jobId);
    await mkdir(workDir, { recursive: true });
    const started = performance.now();
    const ocr = await this.deps.ocr.recognize(page.path, { workDir });
    this.deps.bus.emit('ocr.page', { jobId: rec.view.jobId, ms: performance.now() - started });
    return page.blank ? { ...ocr, blank: true } : ocr;
  }

  /**
   * A page's OCR with its failure handled from the moment it starts: the failure names the page,
   * goes to the log and, while the scanner still feeds, to the desk at once; the promise still
   * rejects for whoever waits on the page (the job then ends `failed`, its pages kept: "Quét
   * tiếp" reads them again, or the clerk discards it).
   */
  private readPage(rec: JobRecord, page: { index: number; path: string; blank: boolean }): Promise<OcrPage> {
    const ocr = this.ocrPage(rec, page).catch((err: unknown) => { throw pageError(page.index, err); });
    ocr.catch((err: unknown) => this.pageFailed(rec, page.index, err));
    return ocr;
  }

  private pageFailed(rec: JobRecord, page: number, err: unknown): void {
    const { jobId } = rec.view;
    const error = toErrorInfo(err);
    this.deps.log.error({ jobId, page, err: error }, 'page OCR failed: the job keeps its pages');
    // after the scan, the job's own failure (extractInto) tells the desk; while it scans, this does
    if (this.scanning !== jobId || this.jobs.get(jobId) !== rec) return;
    rec.view.error ??= error;
    this.deps.bus.emit('job.failed', { jobId, error });
  }

  /**
   * Work that goes on after the request returned (a scan run, an extraction, a batch split). What
   * it does not handle itself (a job file that cannot be written, a bug) ends the job as failed,
   * in the log and on the desk: never an unhandled rejection that takes the service down.
   */
  private background(rec: JobRecord, work: Promise<void>): void {
    work.catch(async (err: unknown) => {
      const { jobId } = rec.view;
      const error = toErrorInfo(err);
      this.deps.log.error({ jobId, err }, 'scan job failed');
      if (this.scanning === jobId) this.scanning = null;
      if (this.jobs.get(jobId) !== rec) return; // discarded meanwhile: nothing to keep
      rec.view = { ...rec.view, state: 'failed', error };
      this.deps.bus.emit('job.failed', { jobId, error });
      await this.save(rec).catch((e: unknown) => this.deps.log.error({ jobId, err: e }, 'could not record the job failure'));
    });
  }

  /** extracting → review with the fields `work` gives (saved, announced), or → failed with its error. */
  private async extractInto(rec: JobRecord, work: () => Promise<ExtractionResult>): Promise<void> {
    const { jobId } = rec.view;
    rec.view = { ...rec.view, state: 'extracting' };
    await this.save(rec);
    try {
      const result = await work();
      if (this.jobs.get(jobId) !== rec) return; // discarded meanwhile: its file stays deleted
      rec.view = { ...rec.view, state: 'review', result };
      await this.save(rec);
      this.deps.bus.emit('job.extracted', { jobId, result });
    } catch (err) {
      const error = toErrorInfo(err);
      this.deps.log.warn({ jobId, err: error }, 'fields not extracted: the job keeps its pages');
      if (this.jobs.get(jobId) !== rec) return;
      rec.view = { ...rec.view, state: 'failed', error };
      await this.save(rec);
      this.deps.bus.emit('job.failed', { jobId, error });
    }
  }

  private recognise(rec: JobRecord, pending: Promise<OcrPage>[]): Promise<void> {
    return this.extractInto(rec, async () => {
      const all = await Promise.all(pending);
      const { result, pages } = await this.deps.extract(all.filter((p) => !p.blank));
      // The refined OCR (re-read stamps and signature block) is what the PDF's text layer uses.
      let k = 0;
      rec.ocr = all.map((p) => (p.blank ? p : pages[k++]!));
      return result;
    });
  }

  /**
   * A one-page job: the fields as soon as the bands that carry them are read (review), the whole
   * page's OCR a moment later (kept for the PDF; registration waits for it if it must).
   */
  private async recogniseFieldsFirst(rec: JobRecord, page: { path: string }): Promise<void> {
    const { jobId } = rec.view;
    let reviewed!: () => void;
    const reviewSaved = new Promise<void>((resolve) => { reviewed = resolve; });
    try {
      await this.extractInto(rec, async () => {
        const workDir = this.workDir(jobId);
        await mkdir(workDir, { recursive: true });
        const started = performance.now();
        const read = this.deps.readFieldsFirst(page.path, workDir);
        // saved after the review state, so the record on disk never goes back to having no OCR
        const whole = read.full.then(async ({ pages }) => {
          this.deps.bus.emit('ocr.page', { jobId, ms: performance.now() - started });
          await reviewSaved;
          if (this.jobs.get(jobId) !== rec) return; // discarded meanwhile: nothing to keep
          rec.ocr = pages;
          await this.save(rec);
        });
        this.reading.set(jobId, whole);
        void whole.catch((err: unknown) => this.deps.log.warn({ jobId, err }, 'page not read whole: read again when needed'))
          .finally(() => { if (this.reading.get(jobId) === whole) this.reading.delete(jobId); });
        return read.fields;
      });
    } finally {
      reviewed();
    }
  }

  /** The batch's pages are read: split them, persist the split, hand the pages over, extract. */
  private async splitBatch(rec: JobRecord, pending: Promise<OcrPage>[]): Promise<void> {
    const batch = rec.view.batch!;
    rec.view = { ...rec.view, state: 'extracting' };
    await this.save(rec);
    this.progress(rec);
    try {
      rec.ocr = await Promise.all(pending);
      // After a jam the first pages may continue the last document, if it is still open.
      const last = batch.documents.length ? this.jobs.get(batch.documents.at(-1)!) : undefined;
      const carry = last && (last.view.state === 'review' || last.view.state === 'failed') ? last : undefined;
      const split = splitStack(rec.ocr, { continuing: !!carry });
      rec.plan = split.documents.map((d) => ({
        jobId: d.continues ? carry!.view.jobId : newJobId(), pages: d.pages, confidence: d.confidence, doubtful: d.doubtful,
        continues: d.continues, after: d.continues ? carry!.pages.length : 0,
      }));
      batch.found = batch.documents.length + rec.plan.filter((d) => !d.continues).length;
      await this.save(rec);
      this.deps.log.info({ jobId: rec.view.jobId, pages: rec.pages.length, documents: rec.plan.length, blank: split.blank.length }, 'batch split');
      await this.handOver(rec);
    } catch (err) {
      await this.batchFailed(rec, err);
    }
  }

  /** Gives every planned document its pages (idempotent), empties the batch, then extracts each document. */
  private async handOver(rec: JobRecord): Promise<void> {
    const batch = rec.view.batch!;
    const { jobId } = rec.view;
    const toExtract: JobRecord[] = [];
    for (const d of rec.plan ?? []) {
      const pages = d.pages.map((i) => ({ page: rec.pages[i]!, ocr: rec.ocr[i]! }));
      const existing = this.jobs.get(d.jobId);
      // Made (or appended to) before a restart cut the hand-over short: nothing to redo.
      const made = existing && (!d.continues || existing.pages.length >= d.after + pages.length);
      if (made && !d.done) {
        if (!d.continues && !batch.documents.includes(d.jobId)) batch.documents.push(d.jobId);
        d.done = true;
        await this.save(rec);
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
          from: jobId, to: d.jobId, fromWorkDir: this.workDir(jobId), toWorkDir: this.workDir(d.jobId), after: d.continues ? d.after : 0, pages,
        });
        this.appendPages(target, moved);
        if (existing) {
          const conf = Math.min(existing.view.split?.confidence ?? 1, d.confidence);
          existing.view = { ...existing.view, state: 'extracting', result: null, error: null, split: { batchId: jobId, confidence: conf, doubtful: conf < 0.6 || d.doubtful } };
        }
        this.jobs.set(d.jobId, target);
        await this.save(target);
        if (!d.continues) batch.documents.push(d.jobId);
        d.done = true;
        await this.save(rec);
        toExtract.push(target);
      }
    }
    // Every page now belongs to a document (or was a blank back): the batch keeps no page.
    rec.plan = undefined;
    rec.pages = [];
    rec.ocr = [];
    rec.view = { ...rec.view, state: 'split', pages: [] };
    await this.save(rec);
    await this.deps.capture.discard(jobId);
    await rm(this.workDir(jobId), { recursive: true, force: true });
    this.progress(rec);
    await this.extractAll(rec, toExtract);
  }

  /** Extracts the fields of a batch's documents one after the other, in stack order. */
  private async extractAll(batch: JobRecord, docs: JobRecord[]): Promise<void> {
    for (const doc of docs) {
      await this.recognise(doc, doc.ocr.map((p) => Promise.resolve(p)));
      this.progress(batch);
    }
  }

  private async batchFailed(rec: JobRecord, err: unknown): Promise<void> {
    const error = toErrorInfo(err);
    this.deps.log.error({ jobId: rec.view.jobId, err: error }, 'batch could not be split');
    rec.view = { ...rec.view, state: 'failed', error };
    await this.save(rec);
    this.progress(rec);
    this.deps.bus.emit('job.failed', { jobId: rec.view.jobId, error });
  }

  private progress(rec: JobRecord): void {
    const b = rec.view.batch;
    if (!b) return;
    const state = rec.view.state === 'scanning' || rec.view.state === 'split' || rec.view.state === 'failed' ? rec.view.state : 'extracting';
    const extracted = b.documents.filter((id) => {
      const s = this.jobs.get(id)?.view.state;
      return s !== undefined && s !== 'extracting';
    }).length;
    this.deps.bus.emit('batch.progress', {
      jobId: rec.view.jobId, state, pagesScanned: b.pagesScanned, found: b.found, documents: [...b.documents], extracted,
    });
  }

  private requireIdle(): void {
    if (this.scanning) {
      throw new SohoaError('scanner.busy', 'Máy quét đang quét một tập khác. Hãy chờ tập này xong.', `job ${this.scanning} running`);
    }
  }

  private require(jobId: string): JobRecord {
    const rec = this.jobs.get(jobId);
    if (!rec) throw new SohoaError('register.not-found', 'Không tìm thấy tập quét này.', `no job ${jobId}`);
    return rec;
  }

  private save(rec: JobRecord): Promise<void> {
    return saveJobFile(this.deps.jobsDir, rec.view.jobId, rec);
  }
}

/** A page's OCR failure in the clerk's words, naming the page and what can be done. */
function pageError(page: number, err: unknown, scanAdvice = true): SohoaError {
  const info = toErrorInfo(err);
  const why = info.code === 'internal' ? 'Bộ nhận dạng chữ gặp lỗi.' : info.message;
  const advice = scanAdvice ? ' Các trang đã quét vẫn được giữ: bấm Quét tiếp để đọc lại, hoặc Huỷ.' : '';
  return new SohoaError(info.code === 'internal' ? 'ocr.engine' : info.code, `Không đọc được trang ${page}: ${why}${advice}`,
    `page ${page}: ${info.detail ?? info.message}`, { cause: err });
}

/** A promise whose work starts later, once, when asked (or never). */
function deferred<T>(): { promise: Promise<T>; started: boolean; start(work: () => Promise<T>): void } {
  let settle!: (p: Promise<T>) => void;
  const promise = new Promise<T>((resolve) => { settle = resolve; });
  promise.catch(() => {}); // the work's own promise (readPage) reports a failure; this one waits for a consumer
  const d = {
    promise, started: false,
    start(work: () => Promise<T>): void { if (d.started) return; d.started = true; settle(work()); },
  };
  return d;
}
