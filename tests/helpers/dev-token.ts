import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

// Provisions the real SoftHSM development token (provisioning/dev-token.sh) for tests.
// Without a DIR, one token per test process is made in a temp folder and removed on exit.

const run = promisify(execFile);
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

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
  await run('bash', [join(root, 'provisioning', 'dev-token.sh'), dir], { env: { ...process.env, SOFTHSM2_CONF: '' } });
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
