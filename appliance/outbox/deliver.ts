import { parseStatusPackage } from '../edxml/status.js';

// undici is loaded with the first delivery, not with the service: its ~0.3 s of module loading
// came before READY=1 on every start (systemd waits for it), for nothing until a document is sent.
let undici: Promise<typeof import('undici')> | undefined;
const loadUndici = () => (undici ??= import('undici'));

// One upload of one package to the central receiver (interfaces.md), and what it means for the
// queue: delivered, rejected for good, or try again later.

/**
 * What went wrong with one attempt, for monitoring (a bounded set: a metric label): no connection,
 * no answer in time, credentials refused (401/403), another 4xx, a 5xx, or accepted over HTTP but
 * refused by the central system (StatusCode 02).
 */
export type DeliveryFailure = 'network' | 'timeout' | 'auth' | 'http_4xx' | 'http_5xx' | 'refused';
export const DELIVERY_FAILURES: readonly DeliveryFailure[] = ['network', 'timeout', 'auth', 'http_4xx', 'http_5xx', 'refused'];

export type DeliveryOutcome =
  | { kind: 'delivered'; statusCode: string | null; receipt: string }
  | { kind: 'rejected'; httpStatus: number; reason: string; failure: DeliveryFailure }
  | { kind: 'retry'; reason: string; credentialsRefused: boolean; failure: DeliveryFailure };

/** undici's timeout errors (connect, headers, body) and Node's own. */
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** The failure an attempt counts as; null for an accepted package with any status but 02. */
export function failureOf(outcome: DeliveryOutcome): DeliveryFailure | null {
  if (outcome.kind !== 'delivered') return outcome.failure;
  return outcome.statusCode === '02' ? 'refused' : null;
}

export interface DeliveryTarget {
  centralUrl: string;
  deviceToken: string;
  timeoutMs: number;
}

function reasonOf(body: string): string {
  try {
    const j = JSON.parse(body) as { reason?: unknown; message?: unknown };
    if (typeof j.reason === 'string') return j.reason;
    if (typeof j.message === 'string') return j.message;
  } catch { /* not JSON: the text itself is the reason */ }
  return body.slice(0, 500) || 'no reason given';
}

export async function deliver(target: DeliveryTarget, documentId: string, xml: string, signal: AbortSignal): Promise<DeliveryOutcome> {
  let status: number;
  let body: string;
  try {
    const { request } = await loadUndici();
    const res = await request(`${target.centralUrl.replace(/\/+$/, '')}/edxml/v1/documents`, {
      method: 'POST',
      body: xml,
      headers: {
        'content-type': 'application/xml; charset=utf-8',
        'idempotency-key': encodeURIComponent(documentId),
        ...(target.deviceToken ? { authorization: `Bearer ${target.deviceToken}` } : {}),
      },
      headersTimeout: target.timeoutMs,
      bodyTimeout: target.timeoutMs,
      signal,
    });
    status = res.statusCode;
    body = await res.body.text();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const failure = TIMEOUT_CODES.has(e.code ?? '') || e.name === 'TimeoutError' ? 'timeout' : 'network';
    return { kind: 'retry', reason: `Không kết nối được hệ thống trung tâm (${e.code ?? e.name}: ${e.message})`, credentialsRefused: false, failure };
  }

  if (status >= 200 && status < 300) {
    const parsed = parseStatusPackage(body);
    return { kind: 'delivered', statusCode: parsed.ok ? parsed.value.statusCode : null, receipt: body };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'retry',
      credentialsRefused: true,
      failure: 'auth',
      reason: `Hệ thống trung tâm từ chối thông tin xác thực của thiết bị (HTTP ${status}). Văn bản vẫn chờ gửi; hãy báo kỹ thuật viên kiểm tra mã thiết bị.`,
    };
  }
  // The request itself is at fault: sending it again cannot help. Kept, and shown to the clerk.
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return { kind: 'rejected', httpStatus: status, reason: `Hệ thống trung tâm không nhận văn bản (HTTP ${status}): ${reasonOf(body)}`, failure: 'http_4xx' };
  }
  return {
    kind: 'retry', reason: `Hệ thống trung tâm tạm thời lỗi (HTTP ${status}): ${reasonOf(body)}`, credentialsRefused: false,
    failure: status >= 500 ? 'http_5xx' : 'http_4xx',
  };
}
