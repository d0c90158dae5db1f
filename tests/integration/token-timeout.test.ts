import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, verify } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Pkcs11Token } from '../../drivers/token/pkcs11-token.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { buildSlowSignModule } from '../helpers/slow-token.js';

// A token that hangs inside C_Sign (a real native call that blocks, via a forwarding module in
// front of SoftHSM): the API stays responsive, the call fails with token.timeout, the worker is
// replaced, and the token works again after the clerk logs in again.

let dir: string;
let dev: DevToken;
let shim: string;
const flag = () => join(dir, 'hang');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sohoa-token-timeout-'));
  dev = await provisionDevToken();
  shim = buildSlowSignModule(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a hung sign times out with token.timeout, the event loop keeps running, the worker is rebuilt', async () => {
  const t = new Pkcs11Token({ module: shim, label: dev.label, env: { ...dev.env, SOHOA_SLOW_SIGN_FLAG: flag() }, pollMs: 200, callTimeoutMs: 1000 });
  try {
    await t.start();
    await t.login(dev.pin);
    writeFileSync(flag(), '');

    let ticks = 0;
    const ticker = setInterval(() => ticks++, 50);
    const started = Date.now();
    const err = await t.sign(Buffer.from('x')).catch((e) => e);
    const took = Date.now() - started;
    clearInterval(ticker);

    expect(err).toMatchObject({ code: 'token.timeout' });
    expect(err.vi).toMatch(/không phản hồi/);
    expect(took).toBeGreaterThanOrEqual(1000);
    expect(took).toBeLessThan(2500);
    expect(ticks).toBeGreaterThanOrEqual(10); // the main thread was never blocked
    expect(t.restarts).toBe(1);
    expect(t.abandonedThreads).toBe(1); // still inside C_Sign
    expect(t.state()).toMatchObject({ loggedIn: false, error: { code: 'token.timeout' } });

    rmSync(flag()); // the stuck call returns; its thread is already abandoned
    await expect.poll(() => t.state().error, { timeout: 3000 }).toBeNull();
    await expect.poll(() => t.abandonedThreads, { timeout: 3000 }).toBe(0); // and now ended
    expect(t.state()).toMatchObject({ present: true, loggedIn: false });
    await expect(t.sign(Buffer.from('x'))).rejects.toMatchObject({ code: 'token.not-logged-in' });

    await expect(t.login('000000')).rejects.toMatchObject({ code: 'token.pin-incorrect' });
    await t.login(dev.pin);
    const data = Buffer.from('sau khi khoá ký số treo');
    expect(verify('sha256', data, new X509Certificate(dev.certPem).publicKey, await t.sign(data))).toBe(true);
  } finally {
    rmSync(flag(), { force: true });
    await t.close();
  }
});
