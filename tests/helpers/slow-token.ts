import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { projectPath } from '../../appliance/config/paths.js';

/**
 * Builds the slow-sign PKCS#11 module (tests/fixtures/token/slow-pkcs11.c: SoftHSM, except that
 * C_Sign sleeps while the file named by $SOHOA_SLOW_SIGN_FLAG exists) into `dir`; returns its path.
 * A token that hangs inside a native call, as a stuck USB token does.
 */
export function buildSlowSignModule(dir: string): string {
  const module = join(dir, 'slow-pkcs11.so');
  // (-w: the OASIS headers redefine the platform macros the file sets for them)
  execFileSync('gcc', ['-shared', '-fPIC', '-w', '-I', projectPath('node_modules', 'pkcs11js', 'includes'), '-o', module,
    projectPath('tests', 'fixtures', 'token', 'slow-pkcs11.c'), '-ldl'], { timeout: 120_000, killSignal: 'SIGKILL' });
  return module;
}
