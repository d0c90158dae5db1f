import { join } from 'node:path';
import type { Recorder } from './outcome.js';
import { WITHHELD_DONE, withheldOf } from '../register/withheld.js';
import { FILED, openDocuments, signedPdfExists, SYSTEM, type ReconcileDeps } from './ports.js';

// Register ↔ scan jobs. The register entry names its job (RegisterEntry.jobId, written with its
// number); the job names its document (JobView.docId, written just after). A crash between the two
// writes, or between filing a document and deleting its scan, is finished here.

/** 'signing' never survives a restart: the signature was not recorded, so it is made again. */
export async function signingInterrupted(deps: ReconcileDeps, rec: Recorder): Promise<void> {
  for (const doc of openDocuments(deps).filter((d) => d.state === 'signing')) {
    await rec.try({ rule: 'signing-interrupted', action: 'signing→registered', docId: doc.docId }, () =>
      deps.register.setState(doc.docId, 'registered', { actor: SYSTEM, detail: 'interrupted by a restart: signed again', message: null }));
  }
}

/** A register entry whose job does not yet say so: the job is attached (it can no longer be registered twice). */
export async function linkJobs(deps: ReconcileDeps, rec: Recorder): Promise<void> {
  for (const doc of openDocuments(deps)) {
    if (!doc.jobId) continue;
    const job = deps.jobs.get(doc.jobId);
    if (!job || job.docId === doc.docId) continue;
    if (job.docId) {
      // Never made by this code (one scan, two numbers): a person must look.
      rec.done({ rule: 'link-job', action: 'kept', docId: doc.docId, jobId: job.jobId, error: `job already belongs to ${job.docId}` });
      continue;
    }
    await rec.try({ rule: 'link-job', action: 'attached', docId: doc.docId, jobId: job.jobId }, () => deps.jobs.attach(job.jobId, doc.docId));
  }
}

/**
 * Jobs of documents already filed (or discarded, secret ones included) are deleted; a job whose
 * document is not in the register (its entry was set aside) goes to the quarantine with its pages.
 */
export async function finishJobs(deps: ReconcileDeps, rec: Recorder): Promise<void> {
  for (const job of deps.jobs.list()) {
    if (!job.docId) continue;
    const doc = deps.register.get(job.docId);
    if (doc && FILED.includes(doc.state)) {
      await rec.try({ rule: 'job-of-finished-document', action: `removed (document ${doc.state})`, docId: doc.docId, jobId: job.jobId }, () => deps.jobs.remove(job.jobId));
    } else if (!doc) {
      await rec.try({ rule: 'job-of-missing-document', action: 'set aside', docId: job.docId, jobId: job.jobId }, async () => {
        await deps.quarantine.setAside('jobs', job.jobId, [
          { from: join(deps.jobsDir, `${job.jobId}.json`), as: `${job.jobId}.json` },
          { from: join(deps.spoolDir, job.jobId), as: 'spool' },
          { from: join(deps.jobsDir, job.jobId), as: 'ocr' },
        ], `its document ${job.docId} is not in the register`);
        await deps.jobs.remove(job.jobId);
      });
    }
  }
}

/** Documents waiting for a scan that is gone: a held secret one was confirmed; one to sign cannot be. */
export async function documentsWithoutScan(deps: ReconcileDeps, rec: Recorder): Promise<void> {
  const jobOf = new Map(deps.jobs.list().filter((j) => j.docId).map((j) => [j.docId!, j.jobId]));
  for (const doc of openDocuments(deps)) {
    if (jobOf.has(doc.docId)) continue;
    if (doc.state === 'held-secret') {
      // (secret or complaint alike) Its pages go only after the clerk confirms: the crash came between deleting them and
      // recording it (older versions deleted first).
      await rec.try({ rule: 'secret-pages-gone', action: 'held-secret→discarded', docId: doc.docId }, () =>
        deps.register.setState(doc.docId, 'discarded', { actor: SYSTEM, detail: 'scan already deleted', message: WITHHELD_DONE[withheldOf(doc) ?? 'secret'] }));
    } else if (doc.state === 'registered') {
      const pdf = signedPdfExists(deps, doc.docId);
      await rec.try({ rule: 'unsignable', action: 'registered→failed', docId: doc.docId }, () =>
        deps.register.setState(doc.docId, 'failed', {
          actor: SYSTEM, detail: 'no scan job at start-up',
          message: pdf ? 'Văn bản đã ký nhưng chưa được đưa vào hàng đợi gửi. Bấm Gửi lại.' : 'Văn bản không còn bản quét để ký. Hãy quét lại văn bản giấy.',
        }));
    }
  }
}
