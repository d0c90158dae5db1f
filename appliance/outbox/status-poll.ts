import { fetchStatus, type DeliveryTarget } from './deliver.js';
import type { OutboxItem } from './store.js';

// After 01 (delivered) the queue reads the document's status with growing delays until the
// central system says 03 (accepted) or 02 (rejected, with its reason). One read at a time; the
// queue (outbox.ts) decides when, this module what one read means for the item.

/** What one status read needs from the queue: its target, and how it records a new state. */
export interface StatusPollHost {
  /** False once the queue is stopping: an answer that comes after that is not recorded. */
  isRunning(): boolean;
  target(): DeliveryTarget;
  /** Persists a change of the item, then shows it (what the queue lists is on disk). */
  commit(item: OutboxItem, change: Partial<OutboxItem>): Promise<void>;
  saveStatus(docId: string, xml: string): Promise<void>;
  /** Records a 02 with the receiver's reason. */
  reject(item: OutboxItem, description: string, change: Partial<OutboxItem>): Promise<void>;
  /** The central system answered: it is up (ends a "down" period). */
  recovered(): void;
  /** Retry-After: nothing goes to the central system before this time (ms since epoch). */
  pauseUntil(at: number): void;
  /** An item reached 03: the retention may remove old local copies now. */
  accepted(): Promise<void>;
}

export interface PollTiming {
  /** First status read after 01 (default 5 s). */
  statusPollMs?: number;
  maxDelayMs: number;
  random?: () => number;
}

/** Delay before status read number n+1 after 01: from statusPollMs, doubling, up to maxDelayMs (or statusPollMs if longer), half of it jittered. */
export function pollDelay(n: number, t: PollTiming): number {
  const first = t.statusPollMs ?? 5000;
  const ceiling = Math.min(Math.max(t.maxDelayMs, first), first * 2 ** Math.min(n, 30));
  return Math.round(ceiling / 2 + ((t.random ?? Math.random)() * ceiling) / 2);
}

/** Reads the status of one delivered item once and records what it says. */
export async function readStatusOnce(host: StatusPollHost, item: OutboxItem, timing: PollTiming, signal: AbortSignal): Promise<void> {
  const res = await fetchStatus(host.target(), item.documentId, signal);
  if (!host.isRunning() || item.state !== 'delivered') return;
  if (res.kind !== 'retry') host.recovered();
  const next = (n: number) => new Date(Date.now() + pollDelay(n, timing)).toISOString();
  if (res.kind === 'unknown') {
    // the central system no longer holds it: upload it again (same key and body: harmless)
    await host.commit(item, { state: 'queued', nextAttemptAt: null, lastError: 'Hệ thống trung tâm không còn giữ văn bản này: gửi lại.' });
  } else if (res.kind === 'retry') {
    if (res.retryAfterMs) host.pauseUntil(Date.now() + res.retryAfterMs);
    await host.commit(item, { polls: item.polls + 1, nextAttemptAt: next(item.polls + 1) });
  } else if (res.statusCode === '02') {
    await host.saveStatus(item.docId, res.xml);
    await host.reject(item, res.description, { polls: item.polls + 1 });
  } else if (res.statusCode === '01') {
    await host.commit(item, { polls: item.polls + 1, nextAttemptAt: next(item.polls + 1) });
  } else {
    await host.saveStatus(item.docId, res.xml);
    await host.commit(item, { state: 'accepted', statusCode: res.statusCode, polls: item.polls + 1, acceptedAt: new Date().toISOString(), nextAttemptAt: null, lastError: null });
    await host.accepted();
  }
}

/** One status read at a time, of the delivered item due first. */
export class StatusPoller {
  private abort: AbortController | null = null;

  constructor(private readonly host: StatusPollHost, private readonly timing: PollTiming) {}

  /**
   * Starts the read of the delivered item due first when it is due and no read is under way
   * (`track` follows the read's promise); returns when the next read is due (Infinity: none, or
   * one under way — the queue is pumped again when it ends).
   */
  next(items: Iterable<OutboxItem>, now: number, track: (p: Promise<void>) => void): number {
    if (this.abort) return Infinity;
    const due = (i: OutboxItem) => (i.nextAttemptAt ? Date.parse(i.nextAttemptAt) : 0);
    const first = [...items].filter((i) => i.state === 'delivered').sort((a, b) => due(a) - due(b))[0];
    if (!first) return Infinity;
    if (due(first) > now) return due(first);
    const abort = (this.abort = new AbortController());
    track(readStatusOnce(this.host, first, this.timing, abort.signal).finally(() => { this.abort = null; }));
    return Infinity;
  }

  /** Stops a read under way (the queue is stopping). */
  stop(): void {
    this.abort?.abort();
  }
}
