import { X509Certificate } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { ErrorInfo } from '../../appliance/errors.js';
import { SohoaError } from '../../appliance/errors.js';
import { findModule } from './module-discovery.js';
import type { WorkerOptions } from './protocol.js';
import { chooseToken, cleanField } from './select-token.js';
import { ecdsaRawToDer, sha256, sha256DigestInfo } from './signature-der.js';
import { pinIncorrect, tokenError } from './token-errors.js';
import type { SignMechanism, TokenFlags, TokenSlotInfo, TokenStatus } from './token.js';

// Everything PKCS#11, synchronous, inside the token worker thread. One selected token, one
// session.
//
// The PIN: a person types it, the main thread hands it over (its buffer transferred, so the main
// thread keeps no copy) and C_Login checks it. Only a PIN the token ACCEPTED is held, here in this
// thread's memory (a Buffer, zero-filled when dropped), never logged, never written, never sent
// back. It is needed because a qualified signing key often has CKA_ALWAYS_AUTHENTICATE: after
// C_SignInit the token demands C_Login(CKU_CONTEXT_SPECIFIC, PIN) before every C_Sign. It is
// dropped on logout (the clerk's or the idle one), when the token is removed or replaced, when
// any login with it is refused, and with the worker itself (a rebuilt worker starts without one).

const {
  PKCS11, CKF_OS_LOCKING_OK, CKF_SERIAL_SESSION, CKU_USER, CKU_CONTEXT_SPECIFIC, CKA_ALWAYS_AUTHENTICATE, CKO_CERTIFICATE, CKO_PRIVATE_KEY, CKA_CLASS,
  CKA_ID, CKA_VALUE, CKA_CERTIFICATE_TYPE, CKC_X_509, CKA_SIGN, CKF_TOKEN_INITIALIZED, CKF_LOGIN_REQUIRED,
  CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED, CKM_SHA256_RSA_PKCS, CKM_RSA_PKCS,
  CKM_SHA256_RSA_PKCS_PSS, CKM_SHA256, CKG_MGF1_SHA256, CK_PARAMS_RSA_PSS, CKM_ECDSA, CKM_ECDSA_SHA256,
} = pkcs11js;
type P11 = InstanceType<typeof PKCS11>;

const CKS_RO_USER_FUNCTIONS = 1;
const CKS_RW_USER_FUNCTIONS = 3;
const CKR = {
  ALREADY_INITIALIZED: 0x191, USER_ALREADY_LOGGED_IN: 0x100, PIN_INCORRECT: 0xa0, PIN_INVALID: 0xa1,
  PIN_LEN_RANGE: 0xa2, PIN_LOCKED: 0xa4, USER_NOT_LOGGED_IN: 0x101, NOT_INITIALIZED: 0x190,
  KEY_HANDLE_INVALID: 0x60, OBJECT_HANDLE_INVALID: 0x82,
} as const;
/** Return values meaning the token (or its session) went away under us. */
const GONE = new Set([0x30 /* DEVICE_ERROR */, 0x32 /* DEVICE_REMOVED */, 0xe0 /* TOKEN_NOT_PRESENT */, 0xe1 /* NOT_RECOGNIZED */,
  0xb0 /* SESSION_CLOSED */, 0xb3 /* SESSION_HANDLE_INVALID */, 0x05 /* GENERAL_ERROR */, 0x03 /* SLOT_ID_INVALID */, CKR.NOT_INITIALIZED]);

/** What a call answers when the token ended the login under us (SoftHSM: the key's handle goes with it). */
const LOGIN_LOST = new Set<number>([CKR.USER_NOT_LOGGED_IN, CKR.KEY_HANDLE_INVALID, CKR.OBJECT_HANDLE_INVALID]);

const rv = (err: unknown): number => (typeof (err as { code?: unknown })?.code === 'number' ? (err as { code: number }).code : -1);
const msg = (err: unknown): string => (err as Error)?.message ?? String(err);

interface Selected { slot: Buffer; info: TokenSlotInfo }
interface Signer {
  cert: Buffer;
  id: Buffer;
  key: Buffer | null;
  keyType: 'rsa' | 'ec';
  /** CKA_ALWAYS_AUTHENTICATE: the key wants C_Login(CKU_CONTEXT_SPECIFIC) after each C_SignInit. */
  alwaysAuth: boolean;
}

