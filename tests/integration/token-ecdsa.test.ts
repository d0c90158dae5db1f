import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, verify } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Pkcs11Token } from '../../drivers/token/pkcs11-token.js';
import { SOFTHSM_MODULE } from '../helpers/dev-token.js';

// An EC (P-256) token, as some newer agency certificates are: the driver reports ECDSA, hashes,
// signs with CKM_ECDSA(_SHA256) and returns DER that verifies.

let dir: string;
let certPem: string;
const env = () => ({ SOFTHSM2_CONF: join(dir, 'softhsm2.conf') });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sohoa-token-ec-'));
  mkdirSync(join(dir, 'tokens'));
  writeFileSync(join(dir, 'softhsm2.conf'), `directories.tokendir = ${dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env: { ...process.env, ...env() }, stdio: 'pipe' });
  const p11 = ['--module', SOFTHSM_MODULE, '--token-label', 'SOHOA EC', '--login', '--pin', '123456'];
  run('softhsm2-util', ['--init-token', '--free', '--label', 'SOHOA EC', '--pin', '123456', '--so-pin', '12345678']);
  run('pkcs11-tool', [...p11, '--keypairgen', '--key-type', 'EC:prime256v1', '--id', '02']);
  run('pkcs11-tool', [...p11, '--read-object', '--type', 'pubkey', '--id', '02', '-o', join(dir, 'pub.der')]);
  run('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', join(dir, 'pub.der'), '-out', join(dir, 'pub.pem')]);
  run('openssl', ['req', '-x509', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-subj', '/CN=EC test CA', '-days', '30']);
  run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'tmp.key'), '-subj', '/CN=EC signer', '-out', join(dir, 'leaf.csr')]);
  run('openssl', ['x509', '-req', '-in', join(dir, 'leaf.csr'), '-force_pubkey', join(dir, 'pub.pem'), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-set_serial', '7', '-days', '30', '-out', join(dir, 'cert.pem')]);
  run('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-outform', 'DER', '-out', join(dir, 'cert.der')]);
  run('pkcs11-tool', [...p11, '--write-object', join(dir, 'cert.der'), '--type', 'cert', '--id', '02']);
  certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('an EC key: mechanisms() says ECDSA only, and the DER signature verifies', async () => {
  const t = new Pkcs11Token({ module: SOFTHSM_MODULE, label: 'SOHOA EC', env: env(), pollMs: 200 });
  try {
    await t.start();
    await t.login('123456');
    expect(await t.mechanisms()).toEqual(['ECDSA-SHA256']);
    const data = Buffer.from('chữ ký ECDSA');
    const sig = await t.sign(data, 'ECDSA-SHA256');
    expect(sig[0]).toBe(0x30);
    expect(verify('sha256', data, new X509Certificate(certPem).publicKey, sig)).toBe(true);
    expect(verify('sha256', Buffer.from('khác'), new X509Certificate(certPem).publicKey, sig)).toBe(false);
    await expect(t.sign(data, 'RSA-PKCS1-SHA256')).rejects.toMatchObject({ code: 'token.key-missing' });
  } finally {
    await t.close();
  }
});
