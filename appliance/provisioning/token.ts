import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { candidateModules, findModule } from '../../drivers/token/module-discovery.js';
import { Pkcs11Token } from '../../drivers/token/pkcs11-token.js';
import { chooseToken, cleanField } from '../../drivers/token/select-token.js';
import type { TokenSlotInfo } from '../../drivers/token/token.js';
import { SohoaError } from '../errors.js';
import { parseCertificate } from '../sign/cms.js';
import { keyUsageAllowsSigning, validateChain } from '../sign/cert-check.js';
import { pemToDerList } from '../sign/pem.js';
import { outcome, ProvisionError, type StepOutcome } from './types.js';

// Step "token": the PKCS#11 module (found where the vendors install it, or named), the tokens it
// sees (label and serial: no PIN needed), the one chosen by label or serial, and its certificate —
// read without logging in — checked as signing will check it: valid today, allowed to sign
// (digitalSignature / nonRepudiation), chained to the trust anchors the technician provides.

export interface TokenAnswers {
  /** '' = the first module found in the known locations. */
  module: string;
  label: string;
  serial: string;
  /** Environment the module reads (SoftHSM: SOFTHSM2_CONF). */
  env: Record<string, string>;
  trustPath: string;
  chainPath: string;
}

const CALL_MS = 15_000;
const fmt = (d: Date) => d.toISOString().slice(0, 10);
const describe = (t: TokenSlotInfo) => `"${cleanField(t.label)}" (serial ${cleanField(t.serial) || '?'})`;
const fail = (vi: string, detail?: string) => new ProvisionError('token', vi, detail);

/** The PKCS#11 modules installed on this machine, in the order they are tried. */
export function discoverModules(): string[] {
  return candidateModules().filter((p) => existsSync(p));
}

function moduleOf(a: TokenAnswers): string {
  try {
    return findModule(a.module.trim());
  } catch (err) {
    const detail = (err as Error).message;
    if (!a.module.trim()) throw fail('Không tìm thấy thư viện PKCS#11 nào của khoá ký số trên máy: hãy cài phần mềm điều khiển khoá của nhà cung cấp (VGCA/bit4id, SafeNet, OpenSC) rồi thử lại, hoặc nhập đường dẫn thư viện (.so).', detail);
    throw fail(`Không dùng được thư viện PKCS#11 "${a.module}": ${/does not exist/.test(detail) ? 'tệp không tồn tại' : /architecture/.test(detail) ? 'thư viện dành cho loại máy khác' : 'không phải thư viện hợp lệ'}. Hãy kiểm tra đường dẫn hoặc cài lại phần mềm điều khiển khoá.`, detail);
  }
}

/** Runs `fn` on a token driver of `module`, always closing it. */
async function withToken<T>(module: string, a: Pick<TokenAnswers, 'label' | 'serial' | 'env'>, fn: (t: Pkcs11Token) => Promise<T>): Promise<T> {
  const token = new Pkcs11Token({ module, label: a.label || undefined, serial: a.serial || undefined, env: a.env, callTimeoutMs: CALL_MS, pollMs: 60_000 });
  await token.start();
  try {
    return await fn(token);
  } finally {
    await token.close().catch(() => undefined);
  }
}

/** The tokens the module sees: label, serial, maker (no PIN asked). */
export async function listTokens(a: Pick<TokenAnswers, 'module' | 'env'>): Promise<{ module: string; tokens: TokenSlotInfo[] }> {
  const module = moduleOf({ ...a, label: '', serial: '', trustPath: '', chainPath: '' });
  for (const [name, value] of Object.entries(a.env)) {
    if (value.startsWith('/') && !existsSync(value)) throw fail(`Tệp "${value}" mà thư viện khoá ký số cần (${name}) không tồn tại.`);
  }
  try {
    const tokens = await withToken(module, { label: '', serial: '', env: a.env }, (t) => t.list());
    return { module, tokens };
  } catch (err) {
    const e = err instanceof SohoaError ? err : undefined;
    throw fail(`Thư viện PKCS#11 "${module}" không liệt kê được khoá ký số: ${e?.vi ?? (err as Error).message}`, e?.message);
  }
}

function readAnchors(path: string, what: string, required: boolean): Uint8Array[] {
  if (!path) {
    if (required) throw fail('Chưa có tệp chứng thư gốc tin cậy (PEM) để kiểm tra chứng thư của khoá: hãy chép tệp do tổ chức cấp chứng thư (ví dụ Ban Cơ yếu Chính phủ) vào máy, ví dụ /etc/sohoa/trust.pem.');
    return [];
  }
  if (!existsSync(path)) throw fail(`Không tìm thấy ${what} "${path}".`);
  const ders = pemToDerList(readFileSync(path, 'utf8'));
  if (!ders.length) throw fail(`Tệp "${path}" không chứa chứng thư nào dạng PEM (-----BEGIN CERTIFICATE-----).`);
  return ders;
}

