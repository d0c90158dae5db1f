import type { TokenStatus } from '../../drivers/token/token.js';
import type { OutboxItem } from '../outbox/store.js';
import type { DiskSpace } from './disk-space.js';

// One function per part the appliance needs, each turning what it observed into an answer a
// technician can read: ok or not, a plain-Vietnamese sentence, and the facts behind it (detail).

export interface HealthCheck {
  ok: boolean;
  /** Plain Vietnamese, shown as is (the touchscreen's status line, the technician's /healthz). */
  message: string;
  /** The facts behind the answer, for a technician or a monitoring rule (JSON). */
  detail: Record<string, unknown>;
}

/** What a scanner health probe needs from the driver (drivers/scanner/sane-scanner.ts). */
export interface ScannerProbePort {
  readonly device: string;
  /** A job is running on the device: it is evidently there, and must not be disturbed. */
  readonly busy: boolean;
  /** Resolves when the device answers within `timeoutMs`; throws with the reason otherwise. */
  check(timeoutMs: number): Promise<unknown>;
}

export async function checkScanner(scanner: ScannerProbePort, timeoutMs: number): Promise<HealthCheck> {
  const device = scanner.device;
  if (scanner.busy) return { ok: true, message: `Máy quét đang quét: ${device}`, detail: { device, busy: true } };
  const started = Date.now();
  try {
    await scanner.check(timeoutMs);
    return { ok: true, message: `Máy quét sẵn sàng: ${device}`, detail: { device, answeredMs: Date.now() - started } };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    // a job that started while we asked: the device is there
    if (e.code === 'scanner.busy') return { ok: true, message: `Máy quét đang quét: ${device}`, detail: { device, busy: true } };
    return {
      ok: false,
      message: `Máy quét không trả lời (${device}). Hãy kiểm tra máy quét đã bật và đã cắm cáp hoặc nối mạng; nếu vẫn lỗi, báo kỹ thuật viên.`,
      detail: { device, error: e.message ?? String(err) },
    };
  }
}

export function checkToken(s: TokenStatus): HealthCheck {
  const detail = { present: s.present, label: s.label, serial: s.serial, loggedIn: s.loggedIn, pinLocked: s.pinLocked, error: s.error };
  if (s.pinLocked) {
    return { ok: false, message: 'Khoá ký số đã bị khoá mã PIN (nhập sai quá số lần cho phép). Hãy báo kỹ thuật viên mở khoá.', detail };
  }
  if (!s.present || s.error) {
    return { ok: false, message: s.error?.message ?? 'Chưa cắm khoá ký số (token) của cơ quan.', detail };
  }
  return s.loggedIn
    ? { ok: true, message: 'Khoá ký số đã cắm và đã mở, sẵn sàng ký.', detail }
    : { ok: true, message: 'Khoá ký số đã cắm; chờ văn thư nhập mã PIN để ký.', detail };
}

const MB = 1024 * 1024;

export function checkDisk(path: string, space: DiskSpace | Error, minFreeMB: number, fullMB = 0): HealthCheck {
  if (space instanceof Error) {
    return { ok: false, message: 'Không đọc được dung lượng ổ đĩa dữ liệu. Hãy báo kỹ thuật viên.', detail: { path, error: space.message } };
  }
  // full: under capture.minFreeDiskMB the desk refuses new scans (store/disk-guard.ts)
  const full = space.freeBytes < fullMB * MB;
  const detail = { path, freeBytes: space.freeBytes, sizeBytes: space.sizeBytes, minFreeBytes: minFreeMB * MB, full, scanMinFreeBytes: fullMB * MB };
  const free = formatBytes(space.freeBytes);
  if (full) {
    return { ok: false, message: `Ổ đĩa dữ liệu đã đầy: chỉ còn trống ${free}, máy không nhận bản quét mới (văn bản đã đăng ký vẫn được gửi đi). Hãy báo kỹ thuật viên giải phóng dung lượng.`, detail };
  }
  return space.freeBytes >= minFreeMB * MB
    ? { ok: true, message: `Ổ đĩa dữ liệu còn trống ${free}.`, detail }
    : { ok: false, message: `Ổ đĩa dữ liệu sắp đầy: chỉ còn trống ${free} (cần ít nhất ${formatBytes(minFreeMB * MB)}). Hãy báo kỹ thuật viên giải phóng dung lượng.`, detail };
}

