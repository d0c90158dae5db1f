// The document fields of shared/docs/domain.md — the JSON keys used by extraction, the register,
// the edXML builder, the API and the UI alike.

export const FIELD_KEYS = [
  'issuerParent', 'issuer', 'numberNotation', 'number', 'place', 'date', 'type', 'summary',
  'authority', 'signerTitle', 'signer', 'recipients', 'confidentiality', 'urgency', 'pages',
] as const;

export type FieldKey = (typeof FIELD_KEYS)[number];

export type Confidentiality = 'Mật' | 'Tối mật' | 'Tuyệt mật';
export type Urgency = 'Khẩn' | 'Thượng khẩn' | 'Hỏa tốc';

export interface DocumentFields {
  issuerParent: string | null;
  issuer: string | null;
  numberNotation: string | null;
  number: string | null;
  place: string | null;
  /** ISO date YYYY-MM-DD */
  date: string | null;
  type: string;
  summary: string | null;
  authority: string | null;
  signerTitle: string | null;
  signer: string | null;
  recipients: string[];
  confidentiality: Confidentiality | null;
  urgency: Urgency | null;
  pages: number;
}

/** What `sohoa extract` prints (interfaces.md): the fields, a confidence per field, the OCR text per kept page. */
export interface ExtractionResult extends DocumentFields {
  confidence: Record<FieldKey, number>;
  text: string[];
  /** Agency identifier (OrganId) of the issuer when the directory knows it. */
  issuerId?: string | null;
  /** Fields whose confidence is below their threshold: the UI highlights them. */
  flagged?: FieldKey[];
}

export function emptyFields(): DocumentFields {
  return {
    issuerParent: null, issuer: null, numberNotation: null, number: null, place: null, date: null,
    type: 'Công văn', summary: null, authority: null, signerTitle: null, signer: null,
    recipients: [], confidentiality: null, urgency: null, pages: 0,
  };
}
