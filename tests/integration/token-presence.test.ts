import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, verify } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Pkcs11Token } from '../../drivers/token/pkcs11-token.js';
import type { TokenStatus } from '../../drivers/token/token.js';
import { addSoftHsmToken, provisionDevToken, type DevToken } from '../helpers/dev-token.js';

// Token choice with several tokens present, and a token pulled out and put back — on a private
// SoftHSM token folder this file owns.

let dir: string;
let dev: DevToken;
let otherSerial: string;
const VI_LABEL = 'Sở Nội vụ thử nghiệm'; // 30 UTF-8 bytes (20 characters): padded with spaces to 32
let token: Pkcs11Token | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sohoa-token-presence-'));
  dev = await provisionDevToken(dir);
  otherSerial = await addSoftHsmToken(dev.env.SOFTHSM2_CONF, VI_LABEL);
});
afterEach(async () => {
  await token?.close();
  token = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function open(sel: { label?: string; serial?: string }, pollMs = 200): Pkcs11Token {
  token = new Pkcs11Token({ module: dev.module, env: dev.env, pollMs, ...sel });
  return token;
}

describe('token choice', () => {
  it('two tokens and no selector: token.ambiguous naming both, never the first', async () => {
    const t = open({});
    await t.start();
    const err = await t.login(dev.pin).catch((e) => e);
    expect(err).toMatchObject({ code: 'token.ambiguous' });
    expect(err.message).toContain('SOHOA DEV');
    expect(err.message).toContain(VI_LABEL);
    expect((await t.calls()).C_Login ?? 0).toBe(0);
    await expect(t.certificate()).rejects.toMatchObject({ code: 'token.ambiguous' });
    expect(t.state()).toMatchObject({ present: false, error: { code: 'token.ambiguous' } });
  });

  it('lists both, the Vietnamese label decoded and unpadded', async () => {
    const t = open({});
    await t.start();
    const labels = (await t.list()).map((x) => x.label).sort();
    expect(labels).toEqual(['SOHOA DEV', VI_LABEL].sort());
  });

  it('selects by label, Vietnamese diacritics included (NFD config matches NFC token)', async () => {
    const t = open({ label: VI_LABEL.normalize('NFD') });
    await t.start();
    await expect.poll(() => t.state().present, { timeout: 2000 }).toBe(true);
    expect(t.state()).toMatchObject({ label: VI_LABEL, serial: otherSerial, error: null });
    // that token holds no certificate: the driver says so rather than using the other token's
    await expect(t.certificate()).rejects.toMatchObject({ code: 'token.certificate' });
  });

  it('selects by serial and signs with that token', async () => {
    const serial = (await (async () => { const t = open({ label: 'SOHOA DEV' }); await t.start(); const s = (await t.list()).find((x) => x.label === 'SOHOA DEV')!.serial; await t.close(); return s; })());
    const t = open({ serial });
    await t.start();
    await t.login(dev.pin);
    const data = Buffer.from('chọn theo số sê-ri');
    const sig = await t.sign(data);
    expect(verify('sha256', data, new X509Certificate(dev.certPem).publicKey, sig)).toBe(true);
    expect(t.state()).toMatchObject({ serial, label: 'SOHOA DEV', loggedIn: true });
  });
});

describe('token pulled out and put back', () => {
  it('goes absent within 2 s, sign fails with token.absent, and comes back (PIN needed again)', async () => {
    const t = open({ label: 'SOHOA DEV' }, 250);
    const changes: TokenStatus[] = [];
    t.onChange((s) => changes.push(s));
    await t.start();
    await t.login(dev.pin);
    expect(t.state()).toMatchObject({ present: true, loggedIn: true });

    // "Pull" the token: its folder leaves SoftHSM's token directory.
    const tokens = join(dir, 'tokens');
    // SoftHSM names a token's folder by a UUID ending in the token's serial.
    const serial = t.state().serial!;
    const folder = readdirSync(tokens).find((f) => f.replaceAll('-', '').endsWith(serial))!;
    expect(folder).toBeDefined();
    const outside = join(dir, 'pulled');
    const pulledAt = Date.now();
    renameSync(join(tokens, folder), outside);
    try {
      await expect.poll(() => t.state().present, { timeout: 2000, interval: 50 }).toBe(false);
      expect(Date.now() - pulledAt).toBeLessThan(2000);
      expect(changes.at(-1)).toMatchObject({ present: false, loggedIn: false });
      await expect(t.sign(Buffer.from('x'))).rejects.toMatchObject({ code: 'token.absent' });
      await expect(t.login(dev.pin)).rejects.toMatchObject({ code: 'token.absent' });
    } finally {
      renameSync(outside, join(tokens, folder));
    }

    await expect.poll(() => t.state().present, { timeout: 2000, interval: 50 }).toBe(true);
    expect(t.state()).toMatchObject({ label: 'SOHOA DEV', loggedIn: false });
    await expect(t.sign(Buffer.from('x'))).rejects.toMatchObject({ code: 'token.not-logged-in' });
    await t.login(dev.pin);
    const data = Buffer.from('sau khi cắm lại');
    expect(verify('sha256', data, new X509Certificate(dev.certPem).publicKey, await t.sign(data))).toBe(true);
  });
});
