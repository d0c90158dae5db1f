import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SohoaError, toErrorInfo, type ErrorInfo } from '../errors.js';
import type { EventBus } from '../events.js';
import type { ExtractionResult } from '../extract/fields.js';
import type { Logger } from '../log.js';
import type { OcrPage } from '../ocr/ocr.js';
import { atomicWrite } from '../store/atomic-write.js';
import type { Actor, JobView, ScanOptions } from './desk.js';
import type { CapturedPage, CapturePort, ExtractPort, OcrPort } from './ports.js';

// Scan jobs: paper → page files → OCR (page by page, while the next page scans) → fields for the
// clerk to check. Each job's state lives in its spool folder (job.json) so a power cut loses
// neither the scanned pages nor the clerk's queue of documents to review.

interface JobRecord {
  view: JobView;
  pages: CapturedPage[];
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
    ocr: OcrPort;
    extract: ExtractPort;
    bus: EventBus;
    log: Logger;
    spoolRoot: string;
    defaults: ScanDefaults;
  }) {}

  /** Reloads the jobs left in the spool; a job cut off mid-way is OCR'd again from its pages. */
  async start(): Promise<void> {
    const dirs = await readdir(this.deps.spoolRoot, { withFileTypes: true }).catch(() => []);
    for (const d of dirs) {
      if (!d.isDirectory()) continue;
      const raw = await readFile(join(this.deps.spoolRoot, d.name, 'job.json'), 'utf8').catch(() => null);
      if (!raw) continue;
      const rec = JSON.parse(raw) as JobRecord;
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
    return this.jobs.get(jobId)?.pages.find((p) => p.index === page)?.previewPath;
  }

  /** The OCR of the pages that make the document (blank pages dropped), in order. */
  keptPages(jobId: string): OcrPage[] {
    const rec = this.require(jobId);
    return rec.ocr.filter((p) => !p.blank);
  }

  async startScan(opts: ScanOptions, actor: Actor): Promise<JobView> {
    if (this.scanning) {
      throw new SohoaError('scanner.busy', 'Máy quét đang quét một tập khác. Hãy chờ tập này xong.', `job ${this.scanning} running`);
    }
    const jobId = new Date().toISOString().slice(0, 10).replaceAll('-', '') + '-' + randomUUID().slice(0, 8);
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
    if (rec.view.state !== 'review') {
      throw new SohoaError('register.state', 'Tập này chưa sẵn sàng để đăng ký.', `job ${jobId} is ${rec.view.state}`);
    }
    rec.view = { ...rec.view, state: 'registered', docId };
    await this.save(rec);
  }

  /** Deletes the job's page images and OCR (discarded by the clerk, or a secret document). */
  async remove(jobId: string): Promise<void> {
    const rec = this.jobs.get(jobId);
    if (rec && this.scanning === jobId) {
      throw new SohoaError('scanner.busy', 'Không thể huỷ khi đang quét.', `job ${jobId} still scanning`);
    }
    this.jobs.delete(jobId);
    await rm(this.deps.capture.spoolDir(jobId), { recursive: true, force: true });
  }

  private async run(rec: JobRecord, opts: ScanDefaults): Promise<void> {
    const { jobId } = rec.view;
    const pending: Promise<OcrPage>[] = [];
    let scanError: ErrorInfo | null = null;
    try {
      await this.deps.capture.run(jobId, opts, (page) => {
        rec.pages.push(page);
        rec.view.pages.push({ page: page.index, imageUrl: `/api/jobs/${jobId}/pages/${page.index}.jpg`, blank: page.blank });
        pending.push(this.ocrPage(rec, page));
      });
    } catch (err) {
      scanError = toErrorInfo(err);
      this.deps.log.warn({ jobId, err: scanError }, 'scan ended with an error');
    } finally {
      this.scanning = null;
    }
    if (rec.pages.length === 0) {
      rec.view = { ...rec.view, state: 'failed', error: scanError ?? { code: 'scanner.no-docs', message: 'Không có trang nào được quét.' } };
      await this.save(rec);
      this.deps.bus.emit('job.failed', { jobId, error: rec.view.error! });
      // Nothing was scanned: nothing to keep.
      await this.remove(jobId);
      return;
    }
    // A jam after some pages keeps them: the clerk sees the error and the pages that made it.
    rec.view.error = scanError;
    await this.recognise(rec, pending);
  }

  private ocrPage(rec: JobRecord, page: CapturedPage): Promise<OcrPage> {
    return this.deps.ocr.recognize(page.path, this.deps.capture.spoolDir(rec.view.jobId)).then((ocr) =>
      page.blank ? { ...ocr, blank: true } : ocr,
    );
  }

  private async recognise(rec: JobRecord, pending: Promise<OcrPage>[]): Promise<void> {
    const { jobId } = rec.view;
    rec.view = { ...rec.view, state: 'extracting' };
    await this.save(rec);
    try {
      rec.ocr = await Promise.all(pending);
      const result: ExtractionResult = this.deps.extract.extract(rec.ocr.filter((p) => !p.blank));
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
    return atomicWrite(join(this.deps.capture.spoolDir(rec.view.jobId), 'job.json'), JSON.stringify(rec));
  }
}
