import { newJobId, previewUrl } from '../capture/capture.js';
import type { CaptureProfile } from '../capture/profiles.js';
import { SohoaError, toErrorInfo } from '../errors.js';
import { asStorageFull } from '../store/disk-guard.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { OcrEngine, OcrPage } from '../ocr/ocr.js';
import type { Quarantine } from '../store/quarantine.js';
import type { ExtractionResult } from '../extract/fields.js';
import type { ReceivedInfo } from '../register/register.js';
import { BatchJobs } from './batch-jobs.js';
import { deferred } from './deferred.js';
import { loadJobs, resumeInterrupted, type RestartDeps } from './job-restart.js';
import type { Actor, JobView, ScanOptions } from './desk.js';
import type { SpoolPort } from './job-pages.js';
import { JobRecords, type JobRecord } from './job-records.js';
import { PageEditor } from './page-edits.js';
import { PageReader } from './page-reader.js';
import { newStackState } from './stack-marks.js';
import { resolveRunSettings, type ResolvedRun, type RunSettings, type ScanDefaults } from './run-settings.js';
import type { AuditPort, CapturePort, ExtractFn, ReadFieldsFirstFn } from './ports.js';

// Scan jobs: paper → page files (capture) → OCR page by page while the next page scans → fields
// for the clerk to check. A job's state is kept in <jobsDir>/<jobId>.json (job-records.ts), so a
// power cut loses neither the scanned pages nor the clerk's list of documents waiting for review.
// A jam or an empty feeder keeps the pages so far; "Quét tiếp" scans the rest into the same job,
// and the fields are extracted again over all its pages. Every scan run is in the audit log by
// name. A job of a single page is read fields first (the clerk's wait: header and signature bands
// on both OCR processes, the body after); with a second page, every page is read whole as it
// lands (page-reader.ts).
//
// A batch ("Quét cả tập") is a job that scans a whole stack the same way, then is split into
// document jobs, each with its own pages and its own fields (batch-jobs.ts). After a jam the
// batch keeps its documents and "Quét tiếp" scans the rest of the stack: its first pages may
// continue the last document.
//
// This class is the scan side's public face (DeskService, app.ts): it starts scanner runs, keeps
// one run at a time, and answers for the job list.

/** Page files handed in by `sohoa submit`, under its client key (a retried submit finds its job). */
export interface HandedPages {
  key: string;
  files: { path: string; dpi: number }[];
  /**
   * A received electronic document (appliance/receive): each page's text layer as OCR output (null
   * for a page without one), and its file and verified signatures, kept with the job.
   */
  textLayer?: (OcrPage | null)[];
  received?: ReceivedInfo;
}

export class ScanJobs {
  private readonly records: JobRecords;
  private readonly reader: PageReader;
  private readonly batches: BatchJobs;
  /** The clerk's page edits (turn, take out, reorder, blank), region reads and field places (page-edits.ts). */
  readonly pageEdits: PageEditor;
  private scanning: string | null = null;

  constructor(private readonly deps: {
    capture: CapturePort & SpoolPort;
    ocr: OcrEngine;
    extract: ExtractFn;
    readFieldsFirst: ReadFieldsFirstFn;
    /** The fields from pages that need no OCR (a received PDF's own text layer). */
    extractText?: (pages: OcrPage[]) => ExtractionResult;
    bus: EventBus;
    log: Logger;
    audit: AuditPort;
    jobsDir: string;
    defaults: ScanDefaults;
    /** The capture profiles (capture/profiles.ts); none = the defaults above only. */
    profiles?: CaptureProfile[];
    /** Where an unreadable job record goes with its pages (the appliance's; default `<jobsDir>/quarantine`). */
    quarantine?: Quarantine;
  }) {
    const { capture, bus, log } = deps;
    this.records = new JobRecords({ capture, jobsDir: deps.jobsDir, quarantine: deps.quarantine });
    this.reader = new PageReader({
      records: this.records, ocr: deps.ocr, extract: deps.extract, readFieldsFirst: deps.readFieldsFirst, bus, log,
      scanningJob: () => this.scanning,
    });
    this.pageEdits = new PageEditor({ records: this.records, ocr: deps.ocr, log });
    this.batches = new BatchJobs({
      records: this.records, reader: this.reader, capture, bus, log,
      host: { remove: (jobId) => this.remove(jobId), background: (rec, work) => this.background(rec, work) },
    });
  }

