import { SohoaError } from '../errors.js';
import { unlessDiskFull } from '../store/disk-guard.js';
import type { Logger } from '../log.js';
import type { AuditAction } from '../register/audit-log.js';
import { LOCK_MS, LoginThrottle, MAX_FAILURES } from './login-throttle.js';
import { hashPin, verifyPin } from './pin-hash.js';
import { SessionFile } from './session-file.js';
import { pinStampOf, SessionStore, tokenId, type Session } from './sessions.js';
import { normalizeName, type UserStore } from './user-store.js';
import type { AccountsPort, AccountView, Role, SessionView } from './types.js';

// Logins, sessions and logouts of the desk (AccountsPort), each one in the audit log: who logged
// in, who typed a wrong PIN for which name, who logged out or was logged out (idle, removed, PIN
// reset). users.json is read on every lookup, so what the technician changes with `sohoa users`
// in another process counts at the next request (and within half a minute for sessions that only
// watch the event stream). Sessions and locks are kept in the session file when one is given.

export interface AuditSink {
  recordAudit(actor: string, action: AuditAction, docId: null, detail?: Record<string, unknown>): Promise<void>;
}

export interface AccountServiceOptions {
  store: UserStore;
  audit: AuditSink;
  /** A session ends after this long without a command. */
  idleMs: number;
  /** `<dataDir>/sessions.json`: sessions and locks survive a restart. Without it, memory only. */
  statePath?: string;
  log?: Logger;
  now?: () => number;
}

const SWEEP_MS = 30_000;

type EndReason = 'user' | 'idle' | 'account-removed' | 'pin-reset';

const sameName = (a: string, b: string) => normalizeName(a).toLocaleLowerCase('vi') === normalizeName(b).toLocaleLowerCase('vi');

