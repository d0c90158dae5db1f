import { SohoaError } from '../errors.js';
import type { DocumentFields } from '../extract/fields.js';
import { documentIdFor, edxmlDate, edxmlTimestamp, isOrganId, priorityOf, safeAttachmentName, type Priority } from './format.js';
import type { Organ } from './types.js';
import { buildEdxml, text } from './xml.js';

/** Each attachment at most 50 MB (Tuyên Quang art. 8.3): the PDF stage compresses or splits. */
export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;

export interface NewDocumentInput {
  /** This agency (the sender). */
  from: Organ;
  to: Organ[];
  /** The confirmed fields; `issuerId` is the issuer's OrganId when the directory knows it. */
  fields: DocumentFields & { issuerId?: string | null };
  /** When the document was received here (ISO 8601): the trace header's timestamp. */
  arrival?: { date: string };
  /** The signed PDF; or `attachments`: the parts of one document split under 50 MB each, in order. */
  attachment?: { fileName: string; pdf: Uint8Array };
  attachments?: { fileName: string; pdf: Uint8Array }[];
  /** Overrides the DocumentId computed from issuer id (else `from.id`), date and number. */
  documentId?: string;
  /** When the package is built (trace timestamp when no arrival is given). */
  now?: Date;
}

function missing(what: string, vi: string): SohoaError {
  return new SohoaError('request.invalid', `Thiếu ${vi}: hãy bổ sung trước khi gửi.`, `edXML package needs ${what}`);
}

/**
 * Legal normative documents (văn bản quy phạm pháp luật) carry the year in their number
 * ("48/2017/QĐ-UBND"); QCVN 102 DocumentType/Type is 2 for them, 1 for administrative documents.
 */
function documentTypeCode(numberNotation: string): '1' | '2' {
  return /^[^/]+\/\d{4}\/[^/]+$/.test(numberNotation) ? '2' : '1';
}

/** A package ready for the outbox: the XML, the DocumentId the central system files it under, its priority. */
export interface NewDocumentPackage { documentId: string; xml: string; priority: Priority }

/** Builds a QCVN 102:2016 "new document" package carrying the signed PDF (or its parts) inline (base64). */
export function buildNewDocumentPackage(input: NewDocumentInput): NewDocumentPackage {
  const { from, to, fields } = input;
  const files = input.attachments ?? (input.attachment ? [input.attachment] : []);
  if (files.length === 0) throw new SohoaError('pdf.build', 'Gói tin không có tệp PDF nào.', 'edXML package without attachment');
  if (!isOrganId(from.id)) throw new SohoaError('request.invalid', 'Mã định danh cơ quan gửi không hợp lệ. Hãy báo kỹ thuật viên.', `bad sender OrganId: ${from.id}`);
  for (const o of to) if (!isOrganId(o.id)) throw new SohoaError('request.invalid', 'Mã định danh cơ quan nhận không hợp lệ. Hãy báo kỹ thuật viên.', `bad recipient OrganId: ${o.id}`);
  if (to.length === 0) throw missing('a recipient', 'nơi nhận');
  if (!fields.numberNotation) throw missing('numberNotation', 'số, ký hiệu văn bản');
  if (!fields.date) throw missing('date', 'ngày ban hành');
  for (const a of files) {
    if (a.pdf.byteLength > MAX_ATTACHMENT_BYTES) {
      throw new SohoaError('pdf.build', 'Tệp PDF lớn hơn 50 MB: cần nén hoặc tách trước khi gửi.', `attachment ${a.fileName} is ${a.pdf.byteLength} bytes`);
    }
  }

  const numberNotation = fields.numberNotation.normalize('NFC').trim();
  const slash = numberNotation.indexOf('/');
  const number = fields.number ?? (slash > 0 ? numberNotation.slice(0, slash) : numberNotation);
  const notation = slash > 0 ? numberNotation.slice(slash + 1) : '';
  const issuerId = fields.issuerId && isOrganId(fields.issuerId) ? fields.issuerId : from.id;
  const documentId = input.documentId ?? documentIdFor(issuerId, fields.date, numberNotation);
  const parts = files.map((a, i) => ({ cid: `cid:${i + 1}`, name: safeAttachmentName(a.fileName), pdf: a.pdf }));
  const traceAt = input.arrival ? new Date(input.arrival.date) : (input.now ?? new Date());

  const organ = (o: Organ) => ({ OrganId: text(o.id), OrganName: text(o.name) });
  const header = {
    MessageHeader: {
      From: organ(from),
      To: to.map(organ),
      DocumentId: text(documentId),
      Code: { CodeNumber: text(number), CodeNotation: text(notation) },
      PromulgationInfo: { Place: text(fields.place), PromulgationDate: edxmlDate(fields.date) },
      DocumentType: { Type: documentTypeCode(numberNotation), TypeName: text(fields.type || 'Công văn') },
      Subject: text(fields.summary),
      SignerInfo: {
        Competence: text(fields.authority),
        Position: text(fields.signerTitle),
        FullName: text(fields.signer),
      },
      OtherInfo: {
        Priority: String(priorityOf(fields.urgency)),
        PageAmount: String(fields.pages),
      },
      ToPlaces: { Place: fields.recipients.map((r) => text(r)) },
    },
    TraceHeaderList: {
      TraceHeader: [{ OrganId: text(from.id), Timestamp: edxmlTimestamp(traceAt) }],
    },
  };
  const body = {
    edXMLManifest: {
      '@_version': '1.0',
      Reference: parts.map((p) => ({ ContentId: p.cid, ContentType: 'application/pdf', Description: p.name, AttachmentName: p.name })),
    },
  };
  const envelope = { edXMLHeader: header, edXMLBody: body };
  // AttachmentEncoded sits after the envelope; published packages write its children unprefixed
  // except ContentTransferEncoded — we prefix all of them, which parsers without prefixes accept.
  const attachments = {
    AttachmentEncoded: {
      Attachment: parts.map((p) => ({
        ContentId: p.cid,
        AttachmentName: p.name,
        Description: p.name,
        ContentType: 'application/pdf',
        ContentTransferEncoded: Buffer.from(p.pdf.buffer, p.pdf.byteOffset, p.pdf.byteLength).toString('base64'),
      })),
    },
  };
  return { documentId, xml: buildEdxml(envelope, attachments), priority: priorityOf(fields.urgency) };
}
