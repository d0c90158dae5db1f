import { SohoaError, type ErrorInfo } from '../../appliance/errors.js';
import type { TokenFlags } from './token.js';

// The token's failures in the clerk's words. Built in the worker, sent across as plain ErrorInfo
// and turned back into SohoaError on the main thread.

type TokenCode = Extract<ErrorInfo['code'], `token.${string}`>;

const VI: Record<TokenCode, string> = {
  'token.absent': 'Chưa cắm khoá ký số. Hãy cắm khoá ký số của cơ quan vào máy.',
  'token.module': 'Không nạp được phần mềm điều khiển khoá ký số. Hãy báo kỹ thuật viên.',
  'token.pin-incorrect': 'Mã PIN không đúng. Hãy nhập lại cẩn thận.',
  'token.pin-locked':
    'Khoá ký số đã bị khoá do nhập sai mã PIN quá nhiều lần. Hãy liên hệ người quản trị khoá ký số của cơ quan để mở khoá.',
  'token.not-logged-in': 'Khoá ký số chưa được mở. Hãy nhập mã PIN để mở khoá ký số.',
  'token.key-missing': 'Không tìm thấy khoá ký trên khoá ký số. Hãy báo kỹ thuật viên.',
  'token.certificate': 'Không tìm thấy chứng thư số trên khoá ký số. Hãy báo kỹ thuật viên.',
  'token.timeout': 'Khoá ký số không phản hồi. Hãy rút khoá ra, cắm lại rồi thử lại.',
  'token.ambiguous': 'Đang cắm nhiều khoá ký số. Hãy rút bớt, chỉ để lại khoá ký số của cơ quan, hoặc báo kỹ thuật viên chọn khoá.',
  'token.device': 'Khoá ký số báo lỗi. Hãy rút khoá ra, cắm lại rồi thử lại.',
};

export function tokenError(code: TokenCode, detail: string): SohoaError {
  return new SohoaError(code, VI[code], detail);
}

/** Wrong PIN: tells the clerk how close the token is to locking when its flags say so. */
export function pinIncorrect(flags: TokenFlags, detail: string): SohoaError {
  if (flags.pinLocked) return tokenError('token.pin-locked', detail);
  let vi = 'Mã PIN không đúng.';
  if (flags.pinFinalTry) vi += ' Chỉ còn MỘT lần thử: nếu nhập sai nữa, khoá ký số sẽ bị khoá.';
  // CKF_USER_PIN_COUNT_LOW only says a wrong PIN was entered since the last good one (SoftHSM sets
  // it at the first mistake): the clerk is told that, not "many times" nor how many tries are left.
  else if (flags.pinCountLow) vi += ' Khoá ký số báo đã có lần nhập sai: hãy nhập thật cẩn thận, nhập sai quá số lần cho phép khoá sẽ bị khoá.';
  else vi += ' Hãy nhập lại cẩn thận.';
  return new SohoaError('token.pin-incorrect', vi, detail);
}

export function isTokenCode(code: string): code is TokenCode {
  return code in VI;
}

/** Rebuilds the SohoaError from what crossed the thread boundary. */
export function fromInfo(info: ErrorInfo): SohoaError {
  return new SohoaError(info.code, info.message, info.detail);
}
