import { atomicWrite } from '../store/atomic-write.js';
import type { ThrottleEntry } from './login-throttle.js';
import type { Session } from './sessions.js';
import { readTextIfExists } from '../store/read-if-exists.js';

// `<dataDir>/sessions.json` (0600): the live sessions (token hashes only) and the login locks, so a
// restart of the service — an update, a watchdog restart, a power cut — neither logs the desk out
// nor gives a guesser fresh tries. Written atomically (never torn); writes that pile up while one
// is on its way become one. Not in backups: sessions are of this machine and this hour.

export interface SessionState {
  sessions: Session[];
  locks: ThrottleEntry[];
}

interface SessionFileData extends SessionState {
  version: 1;
}

export class SessionFile {
  /** The write in progress (or the last one). */
  private current: Promise<void> = Promise.resolve();
  /** A write waiting for `current`: it reads the state when it starts, so it serves every caller until then. */
  private queued: Promise<void> | null = null;

  constructor(readonly path: string, private readonly state: () => SessionState) {}

  /** The saved state; null when there is none. Throws for a file that cannot be read or parsed. */
  async load(): Promise<SessionState | null> {
    const text = await readTextIfExists(this.path);
    if (text === null) return null;
    const data = JSON.parse(text) as SessionFileData;
    if (data.version !== 1 || !Array.isArray(data.sessions) || !Array.isArray(data.locks)) throw new Error(`${this.path}: unexpected shape`);
    return { sessions: data.sessions.filter(isSession), locks: data.locks.filter(isLock) };
  }

  /** Writes the state as it is when the write starts; resolves once that is on disk. */
  save(): Promise<void> {
    if (this.queued) return this.queued;
    const run = this.current.then(() => {
      this.queued = null;
      const data: SessionFileData = { version: 1, ...this.state() };
      return atomicWrite(this.path, JSON.stringify(data) + '\n', { mode: 0o600 });
    });
    this.queued = run;
    this.current = run.catch(() => undefined);
    return run;
  }

  /** Waits for the writes under way. */
  async flush(): Promise<void> {
    await (this.queued ?? this.current).catch(() => undefined);
  }
}

function isSession(s: unknown): s is Session {
  const x = s as Session;
  return typeof x?.id === 'string' && /^[0-9a-f]{64}$/.test(x.id) && typeof x.name === 'string'
    && (x.role === 'clerk' || x.role === 'technician') && Number.isFinite(x.expiresAt) && typeof x.pinStamp === 'string';
}

function isLock(e: unknown): e is ThrottleEntry {
  const x = e as ThrottleEntry;
  return typeof x?.key === 'string' && Number.isInteger(x.failures) && Number.isFinite(x.lockedUntil);
}
