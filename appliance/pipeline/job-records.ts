import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SohoaError } from '../errors.js';
import type { OcrPage } from '../ocr/ocr.js';
import { syncDir } from '../store/atomic-write.js';
import { Quarantine } from '../store/quarantine.js';
import type { JobView } from './desk.js';
import { readJobFiles, saveJobFile } from './job-files.js';
import type { JobPage, SpoolPort } from './job-pages.js';
import type { CapturePort } from './ports.js';
import type { StackState } from './stack-marks.js';
import { PerKeyOrder } from '../store/per-key-order.js';

// The scan jobs' records: what a job is (JobRecord), the live set of them in memory, and where each
// one's files are (its record <jobsDir>/<jobId>.json, its OCR scratch folder, its spooled pages).
// Kept apart from the scan, reading and batch logic so every part of the scan side reads and
// writes a job through the same few calls (job-files.ts holds the on-disk format).

export interface JobRecord {
  view: JobView;
  /** Page image paths in page order, with their blank flag from capture. */
  pages: JobPage[];
  /** OCR of every page, in page order (blank pages included, flagged blank). */
  ocr: OcrPage[];
  /** The client key of the `sohoa submit` that handed this job's pages in (a retry finds the job). */
  submission?: string;
  /** A batch's split, persisted before its pages are handed to the document jobs it names. */
  plan?: PlannedDocument[];
  /** A batch's stack policies, separator sheets and "Tài liệu tiếp theo" marks (stack-marks.ts). */
  stack?: StackState;
}

export interface PlannedDocument {
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

export class JobRecords {
  private readonly jobs = new Map<string, JobRecord>();
  /** Each job's record writes and its deletion, in call order (one chain per job). */
  private readonly writes = new PerKeyOrder();
  private closed = false;
  /**
   * Jobs deleted in this run: their record is never written again. A page read whole after its
   * fields came out (page-reader.ts) may finish after a secret document or a complaint had its
   * scan deleted; without this its OCR text could land back on disk (no-trace guarantee).
   */
  private readonly deleted = new Set<string>();

  constructor(private readonly deps: {
    capture: Pick<CapturePort, 'discard'> & Pick<SpoolPort, 'jobDir'>;
    jobsDir: string;
    /** Where an unreadable job record goes with its pages (the appliance's; default `<jobsDir>/quarantine`). */
    quarantine?: Quarantine;
  }) {}

  /** Reads the records left from before a restart (an unreadable one is set aside with its pages and OCR). */
  async load(): Promise<void> {
    const quarantine = this.deps.quarantine ?? new Quarantine({ dataDir: this.deps.jobsDir });
    const records = await readJobFiles<JobRecord>(this.deps.jobsDir, quarantine, (jobId) => [
      { from: this.deps.capture.jobDir(jobId), as: 'spool' }, { from: this.workDir(jobId), as: 'ocr' },
    ]);
    for (const rec of records) this.jobs.set(rec.view.jobId, rec);
  }

  get(jobId: string): JobRecord | undefined {
    return this.jobs.get(jobId);
  }

  has(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  /** Every record, in no particular order (a copy: safe to change the set while going through it). */
  all(): JobRecord[] {
    return [...this.jobs.values()];
  }

  set(rec: JobRecord): void {
    this.jobs.set(rec.view.jobId, rec);
  }

  require(jobId: string): JobRecord {
    const rec = this.jobs.get(jobId);
    if (!rec) throw new SohoaError('register.not-found', 'Không tìm thấy tập quét này.', `no job ${jobId}`);
    return rec;
  }

  save(rec: JobRecord): Promise<void> {
    const { jobId } = rec.view;
    return this.inOrder(jobId, () => (this.deleted.has(jobId) ? Promise.resolve() : saveJobFile(this.deps.jobsDir, jobId, rec)));
  }

  /**
   * Once the appliance stops, no record is written or deleted any more: work still finishing
   * (a page read whole after its fields, as the OCR engine closes) would otherwise land after the
   * stop, over what the next start reads. What it would have written is redone by the next start,
   * as after a power cut (job-restart.ts). Settles when the writes in flight have.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.writes.settled();
  }

  /** Runs `write` after the job's earlier writes have settled (a write in flight never lands after a delete). */
  private inOrder(jobId: string, write: () => Promise<void>): Promise<void> {
    return this.closed ? Promise.resolve() : this.writes.run(jobId, write);
  }

  /** The job's OCR scratch folder (upright/cleaned page images): made by the reader, removed with the job. */
  workDir(jobId: string): string {
    return join(this.deps.jobsDir, jobId);
  }

  /** Deletes the job's page images and OCR scratch folder; its record stays (a batch once split). */
  async dropPages(jobId: string): Promise<void> {
    await this.deps.capture.discard(jobId);
    await rm(this.workDir(jobId), { recursive: true, force: true });
  }

  /**
   * Forgets the job and deletes its record, then its page images and OCR. The record goes first: a
   * crash in between leaves files no record owns, which start-up removes (reconcile/spool-sweep.ts);
   * the other way round it would leave a job whose pages are half gone.
   */
  async delete(jobId: string): Promise<void> {
    if (this.closed) return; // the next start removes what is left (a job with no page, or files no record owns)
    this.jobs.delete(jobId);
    this.deleted.add(jobId);
    await this.inOrder(jobId, async () => {
      await rm(join(this.deps.jobsDir, `${jobId}.json`), { force: true });
      await syncDir(this.deps.jobsDir).catch(() => undefined);
    });
    await this.dropPages(jobId);
  }
}