export async function checkToken(a: TokenAnswers, now = new Date()): Promise<StepOutcome> {
  const anchors = readAnchors(a.trustPath.trim(), 'tệp chứng thư gốc tin cậy', true);
  const chain = readAnchors(a.chainPath.trim(), 'tệp chuỗi chứng thư', false);
  const { module, tokens } = await listTokens(a);
  const sel = { label: a.label.trim(), serial: a.serial.trim() };
  const present = tokens.length ? `các khoá đang cắm: ${tokens.map(describe).join(', ')}` : 'không có khoá nào đang cắm';
  let chosen: TokenSlotInfo | undefined;
  try {
    chosen = chooseToken(tokens, sel);
  } catch {
    throw fail(sel.label || sel.serial
      ? `Có nhiều khoá khớp với ${sel.serial ? `số serial "${sel.serial}"` : `nhãn "${sel.label}"`}; ${present}. Hãy chọn theo số serial.`
      : `Có nhiều khoá ký số đang cắm; ${present}. Hãy chọn một khoá theo nhãn hoặc số serial.`);
  }
  if (!chosen) {
    if (!tokens.length) throw fail(`Không thấy khoá ký số nào trong thư viện "${module}": hãy cắm khoá ký số của cơ quan vào cổng USB rồi thử lại.`);
    throw fail(`Không có khoá ký số nào có ${sel.serial ? `số serial "${sel.serial}"` : `nhãn "${sel.label}"`}; ${present}.`);
  }
  const label = cleanField(chosen.label);
  const serial = cleanField(chosen.serial);

  let der: Uint8Array;
  try {
    der = await withToken(module, { label: sel.serial ? '' : label, serial: sel.serial ? serial : '', env: a.env }, async (t) => {
      const end = Date.now() + CALL_MS;
      while (!t.state().present && !t.state().error && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      return t.certificate();
    });
  } catch (err) {
    const e = err instanceof SohoaError ? err : undefined;
    throw fail(`Không đọc được chứng thư số trong khoá ${describe(chosen)}: ${e?.vi ?? (err as Error).message}`, e?.message);
  }
  const x = new X509Certificate(Buffer.from(der));
  const from = new Date(x.validFrom);
  const to = new Date(x.validTo);
  const subject = x.subject.replace(/\n/g, ', ');
  if (now > to) throw fail(`Chứng thư số trong khoá ${describe(chosen)} (${subject}) đã hết hạn ngày ${fmt(to)}: hãy liên hệ đơn vị cấp chứng thư để gia hạn.`);
  if (now < from) throw fail(`Chứng thư số trong khoá ${describe(chosen)} chưa có hiệu lực (từ ngày ${fmt(from)}): hãy kiểm tra đồng hồ của máy.`);
  if (!keyUsageAllowsSigning(parseCertificate(der))) throw fail(`Chứng thư số trong khoá ${describe(chosen)} (${subject}) không dùng để ký (thiếu digitalSignature/nonRepudiation): hãy dùng đúng khoá ký số của cơ quan.`);
  const trusted = await validateChain(der, chain, anchors, now);
  if (!trusted.ok) throw fail(`Chứng thư số của khoá ${describe(chosen)} (${subject}) không nối tới chứng thư gốc tin cậy trong "${a.trustPath}"${a.chainPath ? ` (chuỗi "${a.chainPath}")` : ''}: hãy dùng đúng tệp chứng thư gốc của tổ chức cấp chứng thư.`, trusted.detail);

  const daysLeft = Math.floor((to.getTime() - now.getTime()) / 86_400_000);
  const warnings = daysLeft < 30 ? [`Chứng thư số hết hạn sau ${daysLeft} ngày (${fmt(to)}): hãy xin gia hạn sớm.`] : [];
  return outcome('token', {
    'token.module': module,
    'token.label': sel.serial ? '' : label,
    'token.serial': sel.serial ? serial : '',
    'token.env': a.env,
    'token.trustPath': a.trustPath.trim(),
    'token.chainPath': a.chainPath.trim(),
    'token.development': false,
  }, [
    `Khoá ký số ${describe(chosen)}, ${cleanField(chosen.manufacturer)} ${cleanField(chosen.model)}, thư viện ${module}`,
    `Chứng thư: ${subject}`,
    `Cấp bởi: ${x.issuer.replace(/\n/g, ', ')}`,
    `Hiệu lực: ${fmt(from)} → ${fmt(to)} (còn ${daysLeft} ngày); được dùng để ký; nối tới chứng thư gốc tin cậy`,
  ], { warnings });
}
