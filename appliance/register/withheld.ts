import { emptyFields, type DocumentFields } from '../extract/fields.js';
import type { RegisterEntry, RegisterExtras } from './entry.js';

// Documents held on paper only, nothing of their content kept (state 'held-secret'): a secret
// document (a MẬT mark; Lào Cai art. 3.2; Thái Nguyên art. 6.2) or a complaint or denunciation the
// clerk flags at Đăng ký (đơn thư khiếu nại, tố cáo; same articles). Both never go electronic: the
// register keeps only that one was held, by whom and when; the pages go once the clerk confirms.

export type Withheld = NonNullable<RegisterEntry['withheld']>;

export const SECRET_MESSAGE = (level: string) =>
  `Văn bản có độ mật "${level}" không được gửi qua mạng. Hãy đăng ký vào sổ văn bản mật và chuyển bản giấy theo quy định. ` +
  'Ảnh đã quét của văn bản này sẽ bị xóa khi anh/chị xác nhận.';

export const COMPLAINT_MESSAGE =
  'Đơn thư khiếu nại, tố cáo không được gửi qua mạng và không lưu trên máy. Hãy vào sổ đơn thư và chuyển bản giấy theo quy định. ' +
  'Ảnh đã quét của văn bản này sẽ bị xóa khi anh/chị xác nhận.';

/** What the clerk sees once the pages are deleted. */
export const WITHHELD_DONE: Record<Withheld, string> = {
  secret: 'Văn bản mật: đã xoá bản quét, giữ bản giấy.',
  complaint: 'Đơn thư khiếu nại, tố cáo: đã xoá bản quét, giữ bản giấy.',
};

/** Why a document is withheld, if it is: a secrecy mark first, then the clerk's complaint flag. */
export function withheldKind(fields: DocumentFields, extras: RegisterExtras | undefined): Withheld | null {
  if (fields.confidentiality) return 'secret';
  return extras?.exclusion === 'complaint' ? 'complaint' : null;
}

/** The only fields a withheld entry keeps: its marks and page count, never its text. */
export function withheldFields(kind: Withheld, fields: DocumentFields): DocumentFields {
  return kind === 'secret'
    ? { ...emptyFields(), confidentiality: fields.confidentiality, urgency: fields.urgency, pages: fields.pages }
    : { ...emptyFields(), pages: fields.pages };
}

export function withheldMessage(kind: Withheld, fields: DocumentFields): string {
  return kind === 'secret' ? SECRET_MESSAGE(fields.confidentiality ?? 'Mật') : COMPLAINT_MESSAGE;
}

/** The kind of a held entry, also for entries written before `withheld` existed (all secret). */
export function withheldOf(e: RegisterEntry): Withheld | null {
  return e.withheld ?? (e.state === 'held-secret' || (e.arrivalNumber === null && e.docId.startsWith('secret-')) ? 'secret' : null);
}
