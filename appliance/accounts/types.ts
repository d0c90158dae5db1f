// The people who may use the desk, and what the HTTP layer may ask about them. No HTTP here: the
// API depends on AccountsPort only.

export type Role = 'clerk' | 'technician';

/** One person as stored in `<dataDir>/users.json`: the PIN only as a salted scrypt hash. */
export interface UserRecord {
  /** Vietnamese full name, NFC, single spaces: the name the audit log shows. */
  name: string;
  role: Role;
  pinHash: string;
}

/** What the technician's account list shows of a person. */
export interface AccountView {
  name: string;
  role: Role;
}

/** What anyone may know of a live session (the token is handed out once, at login). */
export interface SessionView {
  name: string;
  role: Role;
  /** ISO time at which the session ends if nothing is done before it. */
  expiresAt: string;
}

export interface AccountsPort {
  /** The names for the login picker, sorted the Vietnamese way; nothing else about the people. */
  names(): Promise<string[]>;
  /**
   * Checks the PIN under the lockout rules and opens a session. Throws SohoaError
   * `session.pin-incorrect` (also for a name that does not exist) or `session.locked`.
   */
  login(name: string, pin: string): Promise<SessionView & { token: string }>;
  /**
   * The live session of a token, or undefined (also once the person was removed or their PIN
   * reset). `touch` restarts its idle time (commands).
   */
  session(token: string, opts?: { touch?: boolean }): Promise<SessionView | undefined>;
  /** Whether a token's session is live now (cheap, synchronous: the event relay asks per event). */
  isLive(token: string): boolean;
  /** Ends the session of a token; false when there was none. */
  logout(token: string): Promise<boolean>;

  // The technician's account management (the API allows it to the technician role only).
  accounts(): Promise<AccountView[]>;
  addAccount(name: string, role: Role, pin: string, actor: string): Promise<AccountView>;
  /** Removes a person and ends their sessions; nobody removes their own account. */
  removeAccount(name: string, actor: string): Promise<AccountView>;
  /** Sets a new PIN and ends the person's sessions. */
  resetPin(name: string, pin: string, actor: string): Promise<AccountView>;
}
