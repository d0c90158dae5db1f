import pkcs11js from 'pkcs11js';
import type { ErrorInfo } from '../../appliance/errors.js';
import { SohoaError } from '../../appliance/errors.js';
import { CKR, CKS_RO_USER_FUNCTIONS, CKS_RW_USER_FUNCTIONS, GONE, LOGIN_LOST, msg, rv } from './pkcs11-codes.js';
import { Pkcs11Module, type Call } from './pkcs11-module.js';
import type { WorkerOptions } from './protocol.js';
import { chooseToken } from './select-token.js';
import { ecdsaRawToDer } from './signature-der.js';
import { mechanismsFor, signingInput } from './sign-mechanisms.js';
import { searchSigner, type Signer } from './signer-search.js';
import { pinIncorrect, tokenError } from './token-errors.js';
import { listTokens } from './token-slots.js';
import type { SignMechanism, TokenSlotInfo, TokenStatus } from './token.js';

// The token as the worker thread sees it, synchronous: one selected token, one session, its
// login and the PIN that keeps it, signing, presence polling, and PKCS#11 failures turned into
// token.* errors. The library itself is pkcs11-module.ts; what its numbers mean, pkcs11-codes.ts;
// the tokens present, token-slots.ts; finding the certificate and key, signer-search.ts; which
// mechanism signs, sign-mechanisms.ts.
//
// The PIN: a person types it, the main thread hands it over (its buffer transferred, so the main
// thread keeps no copy) and C_Login checks it. Only a PIN the token ACCEPTED is held, here in this
// thread's memory (a Buffer, zero-filled when dropped), never logged, never written, never sent
// back. It is needed because a qualified signing key often has CKA_ALWAYS_AUTHENTICATE: after
// C_SignInit the token demands C_Login(CKU_CONTEXT_SPECIFIC, PIN) before every C_Sign. It is
// dropped on logout (the clerk's or the idle one), when the token is removed or replaced, when
// any login with it is refused, and with the worker itself (a rebuilt worker starts without one).

const { CKF_SERIAL_SESSION, CKU_USER, CKU_CONTEXT_SPECIFIC } = pkcs11js;

interface Selected { slot: Buffer; info: TokenSlotInfo }

export class Cryptoki {
  private readonly module: Pkcs11Module;
  private current: Selected | null = null;
  private session: Buffer | null = null;
  private loggedIn = false;
  /** The PIN the token last accepted from a person (see the file comment); null when none. */
  private pin: Buffer | null = null;
  private signer: Signer | null = null;
  private lastUse = 0;
  private problem: ErrorInfo | null = null;
  /** One PKCS#11 call, counted. */
  private readonly p: Call;

  constructor(private readonly opts: WorkerOptions) {
    this.module = new Pkcs11Module(opts.module);
    this.p = this.module.call;
  }

  /** How many times each PKCS#11 function was called: diagnostics, and proof there are no retries. */
  get calls(): Record<string, number> {
    return this.module.calls;
  }

  /** Forgets the session and starts the module afresh: how a removed token is noticed and re-found. */
  private reinitialize(): void {
    this.dropSession();
    this.module.finalize();
    this.module.load();
  }

  private dropSession(): void {
    if (this.session && this.module.loaded) {
      try { this.p('C_CloseSession', (p) => p.C_CloseSession(this.session!)); } catch { /* token gone */ }
    }
    this.session = null;
    this.loggedIn = false;
    this.signer = null;
    this.forgetPin();
  }

  /** Drops the held PIN: zero-filled, then released. */
  private forgetPin(): void {
    this.pin?.fill(0);
    this.pin = null;
  }

  /** The session is logged in as far as the token is concerned (another logout ends it for all). */
  private sessionLoggedIn(session: Buffer): boolean {
    const s = this.p('C_GetSessionInfo', (p) => p.C_GetSessionInfo(session)).state;
    return s === CKS_RO_USER_FUNCTIONS || s === CKS_RW_USER_FUNCTIONS;
  }

