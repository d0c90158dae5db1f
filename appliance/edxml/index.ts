// The edXML stage's public surface (QCVN 102:2016 packages).
export { buildNewDocumentPackage, MAX_ATTACHMENT_BYTES, type NewDocumentInput, type NewDocumentPackage } from './build-document.js';
export { parsePackage, decodeAttachment } from './parse-document.js';
export { buildStatusPackage, parseStatusPackage, STATUS_TEXT, type StatusInput } from './status.js';
export { documentIdFor, isOrganId, priorityOf, safeAttachmentName, EDXML_NS } from './format.js';
export type * from './types.js';
