import type { DocumentState } from '../events.js';
import type { DocumentFields } from '../extract/fields.js';

// What one line of the register holds, and the rules of its states.

export interface RegisterExtras {
  recipientUnit?: string | null;
  dueDate?: string | null;
  note?: string | null;
  /** The client key of the `sohoa submit` that brought the document (a retried submit finds it). */
  submissionKey?: string;
}

export interface StateChange {
  state: DocumentState;
  at: string;
  actor: string | null;
  detail: string | null;
}

/** The agency signature on the filed PDF: B-T when a timestamp service stamped it, else B-B. */
export interface SignatureInfo {
  level: 'B-B' | 'B-T';
  /** Why the level is lower than configured (e.g. the timestamp service did not answer). */
  warnings: string[];
}

/** One signature of a received electronic document, as verified at the desk (appliance/receive). */
export interface ReceivedSignature {
  valid: boolean;
  /** The signer's certificate subject (CN first), or null when unreadable. */
  signer: string | null;
  /** When it was signed (timestamp time when present, else the signing time), ISO 8601. */
  signedAt: string | null;
  /** Why it is not valid, in plain Vietnamese; null when valid. */
  reason: string | null;
}

/** Where a received electronic document came from and what its signatures said. */
export interface ReceivedInfo {
  fileName: string;
  signatures: ReceivedSignature[];
}

export interface RegisterEntry {
  docId: string;
  /** Số đến: sequential per calendar year; null for a secret document (kept on paper). */
  arrivalNumber: number | null;
  /** When it counts as received (office hours applied), ISO 8601 +07:00. */
  arrivalDate: string;
  /** When it was actually received. */
  receivedAt: string;
  year: number;
  fields: DocumentFields;
  extras: RegisterExtras;
  state: DocumentState;
  history: StateChange[];
  /** docId of an earlier document with the same issuer + number/notation (a warning). */
  duplicateOf: string | null;
  /** Plain-Vietnamese explanation for the clerk (held, failed, rejected), or null. */
  message: string | null;
  registeredBy: string;
  /** Set when the document is signed; absent on entries written before signing was recorded. */
  signature?: SignatureInfo;
  /**
   * The scan job it was registered from, written in the same file as its number: a crash before
   * the job records its docId is finished at start-up (appliance/reconcile), never registered twice.
   */
  jobId?: string;
  /** How it reached the desk (absent = scanned). */
  origin?: 'scan' | 'submit' | 'electronic';
  /** A received electronic document (origin 'electronic'): its file and verified signatures. */
  received?: ReceivedInfo;
}

// Which state may follow which: the lifecycle table (lifecycle.ts) is the one place that says it.
import { NEXT } from './lifecycle.js';
export { NEXT };

/** A document in a final state never changes again: the register reads it from disk when asked. */
export function isFinal(state: DocumentState): boolean {
  return NEXT[state].length === 0;
}
