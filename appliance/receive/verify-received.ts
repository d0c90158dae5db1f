import { readFile } from 'node:fs/promises';
import { SohoaError } from '../errors.js';
import type { ReceivedSignature } from '../register/entry.js';
import { pemToDerList } from '../sign/pem.js';
import { verifyPdf, type SignatureReport, type VerifyReport } from '../sign/verify.js';

// The signature check of a received electronic document (Hà Nam art. 8.1b: "kiểm tra chữ ký số"
// on receipt; its art. on document requirements: authenticity of origin and integrity), with the
// very check `sohoa verify` runs (sign/verify.ts) against the trust anchors the technician
// provisioned, said in plain Vietnamese for the clerk.
//
// Decision: a document that is not valid is REFUSED, with the reason, never registered on a
// clerk's confirmation. Integrity and origin are what make an electronic document stand for the
// paper; one changed after signing, signed by a certificate the agency does not trust, or not
// signed at all is not an electronic document the desk may enter as received. The clerk tells the
// sender (who sends it again) or takes the paper original, which is scanned as usual.

/** The verdict on one file: every signature described, and the reason when it is refused. */
export interface ReceivedVerdict {
  valid: boolean;
  signatures: ReceivedSignature[];
  /** Plain Vietnamese: why it is refused (null when valid). */
  reason: string | null;
}

/** Reads the trust anchors (PEM, one or more certificates); a provisioning fault when there are none. */
export async function loadTrustAnchors(trustPath: string): Promise<Uint8Array[]> {
  const pem = trustPath ? await readFile(trustPath, 'utf8').catch(() => '') : '';
  const anchors = pemToDerList(pem);
  if (!anchors.length) {
    throw new SohoaError('config.invalid', 'Máy chưa được cài chứng thư gốc tin cậy nên chưa kiểm tra được chữ ký số của văn bản điện tử. Hãy báo kỹ thuật viên.',
      `receive: no trust anchors in "${trustPath}" (receive.trustPath or token.trustPath)`);
  }
  return anchors;
}

/** Verifies a received PDF's signatures and says what they mean. */
export async function verifyReceived(pdf: Uint8Array, anchors: Uint8Array[]): Promise<ReceivedVerdict> {
  return describe(await verifyPdf(pdf, { trustAnchors: anchors }));
}

/** The verification report in the clerk's words. */
export function describe(report: VerifyReport): ReceivedVerdict {
  const signatures = report.signatures.map(describeOne);
  if (signatures.length === 0) return { valid: false, signatures, reason: 'Văn bản không có chữ ký số.' };
  const broken = signatures.find((s) => !s.valid);
  if (broken) return { valid: false, signatures, reason: broken.reason };
  if (report.modifiedAfterSigning) return { valid: false, signatures, reason: 'Văn bản đã bị sửa sau khi ký (có nội dung thêm vào sau chữ ký cuối cùng).' };
  if (!report.valid) return { valid: false, signatures, reason: 'Cấu trúc tệp PDF bị hỏng nên không xác nhận được chữ ký.' };
  return { valid: true, signatures, reason: null };
}

function describeOne(s: SignatureReport): ReceivedSignature {
  const signedAt = s.timestampTime ?? s.signingTime;
  const base = { signer: commonName(s.signer), signedAt };
  if (!s.integrity.byteRange || !s.integrity.digest) return { ...base, valid: false, reason: 'Văn bản đã bị sửa sau khi ký (nội dung không còn khớp với chữ ký).' };
  if (!s.integrity.signature) return { ...base, valid: false, reason: 'Chữ ký số không khớp với chứng thư của người ký (chữ ký bị giả hoặc bị sửa).' };
  if (s.integrity.timestamp === false) return { ...base, valid: false, reason: 'Dấu thời gian của chữ ký không hợp lệ.' };
  if (!signedAt) return { ...base, valid: false, reason: 'Chữ ký không ghi thời điểm ký.' };
  if (!s.certificateValidAtSigningTime) return { ...base, valid: false, reason: 'Chứng thư số của người ký không còn hiệu lực (hoặc chưa có hiệu lực) vào lúc ký.' };
  if (!s.chain.ok) return { ...base, valid: false, reason: 'Chứng thư số không tin cậy: không do tổ chức chứng thực được cài trên máy cấp.' };
  if (!s.valid) return { ...base, valid: false, reason: `Chữ ký không hợp lệ: ${s.errors.join('; ') || 'không rõ lý do'}.` };
  return { ...base, valid: true, reason: null };
}

/** "CN=Văn phòng UBND tỉnh, O=…" → "Văn phòng UBND tỉnh" (the whole subject when it has no CN). */
function commonName(subject: string | null): string | null {
  if (!subject) return null;
  return /(?:^|,\s*)CN=([^,]+)/.exec(subject)?.[1]?.trim() ?? subject;
}
