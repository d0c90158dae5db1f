import { SohoaError } from '../errors.js';
import { decodeAttachment, parsePackage } from '../edxml/index.js';

// What a received file is: a PDF (signed by its sender), or an edXML package (QCVN 102) whose
// PDF attachment is the document. Decided by the bytes, not by the file's name.

export interface OpenedDocument {
  kind: 'pdf' | 'edxml';
  /** The document's PDF: checked for signatures, read for its text, its pages made a job. */
  pdf: Buffer;
  /** For an edXML package: the DocumentId its sender gave. */
  documentId?: string;
}

const isPdf = (b: Buffer) => b.subarray(0, 1024).includes('%PDF-');

/** The PDF of a received file; a Vietnamese refusal for anything else. */
export function openReceived(fileName: string, data: Buffer): OpenedDocument {
  if (data.length === 0) throw new SohoaError('request.invalid', `Tệp "${fileName}" rỗng.`, `receive: ${fileName} is empty`);
  if (isPdf(data)) return { kind: 'pdf', pdf: data };
  const head = data.subarray(0, 4096).toString('utf8');
  if (!/<(?:\w+:)?edXMLEnvelope\b/.test(head) && !/^\s*(?:\uFEFF)?<\?xml/.test(head)) {
    throw new SohoaError('request.invalid', `Tệp "${fileName}" không phải tệp PDF hay gói edXML.`, `receive: ${fileName} is neither PDF nor XML`);
  }
  const parsed = parsePackage(data.toString('utf8'));
  if (!parsed.ok) {
    throw new SohoaError('request.invalid', `Gói edXML "${fileName}" không đúng quy chuẩn nên không mở được.`, `receive: ${fileName}: ${parsed.errors.join('; ')}`);
  }
  const pdfs = parsed.value.attachments.filter((a) => /pdf/i.test(a.contentType) || /\.pdf$/i.test(a.name));
  if (pdfs.length === 0) throw new SohoaError('request.invalid', `Gói edXML "${fileName}" không kèm tệp PDF nào.`, `receive: ${fileName} has no PDF attachment`);
  if (pdfs.length > 1) {
    // parts of one document split under 50 MB each are separate signed files: opened one by one
    throw new SohoaError('request.invalid', `Gói edXML "${fileName}" kèm ${pdfs.length} tệp PDF: hãy mở từng tệp PDF của gói.`, `receive: ${fileName} has ${pdfs.length} PDF attachments`);
  }
  const pdf = decodeAttachment(pdfs[0]!);
  if (!isPdf(pdf)) throw new SohoaError('request.invalid', `Tệp đính kèm của gói edXML "${fileName}" không phải PDF.`, `receive: ${fileName}: attachment is not a PDF`);
  return { kind: 'edxml', pdf, documentId: parsed.value.documentId };
}
