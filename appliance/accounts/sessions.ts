import { randomBytes } from 'node:crypto';
import type { Role } from './types.js';

// Live sessions, in memory only (a restart logs everybody out; the work itself is on disk). A
// token is 32 random bytes; a session ends after `idleMs` without a command.

export interface Session {
  token: string;
  name: string;
  role: Role;
  createdAt: number;
  expiresAt: number;
}

export class SessionStore {
  private readonly byToken = new Map<string, Session>();

  constructor(private readonly idleMs: number, private readonly now: () => number = Date.now) {}

  open(name: string, role: Role): Session {
    const at = this.now();
    const s: Session = { token: randomBytes(32).toString('base64url'), name, role, createdAt: at, expiresAt: at + this.idleMs };
    this.byToken.set(s.token, s);
    return s;
  }

  /** The live session of a token; `touch` restarts its idle time. Expired ones are not returned. */
  get(token: string, touch = false): Session | undefined {
    const s = this.byToken.get(token);
    if (!s || s.expiresAt <= this.now()) return undefined;
    if (touch) s.expiresAt = this.now() + this.idleMs;
    return s;
  }

  end(token: string): Session | undefined {
    const s = this.byToken.get(token);
    this.byToken.delete(token);
    return s;
  }

  live(): Session[] {
    const now = this.now();
    return [...this.byToken.values()].filter((s) => s.expiresAt > now);
  }

  /** Removes and returns the sessions whose idle time ran out. */
  expired(): Session[] {
    const now = this.now();
    const out: Session[] = [];
    for (const s of this.byToken.values()) {
      if (s.expiresAt <= now) {
        this.byToken.delete(s.token);
        out.push(s);
      }
    }
    return out;
  }
}
