import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SohoaError } from '../errors.js';
import { parseCertificate } from './cms.js';

// Before anything is signed: the agency certificate must be valid now, allowed to sign, and chain
// to the trust anchors provisioned on the appliance. A refusal here leaves no file behind.

const KEY_USAGE = '2.5.29.15';
const fmtDate = (d: Date) => d.toISOString().slice(0, 10);

export interface ChainResult {
  ok: boolean;
  detail: string;
}

/** Validates `leaf` + `chain` against `anchors` (all DER) at `at`. */
export async function validateChain(leaf: Uint8Array, chain: Uint8Array[], anchors: Uint8Array[], at: Date): Promise<ChainResult> {
  if (anchors.length === 0) return { ok: false, detail: 'no trust anchors provisioned' };
  const engine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: anchors.map(parseCertificate),
    certs: [parseCertificate(leaf), ...chain.map(parseCertificate)],
    checkDate: at,
  });
  const r = await engine.verify();
  return { ok: r.result, detail: r.result ? 'chain to a trust anchor verified' : `chain not trusted: ${r.resultMessage}` };
}

/** digitalSignature or nonRepudiation (or no keyUsage extension at all, which allows every use). */
export function keyUsageAllowsSigning(cert: pkijs.Certificate): boolean {
  const ext = cert.extensions?.find((e) => e.extnID === KEY_USAGE);
  if (!ext) return true;
  const bits = (ext.parsedValue instanceof asn1js.BitString ? ext.parsedValue : asn1js.fromBER(ext.extnValue.getValue()).result as asn1js.BitString)
    .valueBlock.valueHexView;
  return ((bits[0] ?? 0) & 0xc0) !== 0;
}

export async function assertCanSign(certDer: Uint8Array, chain: Uint8Array[], anchors: Uint8Array[], at: Date): Promise<void> {
  const cert = parseCertificate(certDer);
  const from = cert.notBefore.value;
  const to = cert.notAfter.value;
  if (at > to) {
    throw new SohoaError('token.certificate', `Chứng thư số của cơ quan đã hết hạn ngày ${fmtDate(to)}. Không ký được văn bản; hãy liên hệ đơn vị cấp chứng thư để gia hạn.`,
      `certificate expired ${to.toISOString()} (signing time ${at.toISOString()})`);
  }
  if (at < from) {
    throw new SohoaError('token.certificate', `Chứng thư số của cơ quan chưa có hiệu lực (từ ngày ${fmtDate(from)}). Hãy kiểm tra đồng hồ của máy hoặc báo kỹ thuật viên.`,
      `certificate not valid before ${from.toISOString()} (signing time ${at.toISOString()})`);
  }
  if (!keyUsageAllowsSigning(cert)) {
    throw new SohoaError('token.certificate', 'Chứng thư số trong thiết bị ký không dùng để ký văn bản. Hãy dùng đúng thiết bị ký số của cơ quan.',
      'certificate keyUsage has neither digitalSignature nor nonRepudiation');
  }
  const chainResult = await validateChain(certDer, chain, anchors, at);
  if (!chainResult.ok) {
    throw new SohoaError('token.certificate', 'Chứng thư số của thiết bị ký không thuộc tổ chức cấp chứng thư được tin cậy trên máy. Hãy báo kỹ thuật viên.',
      chainResult.detail);
  }
}
