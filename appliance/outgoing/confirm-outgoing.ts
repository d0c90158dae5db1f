import { SohoaError } from '../errors.js';
import type { DocumentFields } from '../extract/fields.js';
import type { ResolvedRecipient } from '../register/entry.js';
import type { OutgoingConfirmation } from '../pipeline/desk.js';
import type { RecipientResolver } from './resolve-recipients.js';

// What Đăng ký checks of an outgoing document before the register writes anything: a printed
// số/ký hiệu (its number in the outgoing book), at least one recipient the package can be addressed
// to, and — when lines of "Nơi nhận" are still unresolved — the clerk's word that they know those
// get no electronic copy. Unresolved lines are kept in the register entry, never dropped.

export function confirmOutgoing(resolver: RecipientResolver, fields: DocumentFields, given?: OutgoingConfirmation): ResolvedRecipient[] {
  const recipients = resolver.confirm(fields.recipients, given?.recipients);
  // a secret document is held on paper (register.ts): nothing of it is sent, nothing to check
  if (fields.confidentiality) return recipients;
  if (!fields.numberNotation?.trim()) {
    throw new SohoaError('request.invalid', 'Văn bản đi phải có số, ký hiệu in trên văn bản. Hãy điền số, ký hiệu rồi đăng ký.', 'outgoing document without numberNotation');
  }
  const sendable = recipients.filter((r) => r.organId && !r.copyOnly);
  const unresolved = recipients.filter((r) => !r.organId && !r.copyOnly);
  if (sendable.length === 0) {
    throw new SohoaError('request.invalid',
      'Chưa có nơi nhận nào gửi điện tử được. Hãy chọn cơ quan nhận trong danh sách cho ít nhất một nơi nhận (dòng "Lưu" là bản lưu, không gửi).',
      `outgoing document: no recipient resolved among ${recipients.length}`);
  }
  if (unresolved.length && !given?.unresolvedConfirmed) {
    throw new SohoaError('request.invalid',
      `Còn ${unresolved.length} nơi nhận chưa xác định được cơ quan: ${unresolved.map((r) => `"${r.text}"`).join(', ')}. ` +
      'Hãy chọn cơ quan trong danh sách, hoặc xác nhận rằng các nơi này nhận bản giấy (không gửi điện tử).',
      `outgoing document: ${unresolved.length} unresolved recipient(s) not confirmed`);
  }
  return recipients;
}
