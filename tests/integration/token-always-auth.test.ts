import { execFile } from 'node:child_process';
import { X509Certificate, verify } from 'node:crypto';
import { inspect, promisify } from 'node:util';
import type { Worker } from 'node:worker_threads';
import pino from 'pino';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pkcs11Token } from '../../drivers/token/pkcs11-token.js';
import { addAlwaysAuthToken, provisionDevToken, type AlwaysAuthToken, type DevToken } from '../helpers/dev-token.js';

// A qualified-signature style key (CKA_ALWAYS_AUTHENTICATE) on SoftHSM: the token demands
// C_Login(CKU_CONTEXT_SPECIFIC) after every C_SignInit. The worker holds the PIN the token
// accepted, and never tries a PIN the token refused or one its flags say may be wrong.

const run = promisify(execFile);
const LABEL = 'SOHOA QUALIFIED';
// Digits that appear nowhere else by chance (not a serial, not a PID), so a search for them means something.
const PIN = '4739152806';
const NEW_PIN = '9051738264';

let dev: DevToken;
let aa: AlwaysAuthToken;
let token: Pkcs11Token;
const logLines: string[] = [];
const messages: unknown[] = [];

const ctx = async () => (await token.calls())['C_Login(CKU_CONTEXT_SPECIFIC)'] ?? 0;
const user = async () => (await token.calls()).C_Login ?? 0;
const key = () => new X509Certificate(aa.certPem).publicKey;

/** The test's own PKCS#11 "application" in this process (another program on the same token). */
function otherApp(): { p: InstanceType<typeof pkcs11js.PKCS11>; session: Buffer } {
  const p = new pkcs11js.PKCS11();
  p.load(dev.module);
  try {
    p.C_Initialize();
  } catch (err) {
    if ((err as { code?: number }).code !== 0x191) throw err; // the worker initialised the module already
  }
  const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === LABEL)!;
  return { p, session: p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION) };
}

function watch(t: Pkcs11Token): void {
  (t as unknown as { worker: Worker }).worker.on('message', (m: unknown) => messages.push(m));
}

beforeAll(async () => {
  dev = await provisionDevToken();
  aa = await addAlwaysAuthToken(dev, LABEL, PIN);
  const log = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  token = new Pkcs11Token({ module: dev.module, label: LABEL, env: dev.env, pollMs: 100, log });
  await token.start();
  watch(token);
});
afterAll(() => token?.close());

