import type { DocumentState, TokenState } from '../events.js';
import type { DocumentFields, ExtractionResult } from '../extract/fields.js';
import type { ErrorInfo } from '../errors.js';
import type { ReceivedInfo, RegisterExtras, SignatureInfo } from '../register/register.js';
import type { LateReceipt } from '../register/late-entry.js';
import type { OutgoingInfo, ResolvedRecipient } from '../register/entry.js';
import type { CaptureProfile } from '../capture/profiles.js';
import type { FieldBoxes } from './field-boxes.js';
import type { PageEdit, PageEditsView, RegionText } from './page-edits.js';
import type { Region } from './page-geometry.js';
import type { StackPolicy } from './stack-marks.js';

// The commands the front desk (API → UI) may give, and the views it may read. The API depends on
// this interface only; the pipeline implements it. Nothing here exposes a stage's internals.

/** The named person doing the action (audit log). */
export interface Actor { name: string }

export interface ScanOptions {
  /** A capture profile's name (GET /api/profiles): its source, duplex, dpi, mode, blank policy, page limit, register book. */
  profile?: string;
  /** Explicit settings win over the profile's (technician tests). */
  source?: 'adf' | 'adf-duplex' | 'flatbed';
  mode?: 'color' | 'gray';
  dpi?: number;
  /**
   * A batch's stack policies, from the capture profile chosen (separators, blank sheets, page
   * limit); set by the service from the profile, not part of the HTTP body. Absent: the default
   * batch profile's.
   */
  stack?: StackPolicy;
}

export interface PageView {
  page: number;
  /** URL of a JPEG preview served by the API. */
  imageUrl: string;
  blank: boolean;
}

/** A batch scan ("Quét cả tập"): the stack so far, and the document jobs it was split into. */
export interface BatchView {
  /** Pages scanned over all runs of the batch (blank backs included). */
  pagesScanned: number;
  /** Documents found so far: live while scanning, final once split. */
  found: number;
  /** The document jobs made from the stack, in stack order. */
  documents: string[];
}

/** Where a document job of a batch came from, and how sure its boundaries are. */
export interface SplitView {
  batchId: string;
  /** 0..1, the weakest page decision of the split (see pipeline/split-stack.ts). */
  confidence: number;
  /** The review list says "Kiểm tra chỗ tách"; the reviewer may merge it with the previous one. */
  doubtful: boolean;
}

