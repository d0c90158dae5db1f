import { X509Certificate, constants, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pkcs11Token } from '../../drivers/token/pkcs11-token.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';

// The driver against the real SoftHSM development token: list, login, sign, wrong PIN.

let dev: DevToken;
let token: Pkcs11Token;

beforeAll(async () => {
  dev = await provisionDevToken();
  token = new Pkcs11Token({ module: dev.module, label: dev.label, env: dev.env, pollMs: 200 });
  await token.start();
});
afterAll(() => token?.close());

describe('PKCS#11 token on SoftHSM', () => {
  it('lists the development token with its label and serial', async () => {
    const list = await token.list();
    const t = list.find((x) => x.label === 'SOHOA DEV');
    expect(t).toBeDefined();
    expect(t!.serial).toMatch(/^[0-9a-f]{16}$/);
    expect(t!.flags.loginRequired).toBe(true);
    expect(list.every((x) => x.label.trim() === x.label)).toBe(true);
  });

  it('gives the certificate issued by the dev CA without a login', async () => {
    const cert = new X509Certificate(await token.certificate());
    expect(cert.toString()).toBe(new X509Certificate(dev.certPem).toString());
    expect(cert.verify(new X509Certificate(dev.caPem).publicKey)).toBe(true);
    expect(cert.subject).toContain('Văn phòng UBND tỉnh (thử nghiệm)');
  });

  it('refuses to sign before a login', async () => {
    await expect(token.sign(Buffer.from('x'))).rejects.toMatchObject({ code: 'token.not-logged-in' });
  });

  it('wrong PIN: token.pin-incorrect after exactly one C_Login, and a second wrong PIN is its own error', async () => {
    const before = (await token.calls()).C_Login ?? 0;
    const err = await token.login('999999').catch((e) => e);
    expect(err).toMatchObject({ code: 'token.pin-incorrect' });
    expect(err.vi).toMatch(/Mã PIN không đúng/);
    expect((await token.calls()).C_Login).toBe(before + 1);
    await expect(token.login('888888')).rejects.toMatchObject({ code: 'token.pin-incorrect' });
    expect((await token.calls()).C_Login).toBe(before + 2);
    expect(token.state().loggedIn).toBe(false);
  });

  it('logs in with the right PIN and signs: the signature verifies with the certificate key', async () => {
    await token.login(dev.pin);
    const data = Buffer.from('Sohoa — văn bản đến số 1');
    const key = new X509Certificate(await token.certificate()).publicKey;

    expect(await token.mechanisms()).toEqual(expect.arrayContaining(['RSA-PKCS1-SHA256', 'RSA-PSS-SHA256']));
    const sig = await token.sign(data);
    expect(sig.length).toBe(256);
    expect(verify('sha256', data, key, sig)).toBe(true);
    expect(verify('sha256', Buffer.from('tampered'), key, sig)).toBe(false);

    const pss = await token.sign(data, 'RSA-PSS-SHA256');
    expect(verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pss)).toBe(true);

    await expect(token.sign(data, 'ECDSA-SHA256')).rejects.toMatchObject({ code: 'token.key-missing' });
    expect(token.state()).toMatchObject({ present: true, loggedIn: true, label: 'SOHOA DEV', error: null });
    expect(await token.status()).toMatchObject({ present: true, loggedIn: true, label: 'SOHOA DEV' });
  });

  it('logout ends signing', async () => {
    await token.logout();
    await expect(token.sign(Buffer.from('x'))).rejects.toMatchObject({ code: 'token.not-logged-in' });
  });

  it('logs out by itself after the idle time', async () => {
    const idle = new Pkcs11Token({ module: dev.module, label: dev.label, env: dev.env, pollMs: 100, idleLogoutMs: 400 });
    await token.close(); // one user of the module per process at a time
    try {
      await idle.start();
      await idle.login(dev.pin);
      expect(idle.state().loggedIn).toBe(true);
      await expect.poll(() => idle.state().loggedIn, { timeout: 3000, interval: 100 }).toBe(false);
      await expect(idle.sign(Buffer.from('x'))).rejects.toMatchObject({ code: 'token.not-logged-in' });
    } finally {
      await idle.close();
    }
  });
});

describe('module problems', () => {
  it('a missing module path: constructing and starting work; use and status say token.module', async () => {
    const t = new Pkcs11Token({ module: '/nonexistent/libbit4xpki.so', pollMs: 100 });
    try {
      await t.start();
      await expect(t.list()).rejects.toMatchObject({ code: 'token.module' });
      await expect(t.login('123456')).rejects.toMatchObject({ code: 'token.module' });
      await expect.poll(() => t.state().error?.code, { timeout: 2000 }).toBe('token.module');
      expect(t.state().present).toBe(false);
      expect(t.state().error!.message).toMatch(/phần mềm điều khiển khoá ký số/);
    } finally {
      await t.close();
    }
  });

  it('a file that is not a PKCS#11 library gives token.module', async () => {
    const t = new Pkcs11Token({ module: '/usr/lib/x86_64-linux-gnu/libz.so.1', pollMs: 100 });
    try {
      await t.start();
      const err = await t.list().catch((e) => e);
      expect(err).toMatchObject({ code: 'token.module' });
      expect(err.message).toMatch(/libz/);
    } finally {
      await t.close();
    }
  });
});
