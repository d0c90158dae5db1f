import { request } from 'undici';
import { schemaProblems } from '../config/validate.js';
import { deliver } from '../outbox/deliver.js';
import { outcome, ProvisionError, type StepOutcome } from './types.js';

// Step "central": the province's document system is reached (GET /healthz) and accepts this
// device's credentials — checked as `sohoa selftest` does, with an empty package the receiver
// refuses after the credentials and before the body (400 = "known device"), so nothing is filed.
// The credential goes to its own 0600 file (`central.deviceTokenFile`), never into config.json.

export interface CentralAnswers {
  url: string;
  deviceToken: string;
  toId: string;
  toName: string;
  /** Where the credential is written (0600). */
  tokenFile: string;
}

const TIMEOUT_MS = 10_000;

function short(body: string): string {
  const one = body.replace(/\s+/g, ' ').trim();
  return one.length > 120 ? one.slice(0, 117) + '…' : one;
}

export async function checkCentral(a: CentralAnswers): Promise<StepOutcome> {
  const url = a.url.trim().replace(/\/+$/, '');
  const toId = a.toId.trim();
  const toName = a.toName.trim();
  const fail = (vi: string, detail?: string) => new ProvisionError('central', vi, detail);
  if (!url) throw fail('Chưa có địa chỉ hệ thống trung tâm: hãy nhập địa chỉ dạng "https://qlvb.laocai.gov.vn".');
  const problems = schemaProblems({ central: { url, toId, toName } });
  if (problems.length) throw fail(problems.map((p) => p.message).join(' '));
  if (!URL.canParse(url)) throw fail(`"${url}" không phải một địa chỉ hợp lệ: cần dạng "https://qlvb.laocai.gov.vn".`);
  if (!toId) throw fail('Chưa có mã định danh của hệ thống nhận văn bản (dạng "000.00.00.H41"): hỏi đơn vị quản lý hệ thống trung tâm.');
  if (!toName) throw fail('Chưa có tên của hệ thống nhận văn bản: hỏi đơn vị quản lý hệ thống trung tâm.');
  if (!a.deviceToken) throw fail('Chưa có mã xác thực của máy: hệ thống trung tâm cấp mã này cho từng máy.');
  if (!a.tokenFile) throw fail('Chưa có nơi lưu mã xác thực (ví dụ /etc/sohoa/central.secret).');

  let health: { status: number; body: string };
  try {
    const res = await request(`${url}/healthz`, { headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS, signal: AbortSignal.timeout(TIMEOUT_MS) });
    health = { status: res.statusCode, body: await res.body.text() };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw fail(`Không kết nối được hệ thống trung tâm ${url} (${e.code ?? e.name}): hãy kiểm tra địa chỉ, dây mạng và tường lửa, rồi thử lại.`, `${url}/healthz: ${e.message}`);
  }
  if (health.status < 200 || health.status > 299) {
    throw fail(`Hệ thống trung tâm ${url} trả lời HTTP ${health.status} cho /healthz (${short(health.body)}): địa chỉ có thể sai, hoặc hệ thống đang lỗi.`);
  }

  const probe = await deliver({ centralUrl: url, deviceToken: a.deviceToken, timeoutMs: TIMEOUT_MS }, 'sohoa-provision-check', '', AbortSignal.timeout(TIMEOUT_MS));
  if (probe.kind === 'retry' && probe.credentialsRefused) {
    throw fail(`Hệ thống trung tâm ${url} từ chối mã xác thực của máy (${probe.reason.match(/HTTP \d+/)?.[0] ?? 'HTTP 401/403'}): hãy kiểm tra lại mã do hệ thống trung tâm cấp.`);
  }
  if (probe.kind === 'retry') throw fail(`Hệ thống trung tâm ${url} không trả lời đúng khi kiểm tra mã xác thực: ${probe.reason}`);
  const answer = probe.kind === 'rejected' ? `HTTP ${probe.httpStatus} cho một gói thử rỗng (không có văn bản nào được gửi)` : `StatusCode ${probe.statusCode ?? '?'}`;

  return outcome('central', {
    'central.url': url,
    'central.toId': toId,
    'central.toName': toName,
    'central.embedded': false,
    'central.deviceTokenFile': a.tokenFile,
    // the credential never stays in the readable configuration file
    'central.deviceToken': undefined,
  }, [
    `Hệ thống trung tâm ${url}: /healthz trả lời HTTP ${health.status} ${short(health.body)}`,
    `Mã xác thực của máy được chấp nhận: ${answer}`,
    `Mã xác thực sẽ được ghi vào ${a.tokenFile} (chmod 600), không ghi vào tệp cấu hình`,
  ], { files: [{ path: a.tokenFile, content: a.deviceToken + '\n', mode: 0o600 }] });
}
