import { previewUrl } from '../capture/capture.js';
import type { Logger } from '../log.js';
import type { BatchJobs } from './batch-jobs.js';
import type { JobRecord, JobRecords } from './job-records.js';
import type { PageReader } from './page-reader.js';
import type { SpoolPort } from './job-pages.js';
import type { CapturePort } from './ports.js';

// Start-up of the scan side: the jobs left from before a restart come back as their pages say.
// A job cut off mid-scan first takes back the pages capture recorded (its own page list, written
// before each page counts) that its record does not have yet: nothing scanned is lost. A job with
// no page at all (cut off before its first page) is removed: there is nothing to review, and
// registering it would take a number for a document that can never be filed. The others are
// recognised again, a batch split again or its hand-over finished (batch-jobs.ts).
// Two steps: loadJobs() as the stores load, resumeInterrupted() once start-up reconciliation
// (appliance/reconcile/) is done: it runs over stores nothing writes yet.

export interface RestartDeps {
  records: JobRecords;
  reader: PageReader;
  batches: BatchJobs;
  capture: CapturePort & SpoolPort;
  log: Logger;
  /** The job a scanner run is filling now, if any (none at start-up, but asked, not assumed). */
  scanningJob: () => string | null;
  remove: (jobId: string) => Promise<void>;
  background: (rec: JobRecord, work: Promise<void>) => void;
}

/**
 * Reloads the jobs left from before a restart: a job cut off mid-scan takes back the pages capture
 * recorded, one with no page is removed. Nothing is started yet: start-up reconciliation runs
 * next over still records (it removes half-written files, and a background save in flight would
 * be one of them: its rename then fails and the job ends "failed").
 */
export async function loadJobs(deps: RestartDeps): Promise<void> {
  const { records, log } = deps;
  // An unreadable record is set aside with its pages and OCR; the other jobs come back.
  await records.load();
  for (const rec of records.all()) if (rec.view.state === 'scanning') await recoverPages(deps, rec);
  for (const rec of records.all()) {
    if (emptyLeftover(deps, rec)) {
      log.warn({ jobId: rec.view.jobId, state: rec.view.state }, 'job without pages left by a restart: removed');
      await deps.remove(rec.view.jobId);
    }
  }
}

/** After reconciliation: a job cut off mid-way is recognised again from its pages, a batch split again or handed over. */
export async function resumeInterrupted(deps: RestartDeps): Promise<void> {
  const { records, reader, batches, log } = deps;
  // Every record is known before any resumes: a batch's hand-over sees the documents it already made.
  for (const rec of records.all()) {
    if (rec.view.batch && rec.plan) {
      log.warn({ jobId: rec.view.jobId }, 'batch split interrupted by a restart: finishing it');
      deps.background(rec, batches.handOver(rec).catch((err: unknown) => batches.batchFailed(rec, err)));
    } else if (rec.view.batch && (rec.view.state === 'scanning' || rec.view.state === 'extracting')) {
      log.warn({ jobId: rec.view.jobId }, 'batch interrupted by a restart: recognising its pages again');
      // separator sheets found again from what capture recorded of each page
      const captured = new Map((await deps.capture.pages(rec.view.jobId)).map((c) => [c.index, c]));
      if (rec.stack) rec.stack.separators = {};
      deps.background(rec, batches.splitBatch(rec, rec.pages.map((p, at) => {
        const c = captured.get(p.index);
        return c ? batches.readStackPage(rec, at, { ...c, ...p }) : reader.readPage(rec, p);
      })));
    } else if (rec.view.state === 'scanning' || rec.view.state === 'extracting') {
      log.warn({ jobId: rec.view.jobId }, 'job interrupted by a restart: recognising its pages again');
      deps.background(rec, reader.recognise(rec, rec.pages.map((p) => reader.readPage(rec, p))));
    }
  }
}

/** Adds the pages capture recorded for a job cut off mid-scan that its record does not have yet. */
async function recoverPages(deps: RestartDeps, rec: JobRecord): Promise<void> {
  const { jobId } = rec.view;
  const known = Math.max(0, ...rec.pages.map((p) => p.index));
  const missing = (await deps.capture.pages(jobId)).filter((c) => c.index > known);
  if (missing.length === 0) return;
  for (const c of missing) {
    rec.pages.push({ index: c.index, path: c.path, blank: c.blank });
    rec.view.pages.push({ page: c.index, imageUrl: previewUrl(jobId, c.index), blank: c.blank });
  }
  if (rec.view.batch) rec.view.batch.pagesScanned = Math.max(rec.view.batch.pagesScanned, rec.view.batch.pagesScanned + missing.length);
  await deps.records.save(rec);
  deps.log.warn({ jobId, recovered: missing.length, pages: rec.pages.length }, 'pages scanned before a restart taken back from the capture manifest');
}

/** A job record with no page, not registered, that no scan is filling (only ever after a restart). */
function emptyLeftover(deps: RestartDeps, rec: JobRecord): boolean {
  if (rec.pages.length > 0 || rec.view.docId || deps.scanningJob() === rec.view.jobId) return false;
  // A batch keeps its record after handing its pages to the documents it made.
  return !rec.view.batch || (rec.view.batch.documents.length === 0 && !rec.plan);
}
