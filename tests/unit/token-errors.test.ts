import { describe, expect, it } from 'vitest';
import { SohoaError } from '../../appliance/errors.js';
import { fromInfo, pinIncorrect, tokenError } from '../../drivers/token/token-errors.js';

// SoftHSM never locks a PIN, so the flag-driven messages are checked here on the mapping itself.
const f = { loginRequired: true, pinCountLow: false, pinFinalTry: false, pinLocked: false };

describe('token PIN errors', () => {
  it('a plain wrong PIN', () => {
    const e = pinIncorrect(f, 'CKR_PIN_INCORRECT');
    expect(e).toMatchObject({ code: 'token.pin-incorrect' });
    expect(e.vi).toBe('Mã PIN không đúng. Hãy nhập lại cẩn thận.');
  });

  it('an earlier wrong PIN / last try are said plainly, no more than the token reports', () => {
    const low = pinIncorrect({ ...f, pinCountLow: true }, '').vi;
    expect(low).toMatch(/Khoá ký số báo đã có lần nhập sai/);
    expect(low).not.toMatch(/nhiều lần|sắp hết|còn ít/);
    const last = pinIncorrect({ ...f, pinCountLow: true, pinFinalTry: true }, '');
    expect(last.code).toBe('token.pin-incorrect');
    expect(last.vi).toMatch(/Chỉ còn MỘT lần thử/);
  });

  it('a wrong PIN that locked the token is token.pin-locked', () => {
    const e = pinIncorrect({ ...f, pinLocked: true }, 'CKR_PIN_INCORRECT');
    expect(e.code).toBe('token.pin-locked');
    expect(e.vi).toMatch(/người quản trị khoá ký số/);
  });

  it('crosses the worker boundary as plain data and back', () => {
    const info = structuredClone(tokenError('token.absent', 'no token').toInfo());
    const back = fromInfo(info);
    expect(back).toBeInstanceOf(SohoaError);
    expect(back).toMatchObject({ code: 'token.absent', vi: expect.stringMatching(/Chưa cắm khoá ký số/), message: 'no token' });
  });
});
