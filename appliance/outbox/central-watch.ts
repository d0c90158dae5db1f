import type { Logger } from '../log.js';
import { retryDelay } from './backoff.js';
import { probeHealth, type DeliveryOutcome, type DeliveryTarget } from './deliver.js';
import type { RetryBudget } from './retry-budget.js';
import type { OutboxItem } from './store.js';

// Whether the central system as a whole is down, as the queue (outbox.ts) sees it. An upload that
// fails with no connection, a timeout, a 5xx or a 429 marks it down; while it is down a due retry
// does not upload: one /healthz probe at a time stands for every retry, and each failed probe
// moves the item it stood for one backoff step further. Any success (an upload, a status read, a
// probe) marks it up again: the retry budget is refilled and every waiting item is due at once,
// so the backlog drains in order.

/** Upload failures that say the central system as a whole is down or overloaded. */
const CENTRAL_DOWN = new Set(['network', 'timeout', 'http_5xx']);

export interface CentralWatchDeps {
  target: () => DeliveryTarget;
  budget: RetryBudget;
  log: Logger;
  minDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
  isRunning: () => boolean;
  /** The queue's items (the waiting ones are made due at once when it answers again). */
  items: () => Iterable<OutboxItem>;
  /** Persists an item's change (its next attempt time after a failed probe). */
  commit: (item: OutboxItem, change: Partial<OutboxItem>) => Promise<void>;
  /** Publishes an item changed in memory only (its next attempt time cleared). */
  changed: (item: OutboxItem) => void;
}

export class CentralWatch {
  /** The central system failed as a whole on the last upload (cleared by any success). */
  private down = false;
  /** Health probes failed in a row while down: the backoff of the items they stand for grows with them. */
  private downProbes = 0;
  private probe: AbortController | null = null;

  constructor(private readonly deps: CentralWatchDeps) {}

  get isDown(): boolean {
    return this.down;
  }

  get probing(): boolean {
    return this.probe !== null;
  }

  /** An upload failed: down when the failure says the whole system is. */
  failed(outcome: DeliveryOutcome & { kind: 'retry' }): void {
    if (CENTRAL_DOWN.has(outcome.failure) || outcome.httpStatus === 429) this.down = true;
  }

  /** Asks /healthz for `item` (a due retry while down); resolves when the probe is done. */
  async probeFor(item: OutboxItem): Promise<void> {
    const abort = new AbortController();
    this.probe = abort;
    try {
      const up = await probeHealth(this.deps.target(), abort.signal);
      if (!this.deps.isRunning()) return;
      if (up) {
        this.recovered();
      } else if (this.down) {
        // (a status read or another upload may have found it back while this probe failed)
        // still down: this item waits its next backoff step (counted as a try of the central system)
        this.downProbes++;
        const delay = retryDelay(item.attempts + this.downProbes, this.deps.minDelayMs, this.deps.maxDelayMs, this.deps.random);
        await this.deps.commit(item, { nextAttemptAt: new Date(Date.now() + delay).toISOString() });
      }
    } finally {
      this.probe = null;
    }
  }

  /** Stops a probe in flight (the queue stops). */
  abort(): void {
    this.probe?.abort();
  }

  /** The central system answers again: the budget is full and every waiting item is due now. */
  recovered(): void {
    const wasDown = this.down;
    this.down = false;
    this.downProbes = 0;
    this.deps.budget.success(wasDown);
    if (!wasDown) return;
    const items = [...this.deps.items()];
    this.deps.log.info({ waiting: items.filter((i) => i.state === 'queued').length }, 'outbox: the central system answers again, sending the backlog');
    for (const item of items) {
      if (item.state === 'queued' && item.nextAttemptAt) {
        item.nextAttemptAt = null;
        this.deps.changed(item);
      }
    }
  }
}