  /** The selected token now, or null when absent; a different token in its place resets the session. */
  private select(): Selected | null {
    let t: TokenSlotInfo | undefined;
    try {
      t = chooseToken(listTokens(this.p), this.opts.selector);
    } catch (err) {
      // A second token appeared (or the list failed): stop using the one we had until it is clear.
      this.dropSession();
      this.current = null;
      throw err;
    }
    if (!t) {
      if (this.current) this.dropSession();
      this.current = null;
      return null;
    }
    if (this.current && (this.current.info.serial !== t.serial || this.current.info.slotId !== t.slotId)) this.dropSession();
    this.current = { slot: Buffer.from(t.slotId, 'hex'), info: t };
    return this.current;
  }

  /** The selected token, re-initialising the module once when it is not (or no longer) visible. */
  private requireToken(): Selected {
    this.module.load();
    let sel: Selected | null;
    try {
      sel = this.select();
    } catch (err) {
      if (err instanceof SohoaError) throw err;
      sel = null;
    }
    if (!sel) {
      this.reinitialize();
      sel = this.select();
    }
    if (!sel) throw tokenError('token.absent', `no token matching ${JSON.stringify(this.opts.selector)} is present`);
    return sel;
  }

  private openSession(sel: Selected): Buffer {
    if (!this.session) this.session = this.p('C_OpenSession', (p) => p.C_OpenSession(sel.slot, CKF_SERIAL_SESSION));
    return this.session;
  }

  list(): TokenSlotInfo[] {
    this.module.load();
    try {
      return listTokens(this.p);
    } catch {
      this.reinitialize();
      return listTokens(this.p);
    }
  }

  /** The selected token as last seen (for status(); no PKCS#11 call). */
  selected(): TokenSlotInfo | null {
    return this.current?.info ?? null;
  }

  /**
   * Logs in with a PIN a person typed (`pin`: its UTF-8 bytes, owned by this thread from now on;
   * zero-filled unless the token accepts it, then held as the PIN of this login).
   */
  login(pin: Uint8Array): void {
    const typed = Buffer.from(pin.buffer, pin.byteOffset, pin.byteLength);
    this.forgetPin(); // a new PIN from a person replaces whatever was held
    try {
      const sel = this.requireToken();
      if (sel.info.flags.pinLocked) throw tokenError('token.pin-locked', 'token reports CKF_USER_PIN_LOCKED; C_Login not attempted');
      const session = this.openSession(sel);
      // A login left by an abandoned worker is module-wide: end it so this PIN is really checked.
      if (this.sessionLoggedIn(session)) this.p('C_Logout', (p) => p.C_Logout(session));
      this.userLogin(session, typed, 'C_Login');
    } catch (err) {
      typed.fill(0);
      throw err;
    }
    this.pin = typed;
    this.loggedIn = true;
    this.touch();
    try {
      this.findSigner();
    } catch (err) {
      this.logout();
      throw err;
    }
  }

  /** C_Login(CKU_USER); a refused PIN becomes token.pin-incorrect / token.pin-locked with the token's flags. */
  private userLogin(session: Buffer, pin: Buffer, what: string): void {
    try {
      // pkcs11js takes the PIN as a JS string: a short-lived copy that cannot be wiped, never stored.
      this.p('C_Login', (p) => p.C_Login(session, CKU_USER, pin.toString('utf8')));
    } catch (err) {
      throw this.pinRefused(what, err);
    }
  }

  /** The error for a refused C_Login; reads the token's flags again so the clerk sees how close it is to locking. */
  private pinRefused(what: string, err: unknown): SohoaError {
    const code = rv(err);
    if (code === CKR.PIN_INCORRECT || code === CKR.PIN_INVALID || code === CKR.PIN_LEN_RANGE) {
      return pinIncorrect(this.requireToken().info.flags, `${what}: ${msg(err)}`);
    }
    if (code === CKR.PIN_LOCKED) return tokenError('token.pin-locked', `${what}: ${msg(err)}`);
    return this.failure(what, err);
  }

  logout(): void {
    if (this.session && (this.loggedIn || this.pin)) {
      try { this.p('C_Logout', (p) => p.C_Logout(this.session!)); } catch { /* token gone: nothing to log out of */ }
    }
    this.dropSession();
  }

