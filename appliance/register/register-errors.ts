import { SohoaError } from '../errors.js';
import type { DocumentFields } from '../extract/fields.js';

// What the register says when a document is not there or its files cannot be written, and the
// confirmed fields as the register keeps them (NFC, trimmed: the book, search and duplicates
// compare them as text).

export function notFound(docId: string): SohoaError {
  return new SohoaError('register.not-found', 'Không tìm thấy văn bản trong sổ đăng ký.', `no register entry ${docId}`);
}

export function storageError(err: unknown): SohoaError {
  if (err instanceof SohoaError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOSPC') return new SohoaError('storage.full', 'Ổ đĩa đã đầy, chưa đăng ký được văn bản. Hãy báo kỹ thuật viên giải phóng dung lượng.', e.message, { cause: err });
  return new SohoaError('storage.io', 'Lỗi ghi sổ đăng ký ra đĩa. Hãy báo kỹ thuật viên.', e.message, { cause: err });
}

/** The clerk's confirmed fields in Unicode NFC, trimmed. */
export function nfcFields(f: DocumentFields): DocumentFields {
  const n = (v: string | null) => (v === null ? null : v.normalize('NFC').trim());
  return {
    ...f,
    issuerParent: n(f.issuerParent), issuer: n(f.issuer), numberNotation: n(f.numberNotation), number: n(f.number),
    place: n(f.place), type: f.type.normalize('NFC').trim(), summary: n(f.summary), authority: n(f.authority),
    signerTitle: n(f.signerTitle), signer: n(f.signer), recipients: f.recipients.map((r) => r.normalize('NFC').trim()),
  };
}
