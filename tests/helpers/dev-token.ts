import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectPath } from '../../appliance/config/paths.js';

// Provisions the real SoftHSM development token (provisioning/dev-token.sh) for tests.
// Without a DIR, one token per test process is made in a temp folder and removed on exit.

/** Every tool run has a time limit (a hung softhsm2-util or openssl fails the test, it never holds it). */
const run = (cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) =>
  promisify(execFile)(cmd, args, { timeout: 120_000, killSignal: 'SIGKILL', ...opts });

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface DevToken {
  dir: string;
  module: string;
  env: { SOFTHSM2_CONF: string };
  label: string;
  pin: string;
  soPin: string;
  certPem: string;
  chainPem: string;
  caPem: string;
  nssDir: string;
  sealPath: string;
}

let cached: Promise<DevToken> | undefined;

export function provisionDevToken(dir?: string): Promise<DevToken> {
  if (dir) return provision(dir);
  if (!cached) {
    const tmp = mkdtempSync(join(tmpdir(), 'sohoa-dev-token-'));
    process.once('exit', () => rmSync(tmp, { recursive: true, force: true }));
    cached = provision(tmp);
  }
  return cached;
}

async function provision(dir: string): Promise<DevToken> {
  await run('bash', [projectPath('provisioning', 'dev-token.sh'), dir], { env: { ...process.env, SOFTHSM2_CONF: '' } });
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    dir,
    module: SOFTHSM_MODULE,
    env: { SOFTHSM2_CONF: join(dir, 'softhsm2.conf') },
    label: 'SOHOA DEV',
    pin: '123456',
    soPin: '12345678',
    certPem: read('cert.pem'),
    chainPem: read('chain.pem'),
    caPem: read('ca.pem'),
    nssDir: join(dir, 'nssdb'),
    sealPath: join(dir, 'seal.png'),
  };
}

/** Initialises one more SoftHSM token (no key) under the same SOFTHSM2_CONF; returns its serial. */
export async function addSoftHsmToken(conf: string, label: string, pin = '654321'): Promise<string> {
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  await run('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', '87654321'], { env });
  const { stdout } = await run('softhsm2-util', ['--show-slots'], { env });
  // Slots print "Serial number: …" before "Label: …" in each token block.
  for (const block of stdout.split(/\nSlot /)) {
    const l = /Label:\s+(.*)/.exec(block)?.[1]?.trimEnd();
    const s = /Serial number:\s+(\S+)/.exec(block.split('Token info:')[1] ?? '')?.[1];
    if (l === label && s) return s;
  }
  throw new Error(`softhsm2-util did not list the new token ${label}`);
}

export interface AlwaysAuthToken {
  label: string;
  serial: string;
  pin: string;
  certPem: string;
}

/**
 * One more SoftHSM token under the dev token's SOFTHSM2_CONF, as qualified signing tokens are: its
 * RSA key (CKA_ID 02) has CKA_ALWAYS_AUTHENTICATE (a login right before every signature), and its
 * certificate is issued by the dev CA.
 */
export async function addAlwaysAuthToken(dev: DevToken, label: string, pin: string): Promise<AlwaysAuthToken> {
  const serial = await addSoftHsmToken(dev.env.SOFTHSM2_CONF, label, pin);
  const env = { ...process.env, SOFTHSM2_CONF: dev.env.SOFTHSM2_CONF };
  const work = mkdtempSync(join(dev.dir, 'always-auth-'));
  const p11 = ['--module', dev.module, '--token-label', label];
  try {
    await run('pkcs11-tool', [...p11, '--login', '--pin', pin, '--keypairgen', '--key-type', 'rsa:2048', '--id', '02', '--label', `${label} key`, '--always-auth'], { env });
    await run('pkcs11-tool', [...p11, '--read-object', '--type', 'pubkey', '--id', '02', '-o', join(work, 'pub.der')], { env });
    await run('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', join(work, 'pub.der'), '-out', join(work, 'pub.pem')]);
    await run('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(work, 'throwaway.key'), '-subj', `/C=VN/O=Sohoa development agency (NOT FOR PRODUCTION)/CN=${label}`, '-out', join(work, 'leaf.csr')]);
    writeFileSync(join(work, 'leaf.ext'), 'basicConstraints = critical, CA:false\nkeyUsage = critical, digitalSignature, nonRepudiation\n');
    await run('openssl', ['x509', '-req', '-in', join(work, 'leaf.csr'), '-force_pubkey', join(work, 'pub.pem'), '-CA', join(dev.dir, 'ca.pem'), '-CAkey', join(dev.dir, 'ca', 'ca.key'),
      '-set_serial', '0x5a0a02', '-days', '365', '-sha256', '-extfile', join(work, 'leaf.ext'), '-out', join(work, 'cert.pem')]);
    await run('openssl', ['x509', '-in', join(work, 'cert.pem'), '-outform', 'DER', '-out', join(work, 'cert.der')]);
    await run('pkcs11-tool', [...p11, '--login', '--pin', pin, '--write-object', join(work, 'cert.der'), '--type', 'cert', '--id', '02', '--label', `${label} cert`], { env });
    return { label, serial, pin, certPem: readFileSync(join(work, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