export interface JobView {
  jobId: string;
  /** 'split': a batch whose pages were handed to its document jobs (Quét tiếp still possible). */
  state: 'scanning' | 'extracting' | 'review' | 'failed' | 'registered' | 'discarded' | 'split';
  startedAt: string;
  pages: PageView[];
  result: ExtractionResult | null;
  error: ErrorInfo | null;
  /** Set once the clerk registered the job. */
  docId: string | null;
  /** Present on a batch scan. */
  batch?: BatchView;
  /** Present on a document job split from a batch. */
  split?: SplitView;
  /** The capture profile it was scanned with (its name), when one was asked for. */
  profile?: string;
  /** 'outgoing': a "Văn bản đi" scan, registered into the outgoing book (absent = incoming). */
  book?: 'incoming' | 'outgoing';
  /** A received electronic document (appliance/receive): its file and verified signatures. */
  origin?: 'electronic';
  received?: ReceivedInfo;
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
  /** 'outgoing' with its printed number and recipients (sổ văn bản đi); absent = incoming. */
  book?: 'incoming' | 'outgoing';
  outgoing?: OutgoingInfo;
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
  /** The capture profiles, in button order (the first is the default: pedal, scanner button). */
  profiles(): CaptureProfile[];
  startScan(opts: ScanOptions, actor: Actor): Promise<JobView>;
  /** "Quét cả tập": scans the whole stack, then splits it into document jobs to review. */
  startBatch(opts: ScanOptions, actor: Actor): Promise<JobView>;
  /** "Gộp với văn bản trước": a wrongly split document goes back onto the previous one of its batch. */
  mergeJob(jobId: string, actor: Actor): Promise<JobView>;
  /** "Quét tiếp": more pages into a job not yet registered (after a jam or an empty feeder); for a batch, more of the stack. */
  continueScan(jobId: string, opts: ScanOptions, actor: Actor): Promise<JobView>;
  /** "Tài liệu tiếp theo": while a batch scans, the document under way ends at the page scanned last. */
  nextDocument(jobId: string, actor: Actor): Promise<JobView>;
  listJobs(): JobView[];
  getJob(jobId: string): JobView | undefined;
  /** Path of a page's JPEG preview, or undefined. */
  pagePreview(jobId: string, page: number): string | undefined;
  discardJob(jobId: string, actor: Actor): Promise<void>;
  /** The job's pages as the clerk arranged them (turned, taken out, reordered, blank or not). */
  pageEdits(jobId: string): Promise<PageEditsView>;
  /** A new arrangement of every page of the job (undoable until Đăng ký). */
  editPages(jobId: string, pages: PageEdit[], actor: Actor): Promise<PageEditsView>;
  undoPageEdit(jobId: string, actor: Actor): Promise<PageEditsView>;
  /** OCR of a region the clerk marked on a page (fractions of the page as scanned). */
  readRegion(jobId: string, page: number, region: Region): Promise<RegionText>;
  /** Where on the pages each extracted field was read. */
  fieldBoxes(jobId: string): FieldBoxes;
  /**
   * The clerk confirmed (and maybe corrected) the fields: register, then sign and queue. Options:
   * `extras.exclusion` holds a complaint on paper; `late`: entered after an outage with its real
   * receipt time (register/late-entry.ts); `outgoing`: an outgoing scan's recipient choices.
   */
  registerJob(jobId: string, fields: DocumentFields, actor: Actor, options?: RegisterJobOptions): Promise<DocumentView>;
  /** "Nơi nhận" lines resolved against the provisioned agency list, and that list (an outgoing review). */
  resolveRecipients(lines: string[]): ResolvedRecipient[];
  agencies(): { id: string; name: string }[];
  /** The capture profiles the scan screen offers (GET /api/profiles). */
  profiles(): CaptureProfile[];
  listDocuments(): Promise<DocumentView[]>;
  getDocument(docId: string): Promise<DocumentView | undefined>;
  /** Paths of the signed PDF's files, part 1 first (more than one for a document split under 50 MB each); none before signing. */
  documentPdfs(docId: string): Promise<string[]>;
  /** Clerk confirms a withheld document (secret, or a complaint) stays on paper: its pages are deleted. */
  confirmSecretHeld(docId: string, actor: Actor): Promise<DocumentView>;
  /** "Ký lại" / "Gửi lại": a failed document goes back through the filing queue. */
  retryDocument(docId: string, actor: Actor): Promise<DocumentView>;
  /** "Gửi lại ngay": the delivery queue retries now instead of at its next scheduled try. */
  sendNow(docId: string, actor: Actor): Promise<DocumentView>;
  tokenState(): TokenState;
  unlockToken(pin: string, actor: Actor): Promise<TokenState>;
  lockToken(actor: Actor): Promise<TokenState>;
}

/**
 * What the clerk confirms of an outgoing document's recipients: for each printed line, the agency
 * picked (organId) or null, left unresolved. `unresolvedConfirmed` says the clerk knows that the
 * unresolved ones get no electronic copy (they are sent on paper): without it Đăng ký is refused.
 */
/** What Đăng ký takes besides the fields. */
export interface RegisterJobOptions {
  extras?: RegisterExtras;
  late?: LateReceipt;
  outgoing?: OutgoingConfirmation;
}

export interface OutgoingConfirmation {
  recipients?: { text: string; organId: string | null }[];
  unresolvedConfirmed?: boolean;
}