describe('key with CKA_ALWAYS_AUTHENTICATE', () => {
  it('the test token really has such a key', async () => {
    const { stdout } = await run('pkcs11-tool', ['--module', dev.module, '--token-label', LABEL, '--login', '--pin', PIN, '--list-objects', '--type', 'privkey'], { env: { ...process.env, ...dev.env } });
    expect(stdout).toContain('always authenticate');
  });

  it('signs after a login: one CKU_CONTEXT_SPECIFIC login per signature, each signature verifies', async () => {
    await token.login(PIN);
    const [u0, c0] = [await user(), await ctx()];
    for (let i = 1; i <= 3; i++) {
      const data = Buffer.from(`văn bản số ${i}`);
      const sig = await token.sign(data);
      expect(verify('sha256', data, key(), sig)).toBe(true);
      expect(await ctx()).toBe(c0 + i);
    }
    expect(await user()).toBe(u0); // the person's login was not repeated
    expect(token.state()).toMatchObject({ present: true, loggedIn: true, pinCountLow: false, error: null });
  });

  it('the token ended the login by itself: one re-login with the accepted PIN, then signing goes on', async () => {
    const other = otherApp();
    other.p.C_Logout(other.session); // a login is per application: this ends the worker's too
    await expect.poll(() => token.state().loggedIn, { timeout: 2000, interval: 50 }).toBe(false);
    const [u0, c0] = [await user(), await ctx()];
    const data = Buffer.from('sau khi khoá ký số tự đăng xuất');
    expect(verify('sha256', data, key(), await token.sign(data))).toBe(true);
    expect(await user()).toBe(u0 + 1);
    expect(await ctx()).toBe(c0 + 1);
    expect(token.state().loggedIn).toBe(true);

    // Again, signing right away (before the presence poll has noticed): found at sign time.
    other.p.C_Logout(other.session);
    expect(verify('sha256', data, key(), await token.sign(data))).toBe(true);
    expect(await user()).toBe(u0 + 2);
    expect(await ctx()).toBe(c0 + 2);
    other.p.C_CloseSession(other.session);
  });

  it('the token ended the login and its flags show a refused PIN since: no login at all, a person must enter the PIN', async () => {
    const other = otherApp();
    other.p.C_Logout(other.session);
    expect(() => other.p.C_Login(other.session, pkcs11js.CKU_USER, '000000')).toThrow(/PIN_INCORRECT/); // someone mistyped elsewhere
    other.p.C_CloseSession(other.session);
    const [u0, c0] = [await user(), await ctx()];
    await expect(token.sign(Buffer.from('x'))).rejects.toMatchObject({ code: 'token.not-logged-in' });
    expect(await user()).toBe(u0);
    expect(await ctx()).toBe(c0);
    expect(token.state()).toMatchObject({ loggedIn: false, pinCountLow: true });
    // The PIN was dropped: the next document does not bring it back either.
    await expect(token.sign(Buffer.from('x'))).rejects.toMatchObject({ code: 'token.not-logged-in' });
    expect(await user()).toBe(u0);

    await token.login(PIN); // the person; the token clears its count-low flag
    await expect.poll(() => token.state().pinCountLow, { timeout: 2000 }).toBe(false);
    expect(verify('sha256', Buffer.from('y'), key(), await token.sign(Buffer.from('y')))).toBe(true);
  });

  it('PIN changed meanwhile: the context login is refused once, not retried; the state shows the flags; the new PIN works', async () => {
    const other = otherApp();
    other.p.C_SetPIN(other.session, PIN, NEW_PIN); // the holder changed the PIN with another program
    other.p.C_CloseSession(other.session);
    const [u0, c0] = [await user(), await ctx()];
    const err = await token.sign(Buffer.from('x')).catch((e) => e);
    expect(err).toMatchObject({ code: 'token.pin-incorrect' });
    expect(err.vi).toMatch(/đã có lần nhập sai/); // SoftHSM raises CKF_USER_PIN_COUNT_LOW after any refused PIN: said as it is, not "few tries left"
    expect(await ctx()).toBe(c0 + 1);
    expect(await user()).toBe(u0);
    expect(token.state()).toMatchObject({ loggedIn: false, pinCountLow: true });

    await expect(token.sign(Buffer.from('x'))).rejects.toMatchObject({ code: 'token.not-logged-in' });
    expect(await ctx()).toBe(c0 + 1);
    expect(await user()).toBe(u0);

    await token.login(NEW_PIN);
    const data = Buffer.from('với mã PIN mới');
    expect(verify('sha256', data, key(), await token.sign(data))).toBe(true);
    expect(token.state()).toMatchObject({ loggedIn: true, pinCountLow: false });
  });

  it('after logout, sign fails with token.not-logged-in and no login is attempted', async () => {
    await token.logout();
    const [u0, c0] = [await user(), await ctx()];
    await expect(token.sign(Buffer.from('x'))).rejects.toMatchObject({ code: 'token.not-logged-in' });
    expect(await user()).toBe(u0);
    expect(await ctx()).toBe(c0);
    expect(token.state().loggedIn).toBe(false);
  });

  it('the PIN is nowhere on the main thread: not in state(), status(), the worker\'s messages, the token object or the log', async () => {
    await expect(token.login('1111')).rejects.toMatchObject({ code: 'token.pin-incorrect' }); // a wrong one is logged as a failure
    await token.login(NEW_PIN);
    await token.sign(Buffer.from('z'));
    await token.logout();

    expect(messages.length).toBeGreaterThan(5);
    expect(logLines.some((l) => l.includes('token call failed') && l.includes('token.pin-incorrect'))).toBe(true);
    expect(logLines.some((l) => l.includes('"loggedIn":true'))).toBe(true);
    const kept = [
      JSON.stringify(token.state()), JSON.stringify(await token.status()),
      ...messages.map((m) => inspect(m, { depth: 20, maxArrayLength: null, maxStringLength: null })),
      inspect(token, { depth: 20, showHidden: true }), ...logLines,
    ].join('\n');
    for (const pin of [PIN, NEW_PIN, '1111"', "'1111'"]) expect(kept).not.toContain(pin);
  });

  it('idle logout drops the held PIN: a later signature makes no login', async () => {
    await token.close();
    const idle = new Pkcs11Token({ module: dev.module, label: LABEL, env: dev.env, pollMs: 100, idleLogoutMs: 400 });
    try {
      await idle.start();
      await idle.login(NEW_PIN);
      await expect.poll(() => idle.state().loggedIn, { timeout: 3000, interval: 100 }).toBe(false);
      const before = await idle.calls();
      await expect(idle.sign(Buffer.from('x'))).rejects.toMatchObject({ code: 'token.not-logged-in' });
      const after = await idle.calls();
      expect(after.C_Login).toBe(before.C_Login);
      expect(after['C_Login(CKU_CONTEXT_SPECIFIC)'] ?? 0).toBe(before['C_Login(CKU_CONTEXT_SPECIFIC)'] ?? 0);
    } finally {
      await idle.close();
    }
  });
});
