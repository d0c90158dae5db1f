import { SohoaError } from '../errors.js';
import type { AuditAction } from '../register/audit-log.js';
import { LOCK_MS, LoginThrottle, MAX_FAILURES } from './login-throttle.js';
import { hashPin, verifyPin } from './pin-hash.js';
import { SessionStore, type Session } from './sessions.js';
import { normalizeName, type UserStore } from './user-store.js';
import type { AccountsPort, SessionView } from './types.js';

// Logins, sessions and logouts of the desk (AccountsPort), each one in the audit log: who logged
// in, who typed a wrong PIN for which name, who logged out or was logged out after the idle time.

export interface AuditSink {
  recordAudit(actor: string, action: AuditAction, docId: null, detail?: Record<string, unknown>): Promise<void>;
}

export interface AccountServiceOptions {
  store: UserStore;
  audit: AuditSink;
  /** A session ends after this long without a command. */
  idleMs: number;
  now?: () => number;
}

const SWEEP_MS = 30_000;

export class AccountService implements AccountsPort {
  private readonly sessions: SessionStore;
  private readonly throttle: LoginThrottle;
  private readonly now: () => number;
  /** One login at a time: concurrent guesses cannot all pass the lock check before it closes. */
  private logins: Promise<unknown> = Promise.resolve();
  /** Checked against for a name that does not exist, so such a login costs the same time. */
  private decoy: Promise<string> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: AccountServiceOptions) {
    this.now = opts.now ?? Date.now;
    this.sessions = new SessionStore(opts.idleMs, this.now);
    this.throttle = new LoginThrottle(this.now);
  }

  /** Ends idle sessions (and says so in the audit log) every half minute. */
  start(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async names(): Promise<string[]> {
    return (await this.opts.store.list()).map((u) => u.name).sort((a, b) => a.localeCompare(b, 'vi'));
  }

  login(name: string, pin: string): Promise<SessionView & { token: string }> {
    const run = this.logins.then(() => this.checkLogin(normalizeName(name).slice(0, 100), pin));
    this.logins = run.catch(() => undefined);
    return run;
  }

  async session(token: string, opts: { touch?: boolean } = {}): Promise<SessionView | undefined> {
    const s = this.sessions.get(token, opts.touch);
    if (!s) return undefined;
    // Removed by the technician meanwhile: the person can no longer act.
    const user = await this.opts.store.find(s.name);
    if (!user) {
      this.sessions.end(token);
      await this.opts.audit.recordAudit(s.name, 'logout', null, { reason: 'account-removed' });
      return undefined;
    }
    s.role = user.role;
    return view(s);
  }

  isLive(token: string): boolean {
    return this.sessions.get(token) !== undefined;
  }

  async logout(token: string): Promise<boolean> {
    const s = this.sessions.end(token);
    if (!s) return false;
    await this.opts.audit.recordAudit(s.name, 'logout', null, { reason: 'user' });
    return true;
  }

  /** Ends the sessions whose idle time ran out, and those of people removed meanwhile; returns how many. */
  async sweep(): Promise<number> {
    const ended = this.sessions.expired();
    for (const s of ended) {
      await this.opts.audit.recordAudit(s.name, 'logout', null, { reason: 'idle' }).catch(() => undefined);
    }
    let removed = 0;
    for (const s of this.sessions.live()) {
      // session() ends (and audits) the session of a person no longer in users.json; an unreadable
      // users.json ends nobody's.
      const still = await this.session(s.token).catch(() => 'unreadable');
      if (!still) removed++;
    }
    return ended.length + removed;
  }

  private async checkLogin(name: string, pin: string): Promise<SessionView & { token: string }> {
    const key = name.toLocaleLowerCase('vi');
    const lockedUntil = this.throttle.lockedUntil(key);
    if (lockedUntil !== undefined) {
      await this.opts.audit.recordAudit(name, 'login-failed', null, { reason: 'locked' });
      throw lockedError(lockedUntil - this.now());
    }
    const user = await this.opts.store.find(name);
    const matches = await verifyPin(pin, user?.pinHash ?? (await this.decoyHash()));
    if (!user || !matches) {
      const outcome = this.throttle.failed(key);
      await this.opts.audit.recordAudit(name, 'login-failed', null, {
        reason: 'pin', ...(user ? {} : { unknownName: true }), ...(outcome.locked ? { locked: true } : {}),
      });
      if (outcome.locked) throw lockedError(outcome.lockedUntil - this.now());
      throw new SohoaError(
        'session.pin-incorrect',
        `Mã PIN không đúng. Còn ${outcome.triesLeft} lần thử; nhập sai ${MAX_FAILURES} lần, tên này bị khoá đăng nhập ${LOCK_MS / 60_000} phút.`,
        `wrong PIN for ${JSON.stringify(name)} (${outcome.triesLeft} tries left)`,
      );
    }
    this.throttle.succeeded(key);
    const s = this.sessions.open(user.name, user.role);
    await this.opts.audit.recordAudit(user.name, 'login', null, { role: user.role });
    return { token: s.token, ...view(s) };
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= hashPin(String(Math.random()).slice(2, 10));
    return this.decoy;
  }
}

function view(s: Session): SessionView {
  return { name: s.name, role: s.role, expiresAt: new Date(s.expiresAt).toISOString() };
}

function lockedError(msLeft: number): SohoaError {
  const secs = Math.max(1, Math.ceil(msLeft / 1000));
  const left = secs >= 60 ? `${Math.floor(secs / 60)} phút${secs % 60 ? ` ${secs % 60} giây` : ''}` : `${secs} giây`;
  return new SohoaError(
    'session.locked',
    `Đã nhập sai mã PIN ${MAX_FAILURES} lần: tên này bị khoá đăng nhập, hãy thử lại sau ${left}.`,
    `login locked for ${secs} s after ${MAX_FAILURES} wrong PINs`,
  );
}
