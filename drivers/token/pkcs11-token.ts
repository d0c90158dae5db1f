import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { projectPath } from '../../appliance/config/paths.js';
import type { Logger } from '../../appliance/log.js';
import type { SohoaError } from '../../appliance/errors.js';
import type { FromWorker, Request, Results, WorkerOptions } from './protocol.js';
import { fromInfo, tokenError } from './token-errors.js';
import type { SignMechanism, SigningToken, TokenSlotInfo, TokenStatus } from './token.js';

// The agency's PKCS#11 token, driven from a worker thread. This side only routes requests,
// enforces a deadline on each (a hung token → 'token.timeout', the worker is replaced) and keeps
// the last state the worker reported, so status()/state() never wait on the token.

export interface Pkcs11TokenOptions {
  /** PKCS#11 module path; '' = discover the known locations. */
  module: string;
  label?: string;
  serial?: string;
  /** Environment the module reads (e.g. SOFTHSM2_CONF); set on this process before the worker loads it. */
  env?: Record<string, string>;
  /** Deadline of one token call; real tokens take 0.1–10 s per signature. */
  callTimeoutMs?: number;
  /** Presence check interval (token pulled out / put back). */
  pollMs?: number;
  /** Log out after this long without signing; 0 = never. */
  idleLogoutMs?: number;
  log?: Logger;
}

const ABSENT: TokenStatus = { present: false, label: null, serial: null, loggedIn: false, pinCountLow: false, pinFinalTry: false, pinLocked: false, error: null };

interface Pending { op: Request['op']; resolve(v: unknown): void; reject(e: SohoaError): void; timer: NodeJS.Timeout }

/** The compiled worker: beside this file in dist/, or dist/ when this runs from source (vitest). */
function workerFile(): string {
  const here = fileURLToPath(new URL('./token-worker.js', import.meta.url));
  return existsSync(here) ? here : projectPath('dist', 'drivers', 'token', 'token-worker.js');
}

export class Pkcs11Token implements SigningToken {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private current: TokenStatus = ABSENT;
  private info: TokenSlotInfo | null = null;
  private readonly listeners = new Set<(s: TokenStatus) => void>();
  private closing = false;
  /** Workers replaced after a hung call (diagnostics). */
  restarts = 0;
  /**
   * Replaced workers whose thread has not ended yet: still inside a native call. Such a thread
   * holds the process even through process.exit(); only a kill ends it (sohoa selftest).
   */
  abandonedThreads = 0;
  /** The worker has looked at the token at least once: state() is what it found, not a default. */
  reported = false;

  constructor(private readonly opts: Pkcs11TokenOptions) {}

