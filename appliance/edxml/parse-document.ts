import { isEdxmlDate, isOrganId, splitDocumentId, type Priority } from './format.js';
import type { Attachment, AttachmentRef, NewDocumentPackage, Organ, ParseResult } from './types.js';
import { at, list, parseEdxml, str } from './xml.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Parses and validates a "new document" package. Tolerant of the quirks of published packages
 * (mixed prefixes, a non-numeric CodeNumber, extra elements such as Signature or Bussiness);
 * strict on what a receiver relies on: identifiers, dates, DocumentId, attachments that decode.
 */
export function parsePackage(xml: string): ParseResult<NewDocumentPackage> {
  const { root, errors } = parseEdxml(xml);
  if (!root) return { ok: false, value: null, errors };
  const env = at(root, 'edXMLEnvelope');
  const mh = at(env, 'edXMLHeader', 'MessageHeader');
  if (!mh || typeof mh !== 'object') return { ok: false, value: null, errors: ['edXMLEnvelope/edXMLHeader/MessageHeader is missing'] };
  if (at(mh, 'StatusCode') !== undefined) return { ok: false, value: null, errors: ['this is a status package, not a new document package'] };

  const organ = (node: unknown, where: string): Organ => {
    const o = { id: str(node, 'OrganId'), name: str(node, 'OrganName') };
    if (!o.id) errors.push(`${where}/OrganId is missing`);
    else if (!isOrganId(o.id)) errors.push(`${where}/OrganId "${o.id}" is not an agency identifier`);
    if (!o.name) errors.push(`${where}/OrganName is missing`);
    return o;
  };

  const from = organ(at(mh, 'From'), 'From');
  const toNodes = list(mh, 'To');
  if (toNodes.length === 0) errors.push('To is missing');
  const to = toNodes.map((n, i) => organ(n, `To[${i + 1}]`));

  const documentId = str(mh, 'DocumentId');
  if (!documentId) errors.push('DocumentId is missing');
  else {
    const parts = splitDocumentId(documentId);
    if (!parts) errors.push(`DocumentId "${documentId}" is not {OrganId},{yyyy/MM/dd},{number}/{notation}`);
    else {
      if (!isOrganId(parts.organId)) errors.push(`DocumentId "${documentId}" does not start with an agency identifier`);
      if (!isEdxmlDate(parts.date)) errors.push(`DocumentId "${documentId}" has an impossible date`);
    }
  }

  const code = { number: str(mh, 'Code', 'CodeNumber'), notation: str(mh, 'Code', 'CodeNotation') };
  if (!code.number) errors.push('Code/CodeNumber is missing');
  const promulgation = { place: str(mh, 'PromulgationInfo', 'Place'), date: str(mh, 'PromulgationInfo', 'PromulgationDate') };
  if (!isEdxmlDate(promulgation.date)) errors.push(`PromulgationInfo/PromulgationDate "${promulgation.date}" is not a yyyy/MM/dd date`);
  const documentType = { type: str(mh, 'DocumentType', 'Type'), typeName: str(mh, 'DocumentType', 'TypeName') };
  if (!documentType.typeName) errors.push('DocumentType/TypeName is missing');
  const subject = str(mh, 'Subject');
  if (!subject) errors.push('Subject is missing');

  const priorityText = str(mh, 'OtherInfo', 'Priority') || '0';
  if (!/^[0-3]$/.test(priorityText)) errors.push(`OtherInfo/Priority "${priorityText}" is not 0–3`);
  const pageText = str(mh, 'OtherInfo', 'PageAmount');
  if (pageText && !/^\d+$/.test(pageText)) errors.push(`OtherInfo/PageAmount "${pageText}" is not a number`);

  const manifest: AttachmentRef[] = list(env, 'edXMLBody', 'edXMLManifest', 'Reference').map((r) => ({
    contentId: str(r, 'ContentId'), name: str(r, 'AttachmentName'), contentType: str(r, 'ContentType'), description: str(r, 'Description'),
  }));
  const attachments: Attachment[] = list(root, 'AttachmentEncoded', 'Attachment').map((a) => ({
    contentId: str(a, 'ContentId'), name: str(a, 'AttachmentName'), contentType: str(a, 'ContentType'), description: str(a, 'Description'),
    base64: str(a, 'ContentTransferEncoded').replace(/\s+/g, ''),
  }));
  for (const ref of manifest) {
    if (!ref.contentId.startsWith('cid:')) errors.push(`manifest reference "${ref.contentId}" is not a cid: reference`);
    if (!attachments.some((a) => a.contentId === ref.contentId)) errors.push(`manifest reference ${ref.contentId} has no attachment`);
  }
  for (const a of attachments) {
    if (!manifest.some((r) => r.contentId === a.contentId)) errors.push(`attachment ${a.contentId} is not in the manifest`);
    if (!a.base64 || a.base64.length % 4 !== 0 || !BASE64.test(a.base64)) errors.push(`attachment ${a.contentId} is not valid base64`);
  }

  if (errors.length > 0) return { ok: false, value: null, errors };
  return {
    ok: true,
    errors: [],
    value: {
      from, to, documentId, code, promulgation, documentType, subject,
      signer: { competence: str(mh, 'SignerInfo', 'Competence'), position: str(mh, 'SignerInfo', 'Position'), fullName: str(mh, 'SignerInfo', 'FullName') },
      toPlaces: list(mh, 'ToPlaces', 'Place').filter((p): p is string => typeof p === 'string'),
      priority: Number(priorityText) as Priority,
      pageAmount: pageText ? Number(pageText) : null,
      trace: list(env, 'edXMLHeader', 'TraceHeaderList', 'TraceHeader').map((t) => ({ organId: str(t, 'OrganId'), timestamp: str(t, 'Timestamp') })),
      manifest,
      attachments,
    },
  };
}

/** The decoded bytes of an attachment of a valid package. */
export function decodeAttachment(a: Attachment): Buffer {
  return Buffer.from(a.base64, 'base64');
}
