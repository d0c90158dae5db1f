import pkcs11js from 'pkcs11js';
import { findModule } from './module-discovery.js';
import { CKR, msg, rv } from './pkcs11-codes.js';
import { tokenError } from './token-errors.js';

// The PKCS#11 library itself: loaded, C_Initialize'd and C_Finalize'd here, and every call made
// through call() so each function is counted by name (diagnostics, and proof there are no
// retries). Apart from cryptoki.ts because loading a vendor's module has its own failures and
// its own rule (another thread may have initialised it) that the token logic need not know.

const { PKCS11, CKF_OS_LOCKING_OK } = pkcs11js;
export type P11 = InstanceType<typeof PKCS11>;
/** One PKCS#11 call, counted under `name`. */
export type Call = <T>(name: string, fn: (p: P11) => T) => T;

export class Pkcs11Module {
  private p11: P11 | null = null;
  private initialized = false;
  /** How many times each PKCS#11 function was called. */
  readonly calls: Record<string, number> = {};

  /** `configured`: the module path from the configuration, '' = discover (module-discovery.ts). */
  constructor(private readonly configured: string) {}

  /** The library is loaded (it may still need C_Initialize). */
  get loaded(): boolean {
    return this.p11 !== null;
  }

  readonly call: Call = (name, fn) => {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    if (!this.p11) throw tokenError('token.module', 'PKCS#11 module not loaded');
    return fn(this.p11);
  };

  /** Loads the library and initialises it, each once (again after finalize()). */
  load(): void {
    if (!this.p11) {
      const path = findModule(this.configured);
      const lib = new PKCS11();
      try {
        lib.load(path);
      } catch (err) {
        throw tokenError('token.module', `cannot load PKCS#11 module ${path}: ${msg(err)}`);
      }
      this.p11 = lib;
    }
    if (!this.initialized) {
      try {
        this.call('C_Initialize', (p) => p.C_Initialize({ flags: CKF_OS_LOCKING_OK }));
      } catch (err) {
        // Another thread of this process (a worker abandoned after a hung call) initialised it.
        if (rv(err) !== CKR.ALREADY_INITIALIZED) throw tokenError('token.device', `C_Initialize failed: ${msg(err)}`);
      }
      this.initialized = true;
    }
  }

  /** C_Finalize if initialised (a token already gone is no error); the next load() initialises again. */
  finalize(): void {
    if (this.p11 && this.initialized) {
      try { this.call('C_Finalize', (p) => p.C_Finalize()); } catch { /* already gone */ }
    }
    this.initialized = false;
  }

  /** Unloads the library (after finalize()). */
  unload(): void {
    try { this.p11?.close(); } catch { /* unloaded */ }
    this.p11 = null;
  }
}
