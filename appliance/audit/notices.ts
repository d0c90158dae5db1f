// What the audit log says about itself: entries with action 'audit-notice', written by the log
// (at start) or by `sohoa restore`, so that nothing that happened to the log is silent. The
// verifier reads them back: a log found shorter than its kept head stays a problem for good; the
// others are notices.

export type AuditNotice =
  /** The current file ended in a torn line (power cut mid-append): it was cut off and kept here. */
  | { kind: 'torn-line'; file: string; bytes: number; text: string }
  /** At start the log was shorter than the kept head, or differed from it: entries were lost. */
  | { kind: 'behind-head'; headSeq: number; headHash: string; foundSeq: number }
  /** The kept head was missing or unreadable at start while the log had entries; written anew. */
  | { kind: 'head-missing'; reason: string }
  /** Lines written before the chain existed, moved to `file` and anchored by their hash. */
  | { kind: 'legacy'; file: string; bytes: number; lines: number; sha256: string }
  /**
   * `sohoa restore --force` put back a backup that does not continue the kept head (an older or
   * another log): the technician's decision, with where the replaced log was moved.
   */
  | { kind: 'rolled-back'; headSeq: number; headHash: string; foundSeq: number; movedAside: string | null; archive: string };

export const NOTICE_ACTION = 'audit-notice';
