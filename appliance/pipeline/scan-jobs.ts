import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { newJobId, previewUrl } from '../capture/capture.js';
import { SohoaError, toErrorInfo } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { OcrEngine, OcrPage } from '../ocr/ocr.js';
import { atomicWrite } from '../store/atomic-write.js';
import type { Actor, JobView, ScanOptions } from './desk.js';
import type { CapturePort, ExtractFn } from './ports.js';

// Scan jobs: paper → page files (capture) → OCR page by page while the next page scans → fields
// for the clerk to check. A job's state is kept in <jobsDir>/<jobId>.json, so a power cut loses
// neither the scanned pages nor the clerk's list of documents waiting for review.

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
    if (this.scanning) {
      throw new SohoaError('scanner.busy', 'Máy quét đang quét một tập khác. Hãy chờ tập này xong.', `job ${this.scanning} running`);
    }
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
    void this.run(rec, { ...this.deps.defaults, ...opts });
    return rec.view;
  }

  /** Marks the job as registered as document `docId`. */
  async attach(jobId: string, docId: string): Promise<void> {
    const rec = this.require(jobId);
    rec.view = { ...rec.view, state: 'registered', docId };
    await this.save(rec);
  }

  /** Deletes the job's page images, OCR and record (discarded by the clerk, filed, or secret). */
  async remove(jobId: string): Promise<void> {
    if (this.scanning === jobId) {
      throw new SohoaError('scanner.busy', 'Không thể huỷ khi đang quét.', `job ${jobId} still scanning`);
    }
    this.jobs.delete(jobId);
    await this.deps.capture.discard(jobId);
    await rm(join(this.deps.jobsDir, `${jobId}.json`), { force: true });
  }

  private async run(rec: JobRecord, opts: ScanDefaults): Promise<void> {
    const { jobId } = rec.view;
    const pending: Promise<OcrPage>[] = [];
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
    if (rec.pages.length === 0) {
      const error = result.error ?? { code: 'scanner.no-docs' as const, message: 'Không có trang nào được quét. Hãy đặt giấy vào khay nạp rồi bấm Quét.' };
      this.deps.bus.emit('job.failed', { jobId, error });
      // Nothing was scanned: nothing to keep.
      await this.remove(jobId);
      return;
    }
    // A jam after some pages keeps them: the clerk sees the error and the pages that made it.
    rec.view.error = result.error;
    if (result.error) this.deps.log.warn({ jobId, err: result.error }, 'scan ended early');
    await this.recognise(rec, pending);
  }

  private ocrPage(rec: JobRecord, page: { path: string; blank: boolean }): Promise<OcrPage> {
    return this.deps.ocr.recognize(page.path, { workDir: join(this.deps.jobsDir, rec.view.jobId) })
      .then((ocr) => (page.blank ? { ...ocr, blank: true } : ocr));
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

  private require(jobId: string): JobRecord {
    const rec = this.jobs.get(jobId);
    if (!rec) throw new SohoaError('register.not-found', 'Không tìm thấy tập quét này.', `no job ${jobId}`);
    return rec;
  }

  private save(rec: JobRecord): Promise<void> {
    return atomicWrite(join(this.deps.jobsDir, `${rec.view.jobId}.json`), JSON.stringify(rec));
  }
}
