import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { tokenError } from './token-errors.js';

// Where the PKCS#11 modules of the tokens Vietnamese agencies use are installed: VGCA/bit4id,
// SafeNet eToken, OpenSC (smart cards) and SoftHSM (development). Checked in this order.
const NAMES = ['libbit4xpki.so', 'libeTPkcs11.so', 'opensc-pkcs11.so', 'libsofthsm2.so'];
const DIRS = [
  '/usr/lib', '/usr/lib64', '/usr/local/lib', '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu',
  '/usr/lib/pkcs11', '/usr/lib/x86_64-linux-gnu/pkcs11', '/usr/lib/aarch64-linux-gnu/pkcs11',
  '/usr/lib/softhsm', '/usr/lib/x86_64-linux-gnu/softhsm', '/usr/local/lib/softhsm', '/usr/lib/bit4id', '/opt/bit4id/lib',
];

export function candidateModules(): string[] {
  return NAMES.flatMap((n) => DIRS.map((d) => `${d}/${n}`));
}

/** ELF machine numbers of the architectures Node runs on here. */
const ELF_MACHINE: Record<string, number> = { x64: 62, arm64: 183, ia32: 3, arm: 40 };

/**
 * The module to load: the configured path (which must exist and match this process's
 * architecture), else the first known location present. Throws `token.module` with the reason.
 */
export function findModule(configured: string, arch: string = process.arch): string {
  if (configured) {
    checkModule(configured, arch);
    return configured;
  }
  const found = candidateModules().find((p) => existsSync(p));
  if (!found) {
    throw tokenError('token.module', `no PKCS#11 module configured and none found (looked for ${NAMES.join(', ')} in ${DIRS.join(', ')})`);
  }
  checkModule(found, arch);
  return found;
}

function checkModule(path: string, arch: string): void {
  if (!existsSync(path)) throw tokenError('token.module', `PKCS#11 module ${path} does not exist`);
  const head = Buffer.alloc(20);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    readSync(fd, head, 0, 20, 0);
  } catch (err) {
    throw tokenError('token.module', `PKCS#11 module ${path} cannot be read: ${(err as Error).message}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (head.readUInt32BE(0) !== 0x7f454c46) throw tokenError('token.module', `PKCS#11 module ${path} is not an ELF shared library`);
  const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
  const want = ELF_MACHINE[arch];
  if (want !== undefined && machine !== want) {
    throw tokenError('token.module', `PKCS#11 module ${path} is built for another architecture (ELF machine ${machine}; this process is ${arch})`);
  }
}
