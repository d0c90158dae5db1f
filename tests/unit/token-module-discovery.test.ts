import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { candidateModules, findModule } from '../../drivers/token/module-discovery.js';

const dir = mkdtempSync(join(tmpdir(), 'sohoa-token-module-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A minimal 64-bit little-endian ELF header for the given machine number. */
function elf(machine: number): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; // 64-bit
  b[5] = 1; // little-endian
  b.writeUInt16LE(3, 16); // ET_DYN
  b.writeUInt16LE(machine, 18);
  return b;
}

describe('PKCS#11 module discovery', () => {
  it('knows the VGCA/bit4id, SafeNet, OpenSC and SoftHSM module names in the usual folders', () => {
    const c = candidateModules();
    for (const p of ['/usr/lib/libbit4xpki.so', '/usr/lib/libeTPkcs11.so', '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', '/usr/lib/softhsm/libsofthsm2.so']) {
      expect(c).toContain(p);
    }
  });

  it('without a configured path, finds an installed module (SoftHSM or OpenSC here)', () => {
    expect(findModule('')).toMatch(/(opensc-pkcs11|libsofthsm2)\.so$/);
  });

  it('a configured path that does not exist: token.module naming it', () => {
    expect(() => findModule('/opt/none/libbit4xpki.so')).toThrow(expect.objectContaining({ code: 'token.module', message: expect.stringContaining('/opt/none/libbit4xpki.so') }));
  });

  it('a module for another architecture: token.module saying so', () => {
    const arm = join(dir, 'arm64.so');
    writeFileSync(arm, elf(183));
    expect(() => findModule(arm, 'x64')).toThrow(expect.objectContaining({ code: 'token.module', message: expect.stringMatching(/another architecture/) }));
    expect(findModule(arm, 'arm64')).toBe(arm);
  });

  it('a file that is not a shared library: token.module', () => {
    const txt = join(dir, 'readme.so');
    writeFileSync(txt, 'not a library');
    expect(() => findModule(txt)).toThrow(expect.objectContaining({ code: 'token.module' }));
  });
});
