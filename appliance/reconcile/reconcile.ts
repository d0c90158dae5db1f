import type { ReconcileReport } from './outcome.js';
import { Recorder } from './outcome.js';
import type { ReconcileDeps } from './ports.js';
import { documentsWithoutScan, finishJobs, linkJobs, signingInterrupted } from './register-jobs.js';
import { carryOutboxState, lostOutboxItems } from './register-outbox.js';
import { sweepDocuments, sweepSpool } from './spool-sweep.js';

// Start-up reconciliation: after the stores have loaded and before anything can change them (no
// upload, no signing, no API), every pair of stores is compared and what a crash left half-done is
// finished or undone, so every document is in exactly one state and no file is left that no state
// owns. The rules, in the order they run (each one sees what the earlier ones repaired):
//
//   rule                          finds                                             does
//   signing-interrupted           register 'signing'                                → 'registered' (signed again)
//   link-job                      register entry names a job that does not name it  the job is attached
//   carry-outbox-state            outbox delivered/accepted/rejected/queued,        register moved along the lifecycle
//                                 register behind it                               (e.g. signed → queued → delivered)
//   outbox-item-without-document  outbox item, no register entry                    kept, logged
//   outbox-conflict               no allowed move to the outbox's state             kept, logged
//   outbox-item-lost              register queued/sending, no outbox item           → 'failed' with "Gửi lại"/"Ký lại"
//   job-of-finished-document      job of a document queued or further, discarded    job and its pages deleted
//   job-of-missing-document       job names a document the register lacks           job set aside with its pages
//   secret-pages-gone             held-secret, its scan already deleted             → 'discarded'
//   unsignable                    registered, no scan                               → 'failed' (scan again / Gửi lại)
//   orphan-spool, orphan-ocr-     page images / OCR folder of no job               removed
//   folder
//   orphan-signed-pdf             signed PDF of no register entry (nor of one       set aside (quarantine)
//                                 set aside as unreadable)
//   half-written-file             an atomic write's temporary file, a scan run's    removed
//                                 working folder
//
// A repair that fails (a full disk) is logged and the start goes on: the next start tries again.

export async function reconcileStores(deps: ReconcileDeps): Promise<ReconcileReport> {
  const log = deps.log;
  const rec = new Recorder(log);
  await signingInterrupted(deps, rec);
  await linkJobs(deps, rec);
  await carryOutboxState(deps, rec);
  await lostOutboxItems(deps, rec);
  await finishJobs(deps, rec);
  await documentsWithoutScan(deps, rec);
  await sweepSpool(deps, rec);
  await sweepDocuments(deps, rec);
  const report = rec.report();
  log.info({ counts: report.counts, actions: report.outcomes.length, errors: report.errors }, 'start-up reconciliation done');
  return report;
}