  certificate(): Uint8Array {
    return this.findSigner().cert;
  }

  mechanisms(): SignMechanism[] {
    const sel = this.requireToken();
    const { keyType } = this.findSigner();
    const have = new Set(this.p('C_GetMechanismList', (p) => p.C_GetMechanismList(sel.slot)));
    return mechanismsFor(keyType, have);
  }

  sign(data: Uint8Array, mechanism: SignMechanism): Uint8Array {
    const sel = this.requireToken(); // token.absent takes precedence over "not logged in"
    if (!this.loggedIn && !this.pin) throw tokenError('token.not-logged-in', 'sign() without a login on this token');
    let resumed = false;
    if (!this.loggedIn || !this.stillLoggedIn()) {
      this.resume('the token ended the login (session no longer logged in)');
      resumed = true;
    }
    for (;;) {
      try {
        return this.signOnce(sel, data, mechanism);
      } catch (err) {
        // Some tokens only say so when used: CKR_USER_NOT_LOGGED_IN, or (SoftHSM) the private key's
        // handle vanished with the login. The session's own state tells which it was.
        if (!resumed && !(err instanceof SohoaError) && LOGIN_LOST.has(rv(err)) && this.session && !this.stillLoggedIn()) {
          this.resume(`the token ended the login (${msg(err)})`);
          resumed = true;
          continue;
        }
        throw this.failure('C_Sign', err);
      }
    }
  }

  private stillLoggedIn(): boolean {
    try {
      return this.sessionLoggedIn(this.session!);
    } catch (err) {
      throw this.failure('C_GetSessionInfo', err);
    }
  }

  /**
   * The token ended a login this worker made while the clerk did not log out (a token reset,
   * another application's C_Logout). One C_Login with the held PIN, at most once per signature.
   * This is not retrying a PIN: the held PIN is one the token ACCEPTED for this very login, so the
   * attempt re-establishes a login a person already made; it never repeats a PIN the token
   * refused. And it is only made while the token's flags show no refused PIN since (count low,
   * final try, locked — the PIN may have been changed or mistyped elsewhere): otherwise, or if
   * the token refuses it, the PIN is dropped at once and signing waits for a person to type it.
   */
  private resume(why: string): void {
    const flags = this.requireToken().info.flags; // C_GetTokenInfo now, not the last poll's
    const pin = this.pin;
    if (!pin || !this.session || flags.pinLocked || flags.pinFinalTry || flags.pinCountLow) {
      this.logout();
      if (flags.pinLocked) throw tokenError('token.pin-locked', `${why}; token reports CKF_USER_PIN_LOCKED, no login attempted`);
      throw tokenError('token.not-logged-in', pin
        ? `${why}; the token reports a refused PIN since (${flags.pinFinalTry ? 'CKF_USER_PIN_FINAL_TRY' : 'CKF_USER_PIN_COUNT_LOW'}), so the held PIN is not tried: a person must enter it`
        : `${why}; no PIN entered by a person is held, no login attempted`);
    }
    try {
      this.userLogin(this.session, pin, `C_Login again after ${why}`);
    } catch (err) {
      this.logout();
      throw err;
    }
    this.loggedIn = true;
    this.signer = null; // key handles may not survive a logout
  }

  private signOnce(sel: Selected, data: Uint8Array, mechanism: SignMechanism): Uint8Array {
    const signer = this.findSigner();
    if (!signer.key) throw tokenError('token.not-logged-in', 'the private key is only visible after login');
    const session = this.session!;
    const have = new Set(this.p('C_GetMechanismList', (p) => p.C_GetMechanismList(sel.slot)));
    const { mech, input } = signingInput(mechanism, signer.keyType, have, data);
    if (signer.alwaysAuth && !this.pin) {
      // Logged in by an earlier (abandoned) worker of this process: no PIN from a person here.
      this.logout();
      throw tokenError('token.not-logged-in', 'the key demands the PIN before each signature (CKA_ALWAYS_AUTHENTICATE) and no PIN entered by a person is held');
    }
    this.p('C_SignInit', (p) => p.C_SignInit(session, mech, signer.key!));
    if (signer.alwaysAuth) this.contextLogin(session);
    const sig = this.p('C_Sign', (p) => p.C_Sign(session, input, Buffer.alloc(1024)));
    this.touch();
    return signer.keyType === 'ec' ? ecdsaRawToDer(sig) : new Uint8Array(sig);
  }

