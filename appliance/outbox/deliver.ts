import type { Dispatcher } from 'undici';
import { parseStatusPackage } from '../edxml/status.js';
import { parseRetryAfter } from './backoff.js';
import { openBody, type PackageFiles } from './package-body.js';

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
  | { kind: 'delivered'; statusCode: string | null; description: string; receipt: string }
  | { kind: 'rejected'; httpStatus: number; reason: string; failure: DeliveryFailure }
  | { kind: 'retry'; reason: string; credentialsRefused: boolean; failure: DeliveryFailure; retryAfterMs?: number | null; httpStatus?: number };

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
  /** The outbox's keep-alive connection pool (undici Agent); undici's global one otherwise. */
  dispatcher?: Dispatcher;
}

/** A package on disk, sent as a stream (package-body.ts), with its length and digest. */
export interface StreamedBody { files: PackageFiles; bytes: number; sha256: string }

/** `Content-Digest` (RFC 9530) of a body whose SHA-256 is `hex`. */
export const contentDigest = (hex: string) => `sha-256=:${Buffer.from(hex, 'hex').toString('base64')}:`;

function reasonOf(body: string): string {
  try {
    const j = JSON.parse(body) as { reason?: unknown; message?: unknown };
    if (typeof j.reason === 'string') return j.reason;
    if (typeof j.message === 'string') return j.message;
  } catch { /* not JSON: the text itself is the reason */ }
  return body.slice(0, 500) || 'no reason given';
}

const base = (t: DeliveryTarget) => t.centralUrl.replace(/\/+$/, '');

/**
 * Uploads one package. The Idempotency-Key is the DocumentId; with `Content-Digest` (the body's
 * SHA-256) the pair names exactly this body: a repeat gets the same reply, another body 409.
 */
export async function deliver(target: DeliveryTarget, documentId: string, xml: string | StreamedBody, signal: AbortSignal): Promise<DeliveryOutcome> {
  let status: number;
  let body: string;
  let retryAfterMs: number | null = null;
  try {
    const { request } = await loadUndici();
    const streamed = typeof xml === 'string' ? null : xml;
    const res = await request(`${base(target)}/edxml/v1/documents`, {
      method: 'POST',
      body: typeof xml === 'string' ? xml : openBody(xml.files),
      headers: {
        'content-type': 'application/xml; charset=utf-8',
        'idempotency-key': encodeURIComponent(documentId),
        ...(streamed ? { 'content-length': String(streamed.bytes), 'content-digest': contentDigest(streamed.sha256) } : {}),
        ...(target.deviceToken ? { authorization: `Bearer ${target.deviceToken}` } : {}),
      },
      headersTimeout: answerTimeoutMs(target.timeoutMs, streamed ? streamed.bytes : Buffer.byteLength(xml as string)),
      bodyTimeout: target.timeoutMs,
      signal,
      ...(target.dispatcher ? { dispatcher: target.dispatcher } : {}),
    });
    status = res.statusCode;
    if (status === 429 || status === 503) retryAfterMs = parseRetryAfter(res.headers['retry-after']);
    body = await res.body.text();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const failure = TIMEOUT_CODES.has(e.code ?? '') || e.name === 'TimeoutError' ? 'timeout' : 'network';
    return { kind: 'retry', reason: `Không kết nối được hệ thống trung tâm (${e.code ?? e.name}: ${e.message})`, credentialsRefused: false, failure };
  }

  if (status >= 200 && status < 300) {
    const parsed = parseStatusPackage(body);
    return { kind: 'delivered', statusCode: parsed.ok ? parsed.value.statusCode : null, description: parsed.ok ? parsed.value.description : '', receipt: body };
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
    failure: status >= 500 ? 'http_5xx' : 'http_4xx', retryAfterMs, httpStatus: status,
  };
}

/**
 * How long to wait for the answer once the package is sent: the central system reads, checks and
 * stores the whole body before it answers, so a large package gets a second more per MiB. With a
 * flat limit a slow receiver would time out on every try of a 30 MB document, and it would never go.
 */
export function answerTimeoutMs(timeoutMs: number, bodyBytes: number): number {
  return timeoutMs + Math.ceil(bodyBytes / (1024 * 1024)) * 1000;
}

/** What a status read (after 01) says. */
export type StatusOutcome =
  | { kind: 'status'; statusCode: string; description: string; xml: string }
  /** 404: the central system does not hold it (lost on its side): send it again. */
  | { kind: 'unknown' }
  | { kind: 'retry'; reason: string; retryAfterMs: number | null };

export async function fetchStatus(target: DeliveryTarget, documentId: string, signal: AbortSignal): Promise<StatusOutcome> {
  try {
    const { request } = await loadUndici();
    const res = await request(`${base(target)}/edxml/v1/documents/${encodeURIComponent(documentId)}/status`, {
      method: 'GET',
      headers: target.deviceToken ? { authorization: `Bearer ${target.deviceToken}` } : {},
      headersTimeout: target.timeoutMs, bodyTimeout: target.timeoutMs, signal,
      ...(target.dispatcher ? { dispatcher: target.dispatcher } : {}),
    });
    const text = await res.body.text();
    if (res.statusCode === 404) return { kind: 'unknown' };
    if (res.statusCode !== 200) {
      return { kind: 'retry', reason: `Hệ thống trung tâm chưa trả lời trạng thái (HTTP ${res.statusCode}): ${reasonOf(text)}`, retryAfterMs: parseRetryAfter(res.headers['retry-after']) };
    }
    const parsed = parseStatusPackage(text);
    if (!parsed.ok) return { kind: 'retry', reason: `Trạng thái hệ thống trung tâm trả về không đọc được: ${parsed.errors.join('; ')}`, retryAfterMs: null };
    return { kind: 'status', statusCode: parsed.value.statusCode, description: parsed.value.description, xml: text };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { kind: 'retry', reason: `Không kết nối được hệ thống trung tâm (${e.code ?? e.name}: ${e.message})`, retryAfterMs: null };
  }
}

/** The outbox's own connection pool: keep-alive to the central system, closed when the outbox stops. */
export async function createAgent(): Promise<Dispatcher> {
  // keep-alive: a drained backlog reuses one or two connections instead of a handshake per document
  const { Agent } = await loadUndici();
  return new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: 8 });
}

/** `GET /healthz` of the central system: the cheap probe while it is down (no document is sent). */
export async function probeHealth(target: DeliveryTarget, signal: AbortSignal): Promise<boolean> {
  try {
    const { request } = await loadUndici();
    const res = await request(`${base(target)}/healthz`, {
      headersTimeout: target.timeoutMs, bodyTimeout: target.timeoutMs, signal, ...(target.dispatcher ? { dispatcher: target.dispatcher } : {}),
    });
    await res.body.dump();
    return res.statusCode >= 200 && res.statusCode < 300;
  } catch {
    return false;
  }
}
