import { createHash, randomBytes } from 'node:crypto';
import type { Role } from './types.js';

// Live sessions. A token is 32 random bytes, handed out once at login; only its SHA-256 is kept
// (in memory and in the session file, session-file.ts), so neither a copy of the file nor a look at
// memory dumps gives a usable token. A session ends after `idleMs` without a command.

export interface Session {
  /** SHA-256 of the token (hex): the session's key. */
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  expiresAt: number;
  /**
   * Fingerprint of the person's PIN hash at login: a PIN reset (by the technician, in this process
   * or with `sohoa users reset-pin` in another) changes it, and the session ends.
   */
  pinStamp: string;
}

export const tokenId = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A short fingerprint of a stored PIN hash; never the hash itself in the session file. */
export const pinStampOf = (pinHash: string): string => createHash('sha256').update(pinHash).digest('hex').slice(0, 32);

export class SessionStore {
  private readonly byId = new Map<string, Session>();

  constructor(private readonly idleMs: number, private readonly now: () => number = Date.now) {}

  open(name: string, role: Role, pinStamp: string): { token: string; session: Session } {
    const at = this.now();
    const token = randomBytes(32).toString('base64url');
    const session: Session = { id: tokenId(token), name, role, createdAt: at, expiresAt: at + this.idleMs, pinStamp };
    this.byId.set(session.id, session);
    return { token, session };
  }

  /** The live session of a token; `touch` restarts its idle time. Expired ones are not returned. */
  get(token: string, touch = false): Session | undefined {
    const s = this.byId.get(tokenId(token));
    if (!s || s.expiresAt <= this.now()) return undefined;
    if (touch) s.expiresAt = this.now() + this.idleMs;
    return s;
  }

  end(id: string): Session | undefined {
    const s = this.byId.get(id);
    this.byId.delete(id);
    return s;
  }

  live(): Session[] {
    const now = this.now();
    return [...this.byId.values()].filter((s) => s.expiresAt > now);
  }

  /** Removes and returns the sessions whose idle time ran out. */
  expired(): Session[] {
    const now = this.now();
    const out: Session[] = [];
    for (const s of this.byId.values()) {
      if (s.expiresAt <= now) {
        this.byId.delete(s.id);
        out.push(s);
      }
    }
    return out;
  }

  /** Everything to persist (expired ones too: the next sweep audits their end). */
  snapshot(): Session[] {
    return [...this.byId.values()].map((s) => ({ ...s }));
  }

  restore(sessions: readonly Session[]): void {
    for (const s of sessions) this.byId.set(s.id, { ...s });
  }
}
