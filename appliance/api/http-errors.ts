import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SohoaError, toErrorInfo, type ErrorCode, type ErrorInfo } from '../errors.js';

// One place decides how a failure looks over HTTP: `{ error: ErrorInfo }` with a status the UI can
// act on (401 not logged in, 403 not the technician / foreign page / not allowed from this address, 409 state/busy, 423 token or login locked, 503 device missing, 507 disk full…).

const STATUS: Record<ErrorCode, number> = {
  'scanner.busy': 409, 'scanner.no-docs': 409, 'scanner.jammed': 409, 'scanner.cover-open': 409,
  'scanner.device': 503, 'scanner.double-feed': 409, 'scanner.not-found': 503, 'scanner.no-source': 409, 'scanner.disconnected': 503,
  'token.absent': 503, 'token.module': 503, 'token.device': 503, 'token.timeout': 504,
  'token.ambiguous': 503, 'token.key-missing': 503, 'token.certificate': 503,
  'token.pin-incorrect': 403, 'token.pin-locked': 423, 'token.not-logged-in': 423,
  'ocr.input': 422, 'ocr.engine': 503,
  'pdf.build': 500, 'sign.failed': 500, 'verify.failed': 500, 'receive.refused': 422,
  'register.duplicate': 409, 'register.secret': 409, 'register.state': 409, 'register.not-found': 404,
  'outbox.rejected': 409, 'outbox.transport': 502,
  'storage.full': 507, 'storage.io': 500,
  'storage.newer-format': 500,
  'account.invalid': 400, 'account.exists': 409, 'account.not-found': 404,
  'session.required': 401, 'session.expired': 401, 'session.pin-incorrect': 401, 'session.locked': 423, 'session.forbidden': 403,
  'config.invalid': 503,
  'export.no-drive': 409, 'print.unavailable': 503,
  'request.invalid': 400, 'request.forbidden': 403, 'internal': 500,
};

export function httpStatusFor(code: ErrorCode): number {
  return STATUS[code];
}

export function invalidRequest(vi: string, detail?: string): SohoaError {
  return new SohoaError('request.invalid', vi, detail);
}

export function notFound(vi: string, detail?: string): SohoaError {
  return new SohoaError('register.not-found', vi, detail);
}

const MALFORMED_VI = 'Yêu cầu không hợp lệ. Hãy tải lại trang và thử lại.';

/** Turns anything thrown in a route (schema failure, bad JSON, SohoaError, bug) into the reply. */
export function replyWithError(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const fe = err as FastifyError;
  let info: ErrorInfo;
  let status: number;
  if (err instanceof SohoaError) {
    info = err.toInfo();
    status = httpStatusFor(err.code);
  } else if (fe?.validation || (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)) {
    // Schema failures, unparsable JSON, wrong content type, body too large: the request's fault.
    info = { code: 'request.invalid', message: MALFORMED_VI, detail: fe.message };
    status = fe.validation ? 400 : fe.statusCode ?? 400;
  } else {
    info = toErrorInfo(err);
    status = httpStatusFor(info.code);
  }
  // Only the code and English detail are logged: never the request body (it may hold the PIN).
  const line = { code: info.code, status, detail: info.detail, url: req.url, method: req.method };
  if (status >= 500) req.log.error(line, 'request failed');
  else req.log.info(line, 'request refused');
  return reply.code(status).send({ error: info });
}
