import type { Priority } from './format.js';

// Typed views of the two edXML packages the appliance deals with. Dates are kept in the edXML
// form (yyyy/MM/dd) exactly as carried, so nothing is lost between parse and build.

export interface Organ {
  id: string;
  name: string;
}

export interface AttachmentRef {
  contentId: string;
  name: string;
  contentType: string;
  description: string;
}

export interface Attachment extends AttachmentRef {
  /** The base64 text as carried (whitespace removed). */
  base64: string;
}

export interface NewDocumentPackage {
  from: Organ;
  to: Organ[];
  documentId: string;
  code: { number: string; notation: string };
  promulgation: { place: string; date: string };
  documentType: { type: string; typeName: string };
  subject: string;
  signer: { competence: string; position: string; fullName: string };
  toPlaces: string[];
  priority: Priority;
  pageAmount: number | null;
  trace: { organId: string; timestamp: string }[];
  manifest: AttachmentRef[];
  attachments: Attachment[];
}

/** 01 arrived, 02 rejected, 03 accepted/registered, 04 assigned, 05 in progress, 06 done. */
export type StatusCode = '01' | '02' | '03' | '04' | '05' | '06';
export const STATUS_CODES: readonly StatusCode[] = ['01', '02', '03', '04', '05', '06'];

export interface StatusPackage {
  from: Organ;
  responseFor: { organId: string; code: string; promulgationDate: string; documentId: string };
  staff: { department: string; staff: string } | null;
  statusCode: StatusCode;
  description: string;
  /** yyyy/MM/dd HH:mm:ss, Vietnam time. */
  timestamp: string;
}

/** The outcome of parsing: the typed package when it is valid, every problem found otherwise. */
export type ParseResult<T> = { ok: true; value: T; errors: [] } | { ok: false; value: null; errors: string[] };
