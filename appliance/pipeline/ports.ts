import type { CaptureStage } from '../capture/capture.js';
import type { ExtractionResult } from '../extract/fields.js';
import type { OcrPage } from '../ocr/ocr.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Register, RegisterEntry, SignatureInfo } from '../register/register.js';
import type { ScanJobs } from './scan-jobs.js';

// The parts of each stage the pipeline uses. Narrow on purpose: the pipeline routes documents
// between stages and owns no stage's data.

export type CapturePort = Pick<CaptureStage, 'capture' | 'discard' | 'previewPath' | 'requireRoom'>;
export type RegisterPort = Pick<Register, 'register' | 'setState' | 'note' | 'get' | 'listOpen' | 'book' | 'recordAudit'>;
/** Where the scan side writes who scanned and who discarded what. */
export type AuditPort = Pick<Register, 'recordAudit'>;
export type OutboxPort = Pick<Outbox, 'enqueue' | 'get' | 'kick'>;
/** What filing needs of the scan jobs: a registered document's pages, and dropping them once filed. */
export type JobsPort = Pick<ScanJobs, 'jobOf' | 'keptPages' | 'remove'>;
/** Fields from the OCR of the kept pages; may re-read parts of them, returning the refined pages. */
export type ExtractFn = (pages: OcrPage[]) => Promise<{ result: ExtractionResult; pages: OcrPage[] }>;

/**
 * A one-page document read fields first: `fields` once the header and signature bands (and their
 * re-reads) are read, `full` once the whole page is (its OCR, for the PDF's text layer).
 */
export type ReadFieldsFirstFn = (image: string, workDir: string) => {
  fields: Promise<ExtractionResult>;
  full: Promise<{ pages: OcrPage[] }>;
};

/** Turns a registered document's pages into a signed PDF and its edXML package. */
export interface FilingPort {
  /** Searchable PDF of the kept pages. */
  buildPdf(pages: OcrPage[], doc: RegisterEntry): Promise<Uint8Array>;
  /**
   * The searchable PDF as files of at most 50 MB each (Tuyên Quang art. 8.4): one for most
   * documents, page-split parts for a large one. When absent, buildPdf's one file is used.
   */
  buildParts?(pages: OcrPage[], doc: RegisterEntry): Promise<Uint8Array[]>;
  /**
   * Signs with the agency token and verifies the result; throws SohoaError (token.*) when it
   * cannot. The level says whether a timestamp made it (B-T) or signing fell back to B-B.
   */
  sign(pdf: Uint8Array, doc: RegisterEntry): Promise<{ pdf: Uint8Array } & SignatureInfo>;
  /** The edXML package, its DocumentId and edXML priority. */
  package(pdf: Uint8Array | Uint8Array[], doc: RegisterEntry): { documentId: string; xml: string; priority: number };
}
