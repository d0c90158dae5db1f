import type { Logger } from '../log.js';

// What start-up reconciliation did, rule by rule: every action is one Outcome, logged as it
// happens (journal: msg "start-up reconciliation", field `rule`) and counted in the report.

export type RuleName =
  // register alone
  | 'signing-interrupted'
  // register ↔ scan jobs
  | 'link-job' | 'job-of-finished-document' | 'job-of-missing-document' | 'secret-pages-gone' | 'unsignable'
  // register ↔ outbox
  | 'carry-outbox-state' | 'outbox-item-lost' | 'outbox-item-without-document' | 'outbox-conflict'
  // scan jobs ↔ spool and OCR folders; register ↔ signed PDFs
  | 'orphan-spool' | 'orphan-ocr-folder' | 'half-written-file' | 'orphan-signed-pdf';

export interface Outcome {
  rule: RuleName;
  /** What was done: 'attached', 'removed', 'queued→delivered', 'set aside'…; 'kept' when only reported. */
  action: string;
  docId?: string;
  jobId?: string;
  path?: string;
  /** Set when the repair itself failed (it is tried again at the next start). */
  error?: string;
}

export interface ReconcileReport {
  outcomes: Outcome[];
  counts: Partial<Record<RuleName, number>>;
  /** Repairs that failed (disk full, I/O): the service starts anyway, the next start tries again. */
  errors: number;
}

/** Collects outcomes, logging each one as it is recorded. */
export class Recorder {
  readonly outcomes: Outcome[] = [];

  constructor(private readonly log: Logger) {}

  done(o: Outcome): void {
    this.outcomes.push(o);
    this.log[o.action === 'kept' ? 'info' : 'warn'](o, 'start-up reconciliation');
  }

  /** Runs one repair; a failure is recorded (and logged) instead of stopping the start. */
  async try(o: Outcome, repair: () => Promise<unknown>): Promise<void> {
    try {
      await repair();
      this.done(o);
    } catch (err) {
      const error = (err as Error).message ?? String(err);
      this.outcomes.push({ ...o, error });
      this.log.error({ ...o, err }, 'start-up reconciliation: repair failed, tried again at the next start');
    }
  }

  report(): ReconcileReport {
    const counts: Partial<Record<RuleName, number>> = {};
    for (const o of this.outcomes) counts[o.rule] = (counts[o.rule] ?? 0) + 1;
    return { outcomes: this.outcomes, counts, errors: this.outcomes.filter((o) => o.error).length };
  }
}
