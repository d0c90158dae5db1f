import type { DocumentState } from '../events.js';
import type { DocumentFields, ExtractionResult } from '../extract/fields.js';
import type { OcrPage } from '../ocr/ocr.js';
import type { ScanRequest } from '../../drivers/scanner/scanner.js';
import type { Actor } from './desk.js';

// The narrow views the pipeline has of each stage. The composition root (app.ts) adapts the
// concrete stages to these; the pipeline never reaches past them.

export interface CapturedPage {
  index: number;
  path: string;
  previewPath: string;
  blank: boolean;
}

export interface CapturePort {
  /** Scans one job into its spool folder; `onPage` fires as each page is ready. */
  run(jobId: string, req: Omit<ScanRequest, 'outDir'>, onPage: (page: CapturedPage) => void): Promise<CapturedPage[]>;
  spoolDir(jobId: string): string;
}

export interface OcrPort {
  recognize(imagePath: string, workDir: string): Promise<OcrPage>;
}

export interface ExtractPort {
  extract(pages: OcrPage[]): ExtractionResult;
}

export interface RegisteredDoc {
  docId: string;
  arrivalNumber: number | null;
  arrivalDate: string | null;
  state: DocumentState;
  fields: DocumentFields;
  message: string | null;
  duplicateOf: string | null;
  createdAt: string;
  /** The scan job whose pages make this document (spool folder). */
  jobId: string | null;
}

export interface RegisterPort {
  register(fields: DocumentFields, actor: Actor, jobId: string): Promise<RegisteredDoc>;
  setState(docId: string, state: DocumentState, actor: Actor, detail?: string): Promise<RegisteredDoc>;
  get(docId: string): Promise<RegisteredDoc | undefined>;
  list(): Promise<RegisteredDoc[]>;
  audit(actor: Actor, action: string, docId: string | null, detail?: Record<string, unknown>): Promise<void>;
}

export interface FilingPort {
  /** Searchable PDF of the kept pages. */
  buildPdf(pages: OcrPage[], doc: RegisteredDoc): Promise<Uint8Array>;
  /** Signs with the agency token and verifies the result; throws SohoaError (token.*) when it cannot. */
  sign(pdf: Uint8Array, doc: RegisteredDoc): Promise<Uint8Array>;
  /** The edXML package and its DocumentId. */
  package(pdf: Uint8Array, doc: RegisteredDoc): { documentId: string; xml: string; fileName: string };
}

export interface DeliveryView {
  attempts: number;
  nextAttemptAt: string | null;
  statusCode: string | null;
  lastError: string | null;
  state: 'queued' | 'sending' | 'delivered' | 'rejected';
}

export interface OutboxPort {
  enqueue(docId: string, documentId: string, xml: string): Promise<void>;
  get(docId: string): Promise<DeliveryView | undefined>;
}
