import type { DocumentState, TokenState } from '../events.js';
import type { DocumentFields, ExtractionResult } from '../extract/fields.js';
import type { ErrorInfo } from '../errors.js';
import type { SignatureInfo } from '../register/register.js';

// The commands the front desk (API → UI) may give, and the views it may read. The API depends on
// this interface only; the pipeline implements it. Nothing here exposes a stage's internals.

/** The named person doing the action (audit log). */
export interface Actor { name: string }

export interface ScanOptions {
  source?: 'adf' | 'adf-duplex' | 'flatbed';
  mode?: 'color' | 'gray';
  dpi?: number;
}

export interface PageView {
  page: number;
  /** URL of a JPEG preview served by the API. */
  imageUrl: string;
  blank: boolean;
}

export interface JobView {
  jobId: string;
  state: 'scanning' | 'extracting' | 'review' | 'failed' | 'registered' | 'discarded';
  startedAt: string;
  pages: PageView[];
  result: ExtractionResult | null;
  error: ErrorInfo | null;
  /** Set once the clerk registered the job. */
  docId: string | null;
}

export interface DocumentView {
  docId: string;
  arrivalNumber: number | null;
  arrivalDate: string | null;
  state: DocumentState;
  fields: DocumentFields;
  /** Delivery details from the outbox. */
  delivery: { attempts: number; nextAttemptAt: string | null; statusCode: string | null; lastError: string | null } | null;
  /** Plain-Vietnamese explanation when the document is held, failed or rejected. */
  message: string | null;
  /** A same issuer + number/notation already registered (warning, not a block). */
  duplicateOf: string | null;
  createdAt: string;
  /** The agency signature's PAdES level, and why it is lower than configured; null until signed. */
  signature: SignatureInfo | null;
  /**
   * What the clerk may do now: 'sign' (signing failed: "Ký lại"), 'send' (delivery refused, the
   * signed PDF is kept: "Gửi lại"), 'send-now' (waiting for its next delivery try: "Gửi lại ngay").
   */
  retry: 'sign' | 'send' | 'send-now' | null;
}

export interface Desk {
  startScan(opts: ScanOptions, actor: Actor): Promise<JobView>;
  /** "Quét tiếp": more pages into a job not yet registered (after a jam or an empty feeder). */
  continueScan(jobId: string, opts: ScanOptions, actor: Actor): Promise<JobView>;
  listJobs(): JobView[];
  getJob(jobId: string): JobView | undefined;
  /** Path of a page's JPEG preview, or undefined. */
  pagePreview(jobId: string, page: number): string | undefined;
  discardJob(jobId: string, actor: Actor): Promise<void>;
  /** The clerk confirmed (and maybe corrected) the fields: register, then sign and queue. */
  registerJob(jobId: string, fields: DocumentFields, actor: Actor): Promise<DocumentView>;
  listDocuments(): Promise<DocumentView[]>;
  getDocument(docId: string): Promise<DocumentView | undefined>;
  /** Path of the signed PDF, when there is one. */
  documentPdf(docId: string): Promise<string | undefined>;
  /** Clerk confirms a secret (MẬT…) document stays on paper: its pages are deleted. */
  confirmSecretHeld(docId: string, actor: Actor): Promise<DocumentView>;
  /** "Ký lại" / "Gửi lại": a failed document goes back through the filing queue. */
  retryDocument(docId: string, actor: Actor): Promise<DocumentView>;
  /** "Gửi lại ngay": the delivery queue retries now instead of at its next scheduled try. */
  sendNow(docId: string, actor: Actor): Promise<DocumentView>;
  tokenState(): TokenState;
  unlockToken(pin: string, actor: Actor): Promise<TokenState>;
  lockToken(actor: Actor): Promise<TokenState>;
}