  /**
   * Starts the worker and resolves once it has loaded the module and reported the token's state
   * (or died trying), so the service announces itself ready with a token state that is true. A
   * module that hangs while loading does not hold the service back beyond `startTimeoutMs`.
   */
  async start(startTimeoutMs = 15_000): Promise<void> {
    // Native code reads the real process environment, which only the main thread can change.
    for (const [k, v] of Object.entries(this.opts.env ?? {})) process.env[k] = v;
    const w = this.spawn();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        w.off('message', done).off('error', done).off('exit', done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.opts.log?.warn({ ms: startTimeoutMs }, 'token worker has not reported the token state yet');
        done();
      }, startTimeoutMs);
      w.on('message', done).on('error', done).on('exit', done);
    });
  }

  private spawn(): Worker {
    const workerData: WorkerOptions = {
      module: this.opts.module,
      selector: { label: this.opts.label || undefined, serial: this.opts.serial || undefined },
      pollMs: this.opts.pollMs ?? 500,
      idleLogoutMs: this.opts.idleLogoutMs ?? 30 * 60_000,
    };
    const w = new Worker(workerFile(), { workerData });
    w.unref(); // the service's own handles keep the process alive, not the token
    w.on('message', (m: FromWorker) => this.onMessage(w, m));
    w.on('error', (err) => this.lost(w, tokenError('token.device', `token worker failed: ${err.message}`)));
    w.on('exit', (code) => this.lost(w, tokenError('token.device', `token worker exited (${code})`)));
    this.worker = w;
    return w;
  }

  private onMessage(w: Worker, m: FromWorker): void {
    if (w !== this.worker) return; // an abandoned worker finishing a hung call
    if (m.kind === 'state') {
      this.reported = true;
      this.info = m.info;
      this.setState(m.state);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.value);
    else {
      // The code and the driver's detail only: neither ever holds the PIN.
      this.opts.log?.warn({ op: p.op, code: m.error.code, detail: m.error.detail }, 'token call failed');
      p.reject(fromInfo(m.error));
    }
  }

  /** The worker is gone or stuck: fail what waited on it and start a fresh one. */
  private lost(w: Worker, err: SohoaError): void {
    if (w !== this.worker || this.closing) return;
    this.worker = null;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    // A thread blocked inside a native call cannot be interrupted: it ends when the call returns.
    this.abandonedThreads++;
    w.once('exit', () => { this.abandonedThreads--; });
    void w.terminate();
    this.opts.log?.warn({ code: err.code, detail: err.message }, 'token worker replaced');
    this.setState({ ...this.current, loggedIn: false, error: err.toInfo() });
    this.restarts++;
    this.spawn();
  }

  private setState(s: TokenStatus): void {
    if (JSON.stringify(s) === JSON.stringify(this.current)) return;
    const was = this.current;
    this.current = s;
    if (was.present !== s.present || was.loggedIn !== s.loggedIn || was.pinCountLow !== s.pinCountLow || was.pinFinalTry !== s.pinFinalTry || was.pinLocked !== s.pinLocked || was.error?.code !== s.error?.code) {
      this.opts.log?.info({ token: s }, 'token state');
    }
    for (const fn of this.listeners) fn(s);
  }

  private request<K extends Request['op']>(req: Extract<Request, { op: K }>, transfer: ArrayBuffer[] = []): Promise<Results[K]> {
    if (!this.worker) this.spawn();
    const w = this.worker!;
    const id = this.nextId++;
    const ms = this.opts.callTimeoutMs ?? 30_000;
    return new Promise<Results[K]>((resolve, reject) => {
      const timer = setTimeout(() => this.lost(w, tokenError('token.timeout', `token call '${req.op}' did not answer within ${ms} ms`)), ms);
      this.pending.set(id, { op: req.op, resolve: resolve as (v: unknown) => void, reject, timer });
      w.postMessage({ id, req }, transfer);
    });
  }

  list(): Promise<TokenSlotInfo[]> {
    return this.request({ op: 'list' });
  }

  /**
   * The PIN goes to the worker as bytes whose buffer is transferred (detached here): the worker
   * alone holds it from then on, and only while the token accepts it (see cryptoki.ts).
   */
  async login(pin: string): Promise<void> {
    const bytes = new TextEncoder().encode(pin); // its own ArrayBuffer (Buffer.from may share a pool)
    await this.request({ op: 'login', pin: bytes }, [bytes.buffer as ArrayBuffer]);
  }

  async logout(): Promise<void> {
    await this.request({ op: 'logout' });
  }

  certificate(): Promise<Uint8Array> {
    return this.request({ op: 'certificate' });
  }

  mechanisms(): Promise<SignMechanism[]> {
    return this.request({ op: 'mechanisms' });
  }

  sign(data: Uint8Array, mechanism: SignMechanism = 'RSA-PKCS1-SHA256'): Promise<Uint8Array> {
    return this.request({ op: 'sign', data, mechanism });
  }

  async status(): Promise<TokenSlotInfo & { present: boolean; loggedIn: boolean } | { present: false; loggedIn: false }> {
    if (!this.current.present || !this.info) return { present: false, loggedIn: false };
    return { ...this.info, present: true, loggedIn: this.current.loggedIn };
  }

  state(): TokenStatus {
    return this.current;
  }

  onChange(fn: (s: TokenStatus) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** PKCS#11 calls made by the current worker, by function name (diagnostics; proves no PIN retry). */
  calls(): Promise<Record<string, number>> {
    return this.request({ op: 'calls' });
  }

  async close(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.closing = true;
    try {
      await this.request({ op: 'close' });
    } catch {
      /* a hung or dead worker: terminating is all that is left */
    }
    this.worker = null;
    await w.terminate();
    this.closing = false;
    this.setState(ABSENT);
  }
}
