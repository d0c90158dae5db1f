import type { DocumentState } from '../events.js';
import type { DocumentFields } from '../extract/fields.js';

// What one line of the register holds, and the rules of its states.

export interface RegisterExtras {
  recipientUnit?: string | null;
  dueDate?: string | null;
  note?: string | null;
  /** The client key of the `sohoa submit` that brought the document (a retried submit finds it). */
  submissionKey?: string;
  // --- flowsdesk ---
  /** Set by the clerk at Đăng ký: đơn thư khiếu nại, tố cáo, held on paper like a secret document (never kept in the entry). */
  exclusion?: 'complaint';
}

/** A document entered after an outage from the paper record kept meanwhile (Vĩnh Phúc art. 6.2; Tuyên Quang art. 20). */
export interface LateEntry {
  /** When it was entered into the register (ISO 8601 +07:00); the entry's receivedAt is the real receipt. */
  enteredAt: string;
  enteredBy: string;
  /** Where the receipt was written down, e.g. "Sổ giấy trang 12, dòng 3". */
  paperRecord: string;
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
  // --- flowsdesk ---
  /** A late entry: the paper record it came from, who entered it and when. */
  late?: LateEntry;
  /** Held on paper only, nothing of its content kept (state 'held-secret'): why. */
  withheld?: 'secret' | 'complaint';
  // --- flowsout: outgoing documents (sổ văn bản đi) ---
  /** Which register book: absent = incoming (sổ văn bản đến). */
  book?: 'incoming' | 'outgoing';
  /** An outgoing document (arrivalNumber null): its printed số/ký hiệu and where it goes. */
  outgoing?: OutgoingInfo;
  // --- flowsrecv ---
  /** How it reached the desk (absent = scanned). */
  origin?: 'scan' | 'submit' | 'electronic';
  /** A received electronic document (origin 'electronic'): its file and verified signatures. */
  received?: ReceivedInfo;
}

/** One line under "Nơi nhận", resolved against the provisioned agency list (extract.agenciesPath). */
export interface ResolvedRecipient {
  /** As printed under Nơi nhận. */
  text: string;
  /** The agency's identifier (OrganId) when resolved; null = not sent electronically (shown to the clerk). */
  organId: string | null;
  name: string | null;
  /** "Lưu: VT, …" and the like: the agency's own copy, never sent. */
  copyOnly: boolean;
}

export interface OutgoingInfo {
  /** The printed số/ký hiệu: the outgoing book's number space (unique per year of issue). */
  number: string;
  recipients: ResolvedRecipient[];
}

// Which state may follow which: the lifecycle table (lifecycle.ts) is the one place that says it.
import { NEXT } from './lifecycle.js';
export { NEXT };

/** A document in a final state never changes again: the register reads it from disk when asked. */
export function isFinal(state: DocumentState): boolean {
  return NEXT[state].length === 0;
}