  /** Reloads the jobs left from before a restart (job-restart.ts); none is worked on before resume(). */
  async start(): Promise<void> {
    await loadJobs(this.restartDeps());
  }

  /**
   * Goes on with the jobs a restart cut off (recognised again, a batch split or handed over): called
   * once start-up reconciliation is done, so that no job file is being written while it sweeps.
   */
  async resume(): Promise<void> {
    await resumeInterrupted(this.restartDeps());
  }

  /** No job record is written after this (work still finishing is redone by the next start). */
  async stop(): Promise<void> {
    await this.records.close();
  }

  private restartDeps(): RestartDeps {
    return {
      records: this.records, reader: this.reader, batches: this.batches, capture: this.deps.capture, log: this.deps.log,
      scanningJob: () => this.scanning,
      remove: (jobId) => this.remove(jobId),
      background: (rec, work) => this.background(rec, work),
    };
  }

  list(): JobView[] {
    return this.records.all().map((r) => r.view).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  get(jobId: string): JobView | undefined {
    return this.records.get(jobId)?.view;
  }

  preview(jobId: string, page: number): string | undefined {
    const rec = this.records.get(jobId);
    return rec?.pages.some((p) => p.index === page) ? this.deps.capture.previewPath(jobId, page) : undefined;
  }

  /** The job registered as document `docId`, if its pages are still here. */
  jobOf(docId: string): string | undefined {
    for (const r of this.records.all()) if (r.view.docId === docId) return r.view.jobId;
    return undefined;
  }

  /**
   * Every job id whose files in the spool and OCR folders are owned: the jobs, and the documents a
   * batch's split names before their records exist (start-up removes files no job owns).
   */
  ownedIds(): Set<string> {
    const ids = new Set<string>();
    for (const r of this.records.all()) {
      ids.add(r.view.jobId);
      for (const d of r.plan ?? []) ids.add(d.jobId);
    }
    return ids;
  }

  /** The OCR of the pages that make the document, as the clerk arranged them (blank and taken-out pages dropped). */
  async keptPages(jobId: string): Promise<OcrPage[]> {
    const rec = this.records.require(jobId);
    return this.pageEdits.kept(rec, await this.reader.wholeOcr(rec));
  }

  /**
   * A new job: a scanner run (single document or batch), or page files handed in (`sohoa submit`:
   * `handed`, which does not take the scanner). Refused with storage.full before anything is
   * written when the data disk is too full (store/disk-guard.ts).
   */
  async startScan(opts: ScanOptions, actor: Actor, kind: 'single' | 'batch' = 'single', handed?: HandedPages): Promise<JobView> {
    if (!handed) this.requireIdle();
    const settings = this.settings(opts);
    // a batch profile ("Số hóa hàng loạt") starts a batch whichever route it came by
    if (opts.profile && settings.batch) kind = 'batch';
    await this.deps.capture.requireRoom(handed ? 'nhận văn bản gửi vào' : 'quét văn bản mới');
    await this.batches.prune();
    if (!handed) this.requireIdle(); // (another scan may have started meanwhile)
    const jobId = newJobId();
    const rec: JobRecord = {
      view: {
        jobId, state: 'scanning', startedAt: new Date().toISOString(), pages: [], result: null, error: null, docId: null,
        ...(kind === 'batch' ? { batch: { pagesScanned: 0, found: 0, documents: [] } } : {}),
        ...(settings.profile ? { profile: settings.profile } : {}), ...(settings.book === 'outgoing' ? { book: settings.book } : {}),
        ...(handed?.received ? { origin: 'electronic' as const, received: handed.received } : {}),
      },
      pages: [],
      ocr: [],
      ...(handed ? { submission: handed.key } : {}),
      ...(kind === 'batch' ? { stack: newStackState(opts.stack ?? settings.stack, settings.source) } : {}),
    };
    if (!handed) this.scanning = jobId;
    try {
      await this.records.save(rec);
    } catch (err) {
      // nothing half-written stays: no record, no job on the screen, the scanner free again
      if (this.scanning === jobId) this.scanning = null;
      await this.records.delete(jobId).catch(() => undefined);
      throw asStorageFull(err, handed ? 'nhận văn bản gửi vào' : 'bắt đầu quét');
    }
    this.records.set(rec);
    this.deps.log.info({ jobId, actor: actor.name, kind, ...(handed ? { submitted: handed.files.length } : {}) }, 'scan started');
    this.background(rec, this.run(rec, settings, actor, [], handed));
    return rec.view;
  }

  /** The job made for a submission (`sohoa submit`'s client key), if it is still here. */
  jobOfSubmission(key: string): JobView | undefined {
    return this.records.all().find((r) => r.submission === key)?.view;
  }

  /**
   * "Quét tiếp": scans more pages into a job the clerk has not registered yet (after clearing a
   * jam, refilling the feeder, or finding pages left out). New pages follow the kept ones; the
   * fields are extracted again over all of them.
   */
  async continueScan(jobId: string, opts: ScanOptions, actor: Actor): Promise<JobView> {
    this.requireIdle();
    const rec = this.records.require(jobId);
    const batch = rec.view.batch;
    if (batch && rec.view.state === 'split') {
      // The rest of the stack: a new run into the batch, split after the documents it already gave.
      await this.deps.capture.requireRoom();
      rec.view = { ...rec.view, state: 'scanning', error: null, pages: [] };
      rec.pages = [];
      rec.ocr = [];
      rec.stack = newStackState(opts.stack ?? rec.stack?.policy, opts.source ?? this.deps.defaults.source);
      this.scanning = jobId;
      await this.saveOrRelease(rec, () => { rec.view = { ...rec.view, state: 'split' }; });
      this.deps.log.info({ jobId, actor: actor.name, documents: batch.documents.length }, 'batch continued');
      this.background(rec, this.run(rec, this.settings({ profile: rec.view.profile, ...opts }), actor, []));
      return rec.view;
    }
    if (rec.view.state !== 'review' && rec.view.state !== 'failed') {
      throw new SohoaError('register.state', 'Chỉ quét tiếp được bản quét đang chờ kiểm tra.', `job ${jobId} is ${rec.view.state}`);
    }
    await this.deps.capture.requireRoom();
    // Pages already recognised keep their OCR; after an OCR failure they are read again.
    await this.reader.wholeReadDone(jobId);
    const kept = rec.ocr.length === rec.pages.length
      ? rec.ocr.map((p) => Promise.resolve(p))
      : rec.pages.map((p) => this.reader.readPage(rec, p));
    const before = rec.view;
    rec.view = { ...rec.view, state: 'scanning', result: null, error: null };
    this.scanning = jobId;
    await this.saveOrRelease(rec, () => { rec.view = before; });
    this.deps.log.info({ jobId, actor: actor.name, pagesKept: rec.pages.length }, 'scan continued');
    this.background(rec, this.run(rec, this.settings({ profile: rec.view.profile, ...opts }), actor, kept));
    return rec.view;
  }

  /** The capture profiles, in button order. */
  profiles(): CaptureProfile[] {
    return this.deps.profiles ?? [];
  }

  /** A run's settings (run-settings.ts): "Quét tiếp" passes the job's profile again. */
  private settings(opts: ScanOptions): ResolvedRun {
    return resolveRunSettings(this.deps.defaults, this.profiles(), opts);
  }

  /** Saves a job a scanner run is about to fill; when that fails, the job is as it was and the scanner free. */
  private async saveOrRelease(rec: JobRecord, undo: () => void): Promise<void> {
    try {
      await this.records.save(rec);
    } catch (err) {
      undo();
      this.scanning = null;
      throw asStorageFull(err, 'quét tiếp');
    }
  }

  /** Marks the job as registered as document `docId`. */
  async attach(jobId: string, docId: string): Promise<void> {
    const rec = this.records.require(jobId);
    rec.view = { ...rec.view, state: 'registered', docId };
    await this.records.save(rec);
  }

  /** Pages scanned into a job so far (blank ones included). */
  pageCount(jobId: string): number {
    return this.records.require(jobId).pages.length;
  }

  /** Deletes the job's page images, OCR and record (discarded by the clerk, filed, or secret). */
  async remove(jobId: string): Promise<void> {
    if (this.scanning === jobId) {
      throw new SohoaError('scanner.busy', 'Không thể huỷ khi đang quét.', `job ${jobId} still scanning`);
    }
    const batchId = this.records.get(jobId)?.view.split?.batchId;
    await this.records.delete(jobId);
    this.pageEdits.forget(jobId);
    // A batch whose every document is gone (filed or discarded) has nothing left to offer.
    const batch = batchId ? this.records.get(batchId) : undefined;
    if (batch?.view.state === 'split' && !batch.view.batch!.documents.some((id) => this.records.has(id))) await this.remove(batchId!);
  }

  /**
   * "Gộp với văn bản trước": the document's pages go after those of the previous document of its
   * batch, whose fields are extracted again; the document itself is removed.
   */
  merge(jobId: string): Promise<JobView> {
    return this.batches.merge(jobId);
  }

  /** "Tài liệu tiếp theo": the batch's document under way ends at the page scanned last. */
  nextDocument(jobId: string): Promise<JobView> {
    return this.batches.nextDocument(jobId, this.scanning === jobId);
  }

  /** One scanner run into the job; `pending` holds the OCR of the pages it already had. */
  private async run(rec: JobRecord, opts: RunSettings, actor: Actor, pending: Promise<OcrPage>[], handed?: HandedPages): Promise<void> {
    const { jobId } = rec.view;
    const before = rec.pages.length;
    const batch = rec.view.batch;
    // A batch counts the documents in the pages read so far, as they are read.
    const counted = batch ? this.batches.liveCount(rec) : null;
    // the first page of a new single job waits: alone, it is read fields first at the end
    const firstPage = !batch && before === 0 && !handed?.textLayer ? deferred<OcrPage>() : null;
    // a received PDF's page with its own text layer is not OCR'd: its text is that page's reading
    const textOf = (p: { index: number; path: string; blank: boolean }) => {
      const t = handed?.textLayer?.[p.index - 1 - before];
      return t ? Promise.resolve({ ...t, imagePath: p.path, blank: p.blank || t.blank }) : null;
    };
    let result;
    try {
      result = await this.deps.capture.capture({
        jobId, source: opts.source, mode: opts.mode, dpi: opts.dpi, maxPages: opts.maxPages, from: handed?.files,
        onPage: (page) => {
          // a profile that keeps blank pages ('keep') makes every page a page of the document
          const blank = page.blank && !opts.keepBlank;
          const p = { index: page.index, path: page.path, blank };
          rec.pages.push(p);
          rec.view.pages.push({ page: page.index, imageUrl: previewUrl(jobId, page.index), blank });
          if (firstPage && rec.pages.length === 1) { pending.push(firstPage.promise); return; }
          firstPage?.start(() => this.reader.readPage(rec, rec.pages[0]!)); // a second page: read the first whole too
          // handled from this moment: a page whose OCR fails while the scanner still feeds is said
          // at once, and the later pages keep coming
          const ocr = batch ? this.batches.readStackPage(rec, rec.pages.length - 1, { ...page, ...p }) : (textOf(p) ?? this.reader.readPage(rec, p));
          pending.push(ocr);
          counted?.(ocr);
        },
      });
    } catch (err) {
      result = { error: toErrorInfo(err) };
    } finally {
      if (this.scanning === jobId) this.scanning = null;
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
      await this.records.save(rec);
      this.batches.progress(rec);
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
      if (batch) await this.batches.splitBatch(rec, pending);
      else if (this.deps.extractText && handed?.textLayer && rec.pages.every((p) => textOf(p))) await this.reader.recogniseText(rec, pending, this.deps.extractText);
      else if (firstPage && !firstPage.started && only && !only.blank) await this.reader.recogniseFieldsFirst(rec, only);
      else {
        firstPage?.start(() => this.reader.readPage(rec, rec.pages[0]!));
        await this.reader.recognise(rec, pending);
      }
    }
    await audited;
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
      if (this.records.get(jobId) !== rec) return; // discarded meanwhile: nothing to keep
      rec.view = { ...rec.view, state: 'failed', error };
      this.deps.bus.emit('job.failed', { jobId, error });
      await this.records.save(rec).catch((e: unknown) => this.deps.log.error({ jobId, err: e }, 'could not record the job failure'));
    });
  }

  private requireIdle(): void {
    if (this.scanning) {
      throw new SohoaError('scanner.busy', 'Máy quét đang quét một tập khác. Hãy chờ tập này xong.', `job ${this.scanning} running`);
    }
  }
}
