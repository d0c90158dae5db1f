// Wrong PINs per name: after MAX_FAILURES the name is locked for LOCK_MS, whatever PIN comes next.
// Kept by name, existing or not, so a lock never tells whether a name exists. Persisted with the
// sessions (session-file.ts): pulling the plug does not give a guesser fresh tries.

export const MAX_FAILURES = 5;
export const LOCK_MS = 5 * 60_000;
/** Names tracked at most; beyond it the oldest unlocked entries go (a flood of made-up names). */
const MAX_TRACKED = 10_000;

export interface ThrottleEntry { key: string; failures: number; lockedUntil: number }
type Entry = Omit<ThrottleEntry, 'key'>;

export type FailureOutcome = { locked: false; triesLeft: number } | { locked: true; lockedUntil: number };

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** When the name is locked: the time (ms) it opens again; else undefined. */
  lockedUntil(key: string): number | undefined {
    const e = this.entries.get(key);
    if (!e || e.lockedUntil === 0) return undefined;
    if (e.lockedUntil > this.now()) return e.lockedUntil;
    // The lock ran out: the name starts again with all its tries.
    this.entries.delete(key);
    return undefined;
  }

  failed(key: string): FailureOutcome {
    const e = this.entries.get(key) ?? { failures: 0, lockedUntil: 0 };
    this.entries.delete(key);
    this.entries.set(key, e);
    e.failures += 1;
    this.prune();
    if (e.failures >= MAX_FAILURES) {
      e.lockedUntil = this.now() + LOCK_MS;
      return { locked: true, lockedUntil: e.lockedUntil };
    }
    return { locked: false, triesLeft: MAX_FAILURES - e.failures };
  }

  succeeded(key: string): void {
    this.entries.delete(key);
  }

  snapshot(): ThrottleEntry[] {
    return [...this.entries].map(([key, e]) => ({ key, ...e }));
  }

  restore(entries: readonly ThrottleEntry[]): void {
    for (const { key, failures, lockedUntil } of entries) this.entries.set(key, { failures, lockedUntil });
    this.prune();
  }

  private prune(): void {
    if (this.entries.size <= MAX_TRACKED) return;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= MAX_TRACKED) break;
      if (e.lockedUntil <= this.now()) this.entries.delete(k);
    }
  }
}
