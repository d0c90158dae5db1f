import type { CaptureStage } from '../capture/capture.js';
import type { ExtractionResult } from '../extract/fields.js';
import type { OcrPage } from '../ocr/ocr.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Register, RegisterEntry } from '../register/register.js';

// The parts of each stage the pipeline uses. Narrow on purpose: the pipeline routes documents
// between stages and owns no stage's data.

export type CapturePort = Pick<CaptureStage, 'capture' | 'discard' | 'previewPath'>;
export type RegisterPort = Pick<Register, 'register' | 'setState' | 'get' | 'list' | 'recordAudit'>;
export type OutboxPort = Pick<Outbox, 'enqueue' | 'get'>;
export type ExtractFn = (pages: OcrPage[]) => ExtractionResult;

/** Turns a registered document's pages into a signed PDF and its edXML package. */
export interface FilingPort {
  /** Searchable PDF of the kept pages. */
  buildPdf(pages: OcrPage[], doc: RegisterEntry): Promise<Uint8Array>;
  /** Signs with the agency token and verifies the result; throws SohoaError (token.*) when it cannot. */
  sign(pdf: Uint8Array, doc: RegisterEntry): Promise<Uint8Array>;
  /** The edXML package, its DocumentId and edXML priority. */
  package(pdf: Uint8Array, doc: RegisterEntry): { documentId: string; xml: string; priority: number };
}