  /**
   * The login right before signing that a CKA_ALWAYS_AUTHENTICATE key demands, with the held PIN.
   * Refused (PIN changed meanwhile, count low, locked): never tried again — the PIN is dropped,
   * the token logged out, and the error carries the token's flags; a person must enter the PIN.
   */
  private contextLogin(session: Buffer): void {
    try {
      // Counted apart from CKU_USER logins, so calls() shows one per signature.
      this.p('C_Login(CKU_CONTEXT_SPECIFIC)', (p) => p.C_Login(session, CKU_CONTEXT_SPECIFIC, this.pin!.toString('utf8')));
    } catch (err) {
      this.logout(); // also ends the signing operation left initialised (the session is closed)
      throw this.pinRefused('C_Login(CKU_CONTEXT_SPECIFIC) before C_Sign', err);
    }
  }

  /** A failed call: token.absent when the token has gone, else token.device. */
  private failure(fn: string, err: unknown): SohoaError {
    if (err instanceof SohoaError) return err;
    if (rv(err) === CKR.USER_NOT_LOGGED_IN) {
      this.dropSession();
      return tokenError('token.not-logged-in', `${fn}: ${msg(err)}`);
    }
    if (GONE.has(rv(err))) {
      try {
        this.requireToken();
      } catch (again) {
        if (again instanceof SohoaError) return again.code === 'token.absent' ? tokenError('token.absent', `${fn}: ${msg(err)}; token no longer present`) : again;
      }
      this.dropSession();
    }
    return tokenError('token.device', `${fn}: ${msg(err)}`);
  }

  /** The certificate (X.509, not a CA) and, once logged in, the private key with the same CKA_ID. */
  private findSigner(): Signer {
    if (this.signer && (this.signer.key || !this.loggedIn)) return this.signer;
    const sel = this.requireToken();
    const session = this.openSession(sel);
    return (this.signer = searchSigner(this.p, session, sel.info.label, this.loggedIn));
  }

  private touch(): void {
    this.lastUse = Date.now();
  }

  /**
   * One presence check (the worker calls it every pollMs): notices removal, re-insertion, a
   * different token, the PIN flags, and logs out after the idle time. Returns the state.
   */
  poll(): TokenStatus {
    this.problem = null;
    try {
      if ((this.loggedIn || this.pin) && this.opts.idleLogoutMs > 0 && Date.now() - this.lastUse > this.opts.idleLogoutMs) this.logout();
      this.requireToken();
      if (this.session) {
        // A login the token ended by itself shows here as "not logged in"; the held PIN stays
        // for the one re-login sign() may make (see resume()) until logout, idle or removal.
        this.loggedIn = this.sessionLoggedIn(this.session);
        if (!this.loggedIn) this.signer = null;
      }
    } catch (err) {
      if (err instanceof SohoaError) {
        if (err.code !== 'token.absent') this.problem = err.toInfo();
      } else {
        // The token vanished between two calls; the next poll re-initialises and looks again.
        this.dropSession();
        this.current = null;
      }
    }
    return this.status();
  }

  status(): TokenStatus {
    const t = this.current?.info;
    return {
      present: Boolean(t),
      label: t?.label ?? null,
      serial: t?.serial ?? null,
      loggedIn: Boolean(t) && this.loggedIn,
      pinCountLow: t?.flags.pinCountLow ?? false,
      pinFinalTry: t?.flags.pinFinalTry ?? false,
      pinLocked: t?.flags.pinLocked ?? false,
      error: this.problem,
    };
  }

  close(): void {
    this.logout();
    this.module.finalize();
    this.current = null;
    this.module.unload();
  }
}
