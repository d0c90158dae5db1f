import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentState } from '../events.js';
import type { Logger } from '../log.js';
import type { Outbox } from '../outbox/outbox.js';
import type { ScanJobs } from '../pipeline/scan-jobs.js';
import type { Register, RegisterEntry } from '../register/register.js';
import type { Quarantine } from '../store/quarantine.js';

// What start-up reconciliation reads and repairs: each store through its own public methods (it
// never writes another store's files), plus the folders whose files belong to no state file.

export interface ReconcileDeps {
  register: Pick<Register, 'get' | 'listOpen' | 'setState'>;
  outbox: Pick<Outbox, 'list' | 'get'>;
  jobs: Pick<ScanJobs, 'list' | 'get' | 'attach' | 'remove' | 'ownedIds'>;
  quarantine: Pick<Quarantine, 'setAside' | 'entries'>;
  log: Logger;
  /** Signed PDFs: `<documentsDir>/<docId>.pdf`. */
  documentsDir: string;
  /** Page images: `<spoolDir>/<jobId>/`. */
  spoolDir: string;
  /** Job records `<jobsDir>/<jobId>.json` and OCR folders `<jobsDir>/<jobId>/`. */
  jobsDir: string;
  /** Other folders where a crash may leave an atomic write's temporary file. */
  stateDirs: string[];
}

/** The actor start-up repairs are recorded under (history, audit log). */
export const SYSTEM = 'hệ thống';

/** States in which the register still expects something of another store. */
export const OPEN: readonly DocumentState[] = ['registered', 'signing', 'signed', 'queued', 'sending', 'held-secret', 'failed'];

/** States past queuing: the signed PDF and the outbox carry the document, its scan is no longer needed. */
export const FILED: readonly DocumentState[] = ['queued', 'sending', 'delivered', 'accepted', 'rejected', 'discarded'];

// The register is read whole here (one pass at start-up); a register that keeps only an index in
// memory answers the same with a query of its open documents.
export function openDocuments(deps: ReconcileDeps): RegisterEntry[] {
  return deps.register.listOpen().filter((d) => OPEN.includes(d.state));
}

export function signedPdfExists(deps: ReconcileDeps, docId: string): boolean {
  return existsSync(join(deps.documentsDir, `${docId}.pdf`));
}