export class Cryptoki {
  private p11: P11 | null = null;
  private initialized = false;
  private current: Selected | null = null;
  private session: Buffer | null = null;
  private loggedIn = false;
  /** The PIN the token last accepted from a person (see the file comment); null when none. */
  private pin: Buffer | null = null;
  private signer: Signer | null = null;
  private lastUse = 0;
  private problem: ErrorInfo | null = null;
  /** How many times each PKCS#11 function was called: diagnostics, and proof there are no retries. */
  readonly calls: Record<string, number> = {};

  constructor(private readonly opts: WorkerOptions) {}

  private p<T>(name: string, fn: (p: P11) => T): T {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    if (!this.p11) throw tokenError('token.module', 'PKCS#11 module not loaded');
    return fn(this.p11);
  }

  private load(): void {
    if (!this.p11) {
      const path = findModule(this.opts.module);
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
        this.p('C_Initialize', (p) => p.C_Initialize({ flags: CKF_OS_LOCKING_OK }));
      } catch (err) {
        // Another thread of this process (a worker abandoned after a hung call) initialised it.
        if (rv(err) !== CKR.ALREADY_INITIALIZED) throw tokenError('token.device', `C_Initialize failed: ${msg(err)}`);
      }
      this.initialized = true;
    }
  }

  /** Forgets the session and starts the module afresh: how a removed token is noticed and re-found. */
  private reinitialize(): void {
    this.dropSession();
    if (this.p11 && this.initialized) {
      try { this.p('C_Finalize', (p) => p.C_Finalize()); } catch { /* already gone */ }
    }
    this.initialized = false;
    this.load();
  }

  private dropSession(): void {
    if (this.session && this.p11) {
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

  private scan(): TokenSlotInfo[] {
    const out: TokenSlotInfo[] = [];
    for (const slot of this.p('C_GetSlotList', (p) => p.C_GetSlotList(true))) {
      const t = this.p('C_GetTokenInfo', (p) => p.C_GetTokenInfo(slot));
      if (!(t.flags & CKF_TOKEN_INITIALIZED)) continue; // an empty slot (SoftHSM keeps one free) cannot sign
      out.push({
        slotId: slot.toString('hex'),
        label: cleanField(t.label),
        serial: cleanField(t.serialNumber),
        manufacturer: cleanField(t.manufacturerID),
        model: cleanField(t.model),
        flags: flagsOf(t.flags),
      });
    }
    return out;
  }

  /** The selected token now, or null when absent; a different token in its place resets the session. */
  private select(): Selected | null {
    let t: TokenSlotInfo | undefined;
    try {
      t = chooseToken(this.scan(), this.opts.selector);
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
    this.load();
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
    this.load();
    try {
      return this.scan();
    } catch {
      this.reinitialize();
      return this.scan();
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
    const out: SignMechanism[] = [];
    if (keyType === 'rsa') {
      if (have.has(CKM_SHA256_RSA_PKCS) || have.has(CKM_RSA_PKCS)) out.push('RSA-PKCS1-SHA256');
      if (have.has(CKM_SHA256_RSA_PKCS_PSS)) out.push('RSA-PSS-SHA256');
    } else if (have.has(CKM_ECDSA_SHA256) || have.has(CKM_ECDSA)) {
      out.push('ECDSA-SHA256');
    }
    return out;
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
    let mech: { mechanism: number; parameter?: unknown };
    let input: Buffer;
    if (mechanism === 'RSA-PKCS1-SHA256' && signer.keyType === 'rsa') {
      // Tokens without the combined mechanism still sign a DigestInfo with raw CKM_RSA_PKCS.
      [mech, input] = have.has(CKM_SHA256_RSA_PKCS) ? [{ mechanism: CKM_SHA256_RSA_PKCS }, Buffer.from(data)] : [{ mechanism: CKM_RSA_PKCS }, sha256DigestInfo(data)];
    } else if (mechanism === 'RSA-PSS-SHA256' && signer.keyType === 'rsa' && have.has(CKM_SHA256_RSA_PKCS_PSS)) {
      mech = { mechanism: CKM_SHA256_RSA_PKCS_PSS, parameter: { type: CK_PARAMS_RSA_PSS, hashAlg: CKM_SHA256, mgf: CKG_MGF1_SHA256, saltLen: 32 } };
      input = Buffer.from(data);
    } else if (mechanism === 'ECDSA-SHA256' && signer.keyType === 'ec') {
      [mech, input] = have.has(CKM_ECDSA_SHA256) ? [{ mechanism: CKM_ECDSA_SHA256 }, Buffer.from(data)] : [{ mechanism: CKM_ECDSA }, sha256(data)];
    } else {
      throw tokenError('token.key-missing', `the token's ${signer.keyType.toUpperCase()} key cannot sign with ${mechanism}`);
    }
    if (signer.alwaysAuth && !this.pin) {
      // Logged in by an earlier (abandoned) worker of this process: no PIN from a person here.
      this.logout();
      throw tokenError('token.not-logged-in', 'the key demands the PIN before each signature (CKA_ALWAYS_AUTHENTICATE) and no PIN entered by a person is held');
    }
    this.p('C_SignInit', (p) => p.C_SignInit(session, mech as pkcs11js.Mechanism, signer.key!));
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
    const certs = this.find(session, [{ type: CKA_CLASS, value: CKO_CERTIFICATE }, { type: CKA_CERTIFICATE_TYPE, value: CKC_X_509 }]);
    const candidates: Signer[] = [];
    for (const h of certs) {
      const attrs = this.p('C_GetAttributeValue', (p) => p.C_GetAttributeValue(session, h, [{ type: CKA_VALUE }, { type: CKA_ID }]));
      const der = attrs[0]?.value;
      const id = attrs[1]?.value;
      if (!der || !id) continue;
      let x: X509Certificate;
      try { x = new X509Certificate(der); } catch { continue; }
      if (x.ca) continue;
      const keyType = x.publicKey.asymmetricKeyType === 'ec' ? 'ec' : 'rsa';
      candidates.push({ cert: Buffer.from(der), id: Buffer.from(id), key: null, keyType, alwaysAuth: false });
    }
    if (candidates.length === 0) throw tokenError('token.certificate', `token "${sel.info.label}" holds no end-entity X.509 certificate`);
    if (!this.loggedIn) return (this.signer = candidates[0]!);
    for (const c of candidates) {
      const keys = this.find(session, [{ type: CKA_CLASS, value: CKO_PRIVATE_KEY }, { type: CKA_ID, value: c.id }, { type: CKA_SIGN, value: true }]);
      if (keys[0]) return (this.signer = { ...c, key: keys[0], alwaysAuth: this.alwaysAuthenticate(session, keys[0]) });
    }
    throw tokenError('token.key-missing', `no private signing key on "${sel.info.label}" has the CKA_ID of its certificate (${candidates.map((c) => c.id.toString('hex')).join(', ')})`);
  }

  /** CKA_ALWAYS_AUTHENTICATE of a private key; tokens that do not know the attribute do not demand it. */
  private alwaysAuthenticate(session: Buffer, key: Buffer): boolean {
    try {
      const v = this.p('C_GetAttributeValue', (p) => p.C_GetAttributeValue(session, key, [{ type: CKA_ALWAYS_AUTHENTICATE }]))[0]?.value;
      return Buffer.isBuffer(v) ? v.some((b) => b !== 0) : Boolean(v);
    } catch {
      return false;
    }
  }

  private find(session: Buffer, template: pkcs11js.Template): Buffer[] {
    this.p('C_FindObjectsInit', (p) => p.C_FindObjectsInit(session, template));
    try {
      return this.p('C_FindObjects', (p) => p.C_FindObjects(session, 64));
    } finally {
      this.p('C_FindObjectsFinal', (p) => p.C_FindObjectsFinal(session));
    }
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
    if (this.p11 && this.initialized) {
      try { this.p('C_Finalize', (p) => p.C_Finalize()); } catch { /* nothing to finalize */ }
    }
    this.initialized = false;
    this.current = null;
    try { this.p11?.close(); } catch { /* unloaded */ }
    this.p11 = null;
  }
}

function flagsOf(f: number): TokenFlags {
  return {
    loginRequired: Boolean(f & CKF_LOGIN_REQUIRED),
    pinCountLow: Boolean(f & CKF_USER_PIN_COUNT_LOW),
    pinFinalTry: Boolean(f & CKF_USER_PIN_FINAL_TRY),
    pinLocked: Boolean(f & CKF_USER_PIN_LOCKED),
  };
}