/** The central system's `GET /healthz` (interfaces.md: 200 when up), with a short time limit. */
export async function checkCentral(centralUrl: string, timeoutMs: number): Promise<HealthCheck> {
  const url = new URL('/healthz', centralUrl).toString();
  const answer = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    .then(async (r) => { await r.body?.cancel(); return { httpStatus: r.status }; }, (err: unknown) => ({ error: describe(err) }));
  return 'httpStatus' in answer && answer.httpStatus >= 200 && answer.httpStatus < 300
    ? { ok: true, message: 'Đã kết nối hệ thống quản lý văn bản.', detail: { url, ...answer } }
    : { ok: false, message: 'Chưa kết nối được hệ thống quản lý văn bản: văn bản sẽ được giữ lại và tự gửi khi có kết nối.', detail: { url, ...answer } };
}

/**
 * Is the queue moving? Not ok when a document has waited to go out longer than `staleMinutes`
 * (whatever the reason: central down, credentials refused, a package stuck at the head).
 */
export function checkLastDelivery(items: Pick<OutboxItem, 'state' | 'enqueuedAt' | 'deliveredAt'>[], staleMinutes: number, now = Date.now()): HealthCheck {
  const last = items.reduce<string | null>((m, i) => (i.deliveredAt && (!m || i.deliveredAt > m) ? i.deliveredAt : m), null);
  const waiting = items.filter((i) => i.state === 'queued' || i.state === 'sending');
  const oldest = waiting.reduce<number | null>((m, i) => { const t = Date.parse(i.enqueuedAt); return m === null || t < m ? t : m; }, null);
  const oldestWaitingSeconds = oldest === null ? 0 : Math.max(0, Math.round((now - oldest) / 1000));
  const lastDeliveryAgeSeconds = last ? Math.max(0, Math.round((now - Date.parse(last)) / 1000)) : null;
  const detail = { lastDeliveredAt: last, lastDeliveryAgeSeconds, waiting: waiting.length, oldestWaitingSeconds, staleAfterSeconds: staleMinutes * 60 };
  const lastText = lastDeliveryAgeSeconds === null ? 'chưa có lần gửi thành công nào' : `lần gửi thành công gần nhất ${ago(lastDeliveryAgeSeconds)}`;
  if (waiting.length === 0) return { ok: true, message: `Không có văn bản chờ gửi; ${lastText}.`, detail };
  if (oldestWaitingSeconds > staleMinutes * 60) {
    return { ok: false, message: `${waiting.length} văn bản chờ gửi, văn bản chờ lâu nhất đã ${duration(oldestWaitingSeconds)}; ${lastText}. Hãy kiểm tra kết nối tới hệ thống quản lý văn bản.`, detail };
  }
  return { ok: true, message: `${waiting.length} văn bản đang chờ gửi; ${lastText}.`, detail };
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'no answer in time';
  return [e.message, e.cause?.code ?? e.cause?.message].filter(Boolean).join(': ') || String(err);
}

function formatBytes(n: number): string {
  return n >= 1024 * MB ? `${(n / (1024 * MB)).toFixed(1).replace('.', ',')} GB` : `${Math.round(n / MB)} MB`;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} giây`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} phút`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} giờ`;
  return `${Math.floor(seconds / 86_400)} ngày`;
}

function ago(seconds: number): string {
  return seconds < 60 ? 'vừa xong' : `${duration(seconds)} trước`;
}
