import { SohoaError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { Quarantine } from '../store/quarantine.js';
import { retryDelay } from './backoff.js';
import { deliver, failureOf, type DeliveryOutcome } from './deliver.js';
import { OutboxStore, type OutboxItem } from './store.js';

// The durable delivery queue (Thái Nguyên art. 4.2: an outage never stops the desk). One upload at
// a time, in order: the head of the queue is retried with growing delays until the central system
// accepts it, and what is behind it waits. Order: higher Priority first (urgent documents go at
// once, domain.md), then enqueue order. Rejected items (400/409/413…) leave the queue but stay on
// disk with their reason.

export interface OutboxOptions {
  dir: string;
  centralUrl: string;
  deviceToken: string;
  bus: EventBus;
  log: Logger;
  minDelayMs: number;
  maxDelayMs: number;
  /** Per-request timeout (headers and body); default 60 s. */
  timeoutMs?: number;
  /** Where an item whose state cannot be read is set aside (the appliance's; default `<dir>/quarantine`). */
  quarantine?: Quarantine;
}

export class Outbox {
  private readonly store: OutboxStore;
  private readonly items = new Map<string, OutboxItem>();
  private running = false;
  private loaded = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private inFlight: AbortController | null = null;
  /** Enqueues run one at a time so `seq` is unique. */
  private enqueueChain: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: OutboxOptions) {
    this.store = new OutboxStore(opts.dir, opts.quarantine);
  }

  /**
   * Reads the queue from disk without sending anything yet: start-up reconciliation compares it
   * with the register before the first upload can change it. start() loads it when not done.
   */
  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    for (const item of await this.store.load()) {
      // Interrupted mid-upload: send again; the Idempotency-Key makes a double send harmless.
      if (item.state === 'sending') {
        item.state = 'queued';
        await this.store.save(item);
      }
      this.items.set(item.docId, item);
    }
  }

  async start(): Promise<void> {
    await this.load();
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.inFlight?.abort();
    this.wakeUp();
    await this.loopDone;
    await this.enqueueChain.catch(() => undefined);
  }

  /**
   * Queues a package for delivery. Resolves once it is safely on disk. A document already queued
   * is refused; one that was rejected is replaced (the clerk fixed it and sends again).
   */
  enqueue(docId: string, documentId: string, xml: string, opts: { priority?: number } = {}): Promise<void> {
    const run = this.enqueueChain.catch(() => undefined).then(async () => {
      const existing = this.items.get(docId);
      if (existing && existing.state !== 'rejected') {
        throw new SohoaError('request.invalid', 'Văn bản này đã có trong hàng đợi gửi.', `outbox: ${docId} is already ${existing.state}`);
      }
      const item: OutboxItem = {
        docId, documentId, seq: Math.max(0, ...[...this.items.values()].map((i) => i.seq)) + 1, priority: opts.priority ?? 0,
        state: 'queued', attempts: 0, enqueuedAt: new Date().toISOString(), lastAttemptAt: null, nextAttemptAt: null,
        statusCode: null, lastError: null, credentialsRefused: false, deliveredAt: null,
      };
      try {
        await this.store.create(item, xml);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'ENOSPC') throw new SohoaError('storage.full', 'Ổ đĩa đã đầy: chưa đưa được văn bản vào hàng đợi gửi. Hãy báo kỹ thuật viên giải phóng dung lượng.', e.message, { cause: err });
        throw new SohoaError('storage.io', 'Lỗi ghi hàng đợi gửi ra đĩa. Hãy báo kỹ thuật viên.', e.message, { cause: err });
      }
      this.items.set(docId, item);
      this.changed(item);
      this.wakeUp();
    });
    this.enqueueChain = run;
    return run;
  }

  /** Retry now ("Gửi lại"): every waiting item becomes due at once. */
  kick(): void {
    for (const item of this.items.values()) if (item.state === 'queued') item.nextAttemptAt = null;
    this.wakeUp();
  }

  /** All items, in the order they go out (delivered and rejected ones last). */
  list(): OutboxItem[] {
    const rank = (i: OutboxItem) => (i.state === 'queued' || i.state === 'sending' ? 0 : 1);
    return [...this.items.values()].sort((a, b) => rank(a) - rank(b) || b.priority - a.priority || a.seq - b.seq).map((i) => ({ ...i }));
  }

  get(docId: string): OutboxItem | undefined {
    const i = this.items.get(docId);
    return i ? { ...i } : undefined;
  }

  private wakeUp(): void {
    this.wake?.();
    this.wake = null;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => this.wakeUp(), ms) : null;
      this.wake = () => { if (timer) clearTimeout(timer); resolve(); };
    });
  }

  private head(): OutboxItem | undefined {
    return this.list().find((i) => i.state === 'queued' && this.items.has(i.docId));
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const next = this.head();
      const item = next && this.items.get(next.docId)!;
      if (!item) { await this.sleep(Infinity); continue; }
      const wait = item.nextAttemptAt ? Date.parse(item.nextAttemptAt) - Date.now() : 0;
      if (wait > 0) { await this.sleep(wait); continue; }
      try {
        await this.attempt(item);
      } catch (err) {
        // Only the disk can fail here (the upload's own failures are outcomes): pause, then go on.
        this.opts.log.error({ err, docId: item.docId }, 'outbox: cannot record delivery state');
        if (this.running) await this.sleep(this.opts.minDelayMs);
      }
    }
  }

  /** Persists a new state of an item, then makes it visible: what list() shows is on disk. */
  private async commit(item: OutboxItem, change: Partial<OutboxItem>): Promise<void> {
    const next = { ...item, ...change };
    await this.store.save(next);
    Object.assign(item, next);
    this.changed(item);
  }

  private async attempt(item: OutboxItem): Promise<void> {
    await this.commit(item, { state: 'sending', attempts: item.attempts + 1, lastAttemptAt: new Date().toISOString() });

    const abort = new AbortController();
    this.inFlight = abort;
    let outcome: DeliveryOutcome;
    const started = performance.now();
    try {
      const xml = await this.store.readPackage(item.docId);
      outcome = await deliver({ centralUrl: this.opts.centralUrl, deviceToken: this.opts.deviceToken, timeoutMs: this.opts.timeoutMs ?? 60_000 }, item.documentId, xml, abort.signal);
    } finally {
      this.inFlight = null;
    }

    if (this.running || outcome.kind !== 'retry') {
      this.opts.bus.emit('outbox.attempt', { docId: item.docId, result: outcome.kind, failure: failureOf(outcome), ms: performance.now() - started });
    }
    if (!this.running && outcome.kind === 'retry') {
      // Stopped mid-upload: not a failure of the central system.
      await this.commit(item, { state: 'queued', attempts: item.attempts - 1 });
    } else if (outcome.kind === 'delivered') {
      await this.store.saveReceipt(item.docId, outcome.receipt);
      await this.commit(item, { state: 'delivered', statusCode: outcome.statusCode, lastError: null, credentialsRefused: false, nextAttemptAt: null, deliveredAt: new Date().toISOString() });
      this.opts.log.info({ docId: item.docId, documentId: item.documentId, statusCode: outcome.statusCode, attempts: item.attempts }, 'outbox: delivered');
    } else if (outcome.kind === 'rejected') {
      await this.commit(item, { state: 'rejected', lastError: outcome.reason, credentialsRefused: false, nextAttemptAt: null });
      this.opts.log.warn({ docId: item.docId, httpStatus: outcome.httpStatus, reason: outcome.reason }, 'outbox: rejected by the central system');
    } else {
      const delay = retryDelay(item.attempts, this.opts.minDelayMs, this.opts.maxDelayMs);
      await this.commit(item, { state: 'queued', lastError: outcome.reason, credentialsRefused: outcome.credentialsRefused, nextAttemptAt: new Date(Date.now() + delay).toISOString() });
      this.opts.log[outcome.credentialsRefused ? 'error' : 'warn']({ docId: item.docId, attempts: item.attempts, delayMs: delay, reason: outcome.reason }, 'outbox: will retry');
    }
  }

  private changed(item: OutboxItem): void {
    this.opts.bus.emit('outbox.changed', {
      docId: item.docId, state: item.state, attempts: item.attempts, nextAttemptAt: item.nextAttemptAt, statusCode: item.statusCode, lastError: item.lastError,
    });
  }
}
