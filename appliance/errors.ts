// Every failure that can reach a person carries a stable code, a plain-Vietnamese message for the
// clerk and an English detail for the log. Nothing else in the code base invents error shapes.

export type ErrorCode =
  | 'scanner.busy' | 'scanner.no-docs' | 'scanner.jammed' | 'scanner.cover-open' | 'scanner.device'
  | 'scanner.double-feed' | 'scanner.not-found' | 'scanner.no-source' | 'scanner.disconnected'
  | 'token.absent' | 'token.module' | 'token.pin-incorrect' | 'token.pin-locked' | 'token.not-logged-in'
  | 'token.key-missing' | 'token.certificate' | 'token.timeout' | 'token.ambiguous' | 'token.device'
  | 'ocr.input' | 'ocr.engine'
  | 'pdf.build' | 'sign.failed' | 'verify.failed' | 'receive.refused'
  | 'register.duplicate' | 'register.not-found' | 'register.secret' | 'register.state'
  | 'outbox.rejected' | 'outbox.transport'
  | 'storage.full' | 'storage.io'
  /** A settings value that cannot work; a state file written by a newer Sohoa than this one. */
  | 'config.invalid' | 'storage.newer-format'
  | 'account.invalid' | 'account.exists' | 'account.not-found'
  | 'session.required' | 'session.expired' | 'session.pin-incorrect' | 'session.locked' | 'session.forbidden'
  | 'config.invalid'
  /** Register book export and print from the kiosk (ui11). */
  | 'export.no-drive' | 'print.unavailable'
  | 'request.invalid' | 'request.forbidden' | 'internal';

export interface ErrorInfo {
  code: ErrorCode;
  /** Message for the clerk, plain Vietnamese. */
  message: string;
  /** Technical detail for the log and the technician. */
  detail?: string;
}

export class SohoaError extends Error {
  readonly code: ErrorCode;
  readonly vi: string;

  constructor(code: ErrorCode, vi: string, detail?: string, options?: { cause?: unknown }) {
    super(detail ?? vi, options);
    this.name = 'SohoaError';
    this.code = code;
    this.vi = vi;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.vi, detail: this.message };
  }
}

/** Wraps anything thrown into an ErrorInfo; unknown failures become `internal`. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof SohoaError) return err.toInfo();
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC') {
    return { code: 'storage.full', message: 'Ổ đĩa đã đầy. Hãy báo kỹ thuật viên giải phóng dung lượng.', detail: e.message };
  }
  if (e?.code === 'EIO' || e?.code === 'EROFS') {
    return { code: 'storage.io', message: 'Lỗi ghi dữ liệu ra đĩa. Hãy báo kỹ thuật viên.', detail: e.message };
  }
  return { code: 'internal', message: 'Đã xảy ra lỗi không mong muốn. Hãy thử lại hoặc báo kỹ thuật viên.', detail: e?.message ?? String(err) };
}
