import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { newJobId, previewUrl } from '../capture/capture.js';
import { SohoaError, toErrorInfo } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { OcrEngine, OcrPage } from '../ocr/ocr.js';
import { atomicWrite } from '../store/atomic-write.js';
import type { Actor, JobView, ScanOptions } from './desk.js';
import type { AuditPort, CapturePort, ExtractFn } from './ports.js';

// Scan jobs: paper → page files (capture) → OCR page by page while the next page scans → fields
// for the clerk to check. A job's state is kept in <jobsDir>/<jobId>.json, so a power cut loses
// neither the scanned pages nor the clerk's list of documents waiting for review. A jam or an
// empty feeder keeps the pages so far; "Quét tiếp" scans the rest into the same job, and the
// fields are extracted again over all its pages. Every scan run is in the audit log by name.

interface JobRecord {
  view: JobView;
  /** Page image paths in page order, with their blank flag from capture. */
  pages: { index: number; path: string; blank: boolean }[];
  /** OCR of every page, in page order (blank pages included, flagged blank). */
  ocr: OcrPage[];
}

export interface ScanDefaults {
  source: 'adf' | 'adf-duplex' | 'flatbed';
  mode: 'color' | 'gray';
  dpi: number;
}

export class ScanJobs {
  private readonly jobs = new Map<string, JobRecord>();
  private scanning: string | null = null;

  constructor(private readonly deps: {
    capture: CapturePort;
    ocr: OcrEngine;
    extract: ExtractFn;
    bus: EventBus;
    log: Logger;
    audit: AuditPort;
    jobsDir: string;
    defaults: ScanDefaults;
  }) {}

  /** Reloads the jobs left from before a restart; one cut off mid-way is recognised again from its pages. */
  async start(): Promise<void> {
    const files = await readdir(this.deps.jobsDir).catch(() => [] as string[]);
    for (const f of files.filter((n) => n.endsWith('.json'))) {
      const rec = JSON.parse(await readFile(join(this.deps.jobsDir, f), 'utf8')) as JobRecord;
      this.jobs.set(rec.view.jobId, rec);
      if (rec.view.state === 'scanning' || rec.view.state === 'extracting') {
        this.deps.log.warn({ jobId: rec.view.jobId }, 'job interrupted by a restart: recognising its pages again');
        void this.recognise(rec, rec.pages.map((p) => this.ocrPage(rec, p)));
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
  keptPages(jobId: string): OcrPage[] {
    return this.require(jobId).ocr.filter((p) => !p.blank);
  }

  async startScan(opts: ScanOptions, actor: Actor): Promise<JobView> {
    this.requireIdle();
    const jobId = newJobId();
    const rec: JobRecord = {
      view: { jobId, state: 'scanning', startedAt: new Date().toISOString(), pages: [], result: null, error: null, docId: null },
      pages: [],
      ocr: [],
    };
    this.jobs.set(jobId, rec);
    this.scanning = jobId;
    await this.save(rec);
    this.deps.log.info({ jobId, actor: actor.name }, 'scan started');
    void this.run(rec, { ...this.deps.defaults, ...opts }, actor, []);
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
    if (rec.view.state !== 'review' && rec.view.state !== 'failed') {
      throw new SohoaError('register.state', 'Chỉ quét tiếp được bản quét đang chờ kiểm tra.', `job ${jobId} is ${rec.view.state}`);
    }
    // Pages already recognised keep their OCR; after an OCR failure they are read again.
    const kept = rec.ocr.length === rec.pages.length
      ? rec.ocr.map((p) => Promise.resolve(p))
      : rec.pages.map((p) => this.ocrPage(rec, p));
    rec.view = { ...rec.view, state: 'scanning', result: null, error: null };
    this.scanning = jobId;
    await this.save(rec);
    this.deps.log.info({ jobId, actor: actor.name, pagesKept: rec.pages.length }, 'scan continued');
    void this.run(rec, { ...this.deps.defaults, ...opts }, actor, kept);
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

  /** Deletes the job's page images, OCR and record (discarded by the clerk, filed, or secret). */
  async remove(jobId: string): Promise<void> {
    if (this.scanning === jobId) {
      throw new SohoaError('scanner.busy', 'Không thể huỷ khi đang quét.', `job ${jobId} still scanning`);
    }
    this.jobs.delete(jobId);
    await this.deps.capture.discard(jobId);
    await rm(this.workDir(jobId), { recursive: true, force: true });
    await rm(join(this.deps.jobsDir, `${jobId}.json`), { force: true });
  }

  /** One scanner run into the job; `pending` holds the OCR of the pages it already had. */
  private async run(rec: JobRecord, opts: ScanDefaults, actor: Actor, pending: Promise<OcrPage>[]): Promise<void> {
    const { jobId } = rec.view;
    const before = rec.pages.length;
    let result;
    try {
      result = await this.deps.capture.capture({
        jobId, ...opts,
        onPage: (page) => {
          const p = { index: page.index, path: page.path, blank: page.blank };
          rec.pages.push(p);
          rec.view.pages.push({ page: page.index, imageUrl: previewUrl(jobId, page.index), blank: page.blank });
          pending.push(this.ocrPage(rec, p));
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
    if (rec.pages.length === 0) {
      const error = result.error ?? { code: 'scanner.no-docs' as const, message: 'Không có trang nào được quét. Hãy đặt giấy vào khay nạp rồi bấm Quét.' };
      this.deps.bus.emit('job.failed', { jobId, error });
      // Nothing was scanned: nothing to keep.
      await this.remove(jobId);
    } else {
      // A jam after some pages keeps them: the clerk sees the error and the pages that made it.
      rec.view.error = result.error;
      if (result.error) this.deps.log.warn({ jobId, err: result.error }, 'scan ended early');
      await this.recognise(rec, pending);
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
    const ocr = await this.deps.ocr.recognize(page.path, { workDir });
    return page.blank ? { ...ocr, blank: true } : ocr;
  }

  private async recognise(rec: JobRecord, pending: Promise<OcrPage>[]): Promise<void> {
    const { jobId } = rec.view;
    rec.view = { ...rec.view, state: 'extracting' };
    await this.save(rec);
    try {
      const all = await Promise.all(pending);
      const { result, pages } = await this.deps.extract(all.filter((p) => !p.blank));
      // The refined OCR (re-read stamps and signature block) is what the PDF's text layer uses.
      let k = 0;
      rec.ocr = all.map((p) => (p.blank ? p : pages[k++]!));
      rec.view = { ...rec.view, state: 'review', result };
      await this.save(rec);
      this.deps.bus.emit('job.extracted', { jobId, result });
    } catch (err) {
      const error = toErrorInfo(err);
      rec.view = { ...rec.view, state: 'failed', error };
      await this.save(rec);
      this.deps.bus.emit('job.failed', { jobId, error });
    }
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
    return atomicWrite(join(this.deps.jobsDir, `${rec.view.jobId}.json`), JSON.stringify(rec));
  }
}