export class AccountService implements AccountsPort {
  private readonly sessions: SessionStore;
  private readonly throttle: LoginThrottle;
  private readonly file: SessionFile | null;
  private readonly now: () => number;
  private loaded: Promise<void> | null = null;
  /** One login at a time: concurrent guesses cannot all pass the lock check before it closes. */
  private logins: Promise<unknown> = Promise.resolve();
  /** Checked against for a name that does not exist, so such a login costs the same time. */
  private decoy: Promise<string> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: AccountServiceOptions) {
    this.now = opts.now ?? Date.now;
    this.sessions = new SessionStore(opts.idleMs, this.now);
    this.throttle = new LoginThrottle(this.now);
    this.file = opts.statePath
      ? new SessionFile(opts.statePath, () => ({ sessions: this.sessions.snapshot(), locks: this.throttle.snapshot() }))
      : null;
  }

  /** Loads the kept sessions and locks, then ends idle sessions (and says so) every half minute. */
  async start(): Promise<void> {
    await this.ready();
    await this.sweep();
    this.timer = setInterval(() => void this.sweep().catch((err: unknown) => this.opts.log?.error({ err }, 'session sweep failed')), SWEEP_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.file?.flush();
  }

  async names(): Promise<string[]> {
    return (await this.opts.store.list()).map((u) => u.name).sort((a, b) => a.localeCompare(b, 'vi'));
  }

  login(name: string, pin: string): Promise<SessionView & { token: string }> {
    const run = this.logins.then(async () => {
      await this.ready();
      return this.checkLogin(normalizeName(name).slice(0, 100), pin);
    });
    this.logins = run.catch(() => undefined);
    return run;
  }

  async session(token: string, opts: { touch?: boolean } = {}): Promise<SessionView | undefined> {
    await this.ready();
    const s = this.sessions.get(token, opts.touch);
    if (!s) return undefined;
    if (!(await this.stillAllowed(s))) return undefined;
    if (opts.touch) void this.save();
    return view(s);
  }

  isLive(token: string): boolean {
    return this.sessions.get(token) !== undefined;
  }

  async logout(token: string): Promise<boolean> {
    await this.ready();
    const s = this.sessions.end(tokenId(token));
    if (!s) return false;
    await this.ended(s, 'user');
    return true;
  }

  /** Ends the sessions whose idle time ran out, and those of people removed or with a new PIN; returns how many. */
  async sweep(): Promise<number> {
    await this.ready();
    const expired = this.sessions.expired();
    for (const s of expired) await this.ended(s, 'idle').catch(() => undefined);
    let others = 0;
    for (const s of this.sessions.live()) {
      // An unreadable users.json ends nobody's session.
      if (!(await this.stillAllowed(s).catch(() => true))) others++;
    }
    return expired.length + others;
  }

  async accounts(): Promise<AccountView[]> {
    return (await this.opts.store.list()).map(({ name, role }) => ({ name, role }));
  }

  async addAccount(name: string, role: Role, pin: string, actor: string): Promise<AccountView> {
    const u = await this.opts.store.add(name, role, pin);
    await this.opts.audit.recordAudit(actor, 'account-added', null, { name: u.name, role: u.role });
    return { name: u.name, role: u.role };
  }

  async removeAccount(name: string, actor: string): Promise<AccountView> {
    if (sameName(name, actor)) {
      throw new SohoaError('account.invalid', 'Không thể tự xoá tài khoản của chính mình. Hãy nhờ một kỹ thuật viên khác.', 'a person cannot remove their own account');
    }
    const u = await this.opts.store.remove(name);
    await this.opts.audit.recordAudit(actor, 'account-removed', null, { name: u.name, role: u.role });
    await this.endSessionsOf(u.name, 'account-removed');
    return { name: u.name, role: u.role };
  }

  async resetPin(name: string, pin: string, actor: string): Promise<AccountView> {
    const u = await this.opts.store.resetPin(name, pin);
    await this.opts.audit.recordAudit(actor, 'pin-reset', null, { name: u.name });
    await this.endSessionsOf(u.name, 'pin-reset');
    return { name: u.name, role: u.role };
  }

  private ready(): Promise<void> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  private async load(): Promise<void> {
    if (!this.file) return;
    try {
      const state = await this.file.load();
      if (!state) return;
      this.sessions.restore(state.sessions);
      this.throttle.restore(state.locks);
    } catch (err) {
      // Sessions are not documents: with the file unreadable, people log in again.
      this.opts.log?.error({ err, path: this.file.path }, 'session file unreadable: everybody logs in again, login locks start afresh');
    }
  }

  private save(): Promise<void> {
    if (!this.file) return Promise.resolve();
    return this.file.save().catch((err: unknown) => this.opts.log?.error({ err }, 'could not save the sessions (they end at the next restart)'));
  }

  /** Whether the session's person is still there with the PIN they logged in with; ends it otherwise. */
  private async stillAllowed(s: Session): Promise<boolean> {
    const user = await this.opts.store.find(s.name);
    const reason: EndReason | null = !user ? 'account-removed' : pinStampOf(user.pinHash) !== s.pinStamp ? 'pin-reset' : null;
    if (reason) {
      if (this.sessions.end(s.id)) await this.ended(s, reason);
      return false;
    }
    s.role = user!.role; // a role changed by the technician counts at once
    return true;
  }

  private async endSessionsOf(name: string, reason: EndReason): Promise<void> {
    for (const s of this.sessions.live()) {
      if (sameName(s.name, name) && this.sessions.end(s.id)) await this.ended(s, reason);
    }
  }

  private async ended(s: Session, reason: EndReason): Promise<void> {
    await this.save();
    await unlessDiskFull(() => this.opts.audit.recordAudit(s.name, 'logout', null, { reason }), this.opts.log, `audit line "logout" of ${s.name}`);
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
      await this.save();
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
    const { token, session } = this.sessions.open(user.name, user.role, pinStampOf(user.pinHash));
    await this.save();
    // On a full disk the desk still opens (to view, and to see why nothing new is taken): the line is logged as missing.
    await unlessDiskFull(() => this.opts.audit.recordAudit(user.name, 'login', null, { role: user.role }), this.opts.log, `audit line "login" of ${user.name}`);
    return { token, ...view(session) };
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
