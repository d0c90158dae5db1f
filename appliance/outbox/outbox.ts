import type { Dispatcher } from 'undici';
import { SohoaError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { Quarantine } from '../store/quarantine.js';
import { retryDelay } from './backoff.js';
import { PerKeyOrder } from '../store/per-key-order.js';
import { CentralWatch } from './central-watch.js';
import { createAgent, deliver, failureOf, type DeliveryOutcome, type DeliveryTarget } from './deliver.js';
import { applyRetention, RETENTION_CHECK_MS } from './retention.js';
import { RetryBudget } from './retry-budget.js';
import { pollDelay, StatusPoller } from './status-poll.js';
import { enqueueWriteError, newItem, packageSource, type EnqueuedPackage, type EnqueueOptions } from './new-item.js';
import { OutboxStore, type OutboxItem } from './store.js';

// The durable delivery queue (Thái Nguyên art. 4.2: an outage never stops the desk).
// - Order: Hỏa tốc, Thượng khẩn, Khẩn, then first in first out; up to `concurrency` uploads at once.
//   Each item has its own next attempt time (exponential backoff, full jitter): among the items
//   that are due, the order decides, so a failing head never holds the rest for its backoff.
// - One retry budget for every send (retry-budget.ts). While the central system is down (no
//   connection, timeout, 5xx, 429), a due retry first asks its /healthz; when that or any upload
//   succeeds, every waiting item is due at once and the backlog drains in order.
// - Retry-After on 429/503 pauses every upload and status read until then.
// - After 01 the item's status is read with growing delays until 03 (accepted) or 02 (rejected,
//   with the reason); an accepted item's local copy is removed after `keepAcceptedDays`.
// - A technician may hold an item (it is not sent) and release it.

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
  /** Uploads at once (default 2). */
  concurrency?: number;
  /** Retries allowed in a burst (tokens) and how fast one comes back (default 10, one per 5 s). */
  retryBudget?: number;
  retryRefillMs?: number;
  /** First status read after 01 (default 5 s), growing to maxDelayMs. */
  statusPollMs?: number;
  /** Days an accepted (03) document's local copy is kept (default 90; 0 = removed at 03). */
  keepAcceptedDays?: number;
  /** Removes the rest of an accepted document's local copy (the signed PDF under documents/). */
  removeLocalCopy?: (docId: string) => Promise<void>;
  random?: () => number;
}

export class Outbox {
  private readonly store: OutboxStore;
  private readonly items = new Map<string, OutboxItem>();
  private readonly budget: RetryBudget;
  private readonly aborts = new Map<string, AbortController>();
  private readonly work = new Set<Promise<void>>();
  private dispatcher: Dispatcher | undefined;
  private running = false;
  private loaded = false;
  private timer: NodeJS.Timeout | null = null;
  private retentionTimer: NodeJS.Timeout | null = null;
  private readonly poller: StatusPoller;
  /** Is the central system down as a whole, and its single health probe (central-watch.ts). */
  private readonly central: CentralWatch;
  /** Retry-After: nothing goes to the central system before this time. */
  private pausedUntil = 0;
  /** Items a technician put on hold while they were being sent. */
  private readonly holdWhenDone = new Set<string>();
  /** The commit under way per item (commit() chains on it). */
  private readonly commits = new PerKeyOrder();
  /** Enqueues run one at a time so `seq` is unique. */
  private enqueueChain: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: OutboxOptions) {
    this.store = new OutboxStore(opts.dir, opts.quarantine);
    this.budget = new RetryBudget(opts.retryBudget ?? 10, opts.retryRefillMs ?? 5000);
    this.central = new CentralWatch({
      target: () => this.target(), budget: this.budget, log: opts.log, minDelayMs: opts.minDelayMs, maxDelayMs: opts.maxDelayMs, random: opts.random,
      isRunning: () => this.running, items: () => this.items.values(), commit: (item, change) => this.commit(item, change), changed: (item) => this.changed(item),
    });
    // status-poll.ts records its answers through this seam
    this.poller = new StatusPoller({
      isRunning: () => this.running,
      target: () => this.target(),
      commit: (item, change) => this.commit(item, change),
      saveStatus: (docId, xml) => this.store.saveReceipt(docId, xml, 'status.edxml'),
      reject: (item, description, change) => this.reject(item, description, change),
      recovered: () => this.central.recovered(),
      pauseUntil: (at) => { this.pausedUntil = Math.max(this.pausedUntil, at); },
      accepted: () => this.applyRetention(),
    }, opts);
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
    this.dispatcher = await createAgent();
    this.running = true;
    this.pump();
    this.retentionTimer = setInterval(() => this.track(this.applyRetention()), RETENTION_CHECK_MS).unref();
    this.track(this.applyRetention());
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    for (const a of this.aborts.values()) a.abort();
    this.central.abort();
    this.poller.stop();
    while (this.work.size) await Promise.all([...this.work]);
    await this.enqueueChain.catch(() => undefined);
    await this.dispatcher?.close().catch(() => undefined);
  }

  /**
   * Queues a package for delivery. Resolves once it is safely on disk. `pkg` is the whole edXML
   * (with `pdfPath`, the signed PDF it carries, it is kept as parts and sent streamed) or its parts
   * around that PDF. A document already queued is refused; one rejected is replaced (fixed, sent again).
   */
  enqueue(docId: string, documentId: string, pkg: EnqueuedPackage, opts: EnqueueOptions = {}): Promise<void> {
    const run = this.enqueueChain.catch(() => undefined).then(async () => {
      const existing = this.items.get(docId);
      if (existing && existing.state !== 'rejected') {
        throw new SohoaError('request.invalid', 'Văn bản này đã có trong hàng đợi gửi.', `outbox: ${docId} is already ${existing.state}`);
      }
      const src = packageSource(docId, pkg, opts);
      let item: OutboxItem;
      try {
        const seq = Math.max(0, ...[...this.items.values()].map((i) => i.seq)) + 1;
        item = newItem(docId, documentId, seq, opts.priority ?? 0, await this.store.createPackage(docId, src));
        await this.store.save(item);
      } catch (err) {
        throw enqueueWriteError(err);
      }
      this.items.set(docId, item);
      this.changed(item);
      this.pump();
    });
    this.enqueueChain = run;
    return run;
  }

  /** Retry now ("Gửi lại ngay"): every waiting item becomes due at once (the budget still applies). */
  kick(): void {
    for (const item of this.items.values()) if (item.state === 'queued') item.nextAttemptAt = null;
    this.pausedUntil = 0;
    this.pump();
  }

  /** A technician's "retry now" for one item: a waiting or held one is sent, a delivered one's status read now. */
  async retry(docId: string): Promise<OutboxItem> {
    const item = this.require(docId);
    if (item.state === 'queued' || item.state === 'held' || item.state === 'delivered') {
      this.holdWhenDone.delete(docId);
      await this.commit(item, { state: item.state === 'held' ? 'queued' : item.state, nextAttemptAt: null });
      this.pump();
      return { ...item };
    }
    throw new SohoaError('register.state', this.stateMessage(item, 'gửi lại'), `outbox: ${docId} is ${item.state}`);
  }

  /** Holds an item: it is not sent until released (an upload under way is stopped). */
  async hold(docId: string): Promise<OutboxItem> {
    const item = this.require(docId);
    if (item.state === 'sending') {
      this.holdWhenDone.add(docId);
      this.aborts.get(docId)?.abort();
      return { ...item };
    }
    if (item.state !== 'queued') throw new SohoaError('register.state', this.stateMessage(item, 'giữ lại'), `outbox: ${docId} is ${item.state}`);
    await this.commit(item, { state: 'held', nextAttemptAt: null });
    return { ...item };
  }

  async release(docId: string): Promise<OutboxItem> {
    const item = this.require(docId);
    if (this.holdWhenDone.delete(docId)) return { ...item };
    if (item.state !== 'held') throw new SohoaError('register.state', 'Văn bản này không bị giữ lại.', `outbox: ${docId} is ${item.state}, not held`);
    await this.commit(item, { state: 'queued', nextAttemptAt: null });
    this.pump();
    return { ...item };
  }

  /** All items, in the order they go out (waiting first, by priority then enqueue order). */
  list(): OutboxItem[] {
    const rank = (i: OutboxItem) => (i.state === 'queued' || i.state === 'sending' ? 0 : i.state === 'held' ? 1 : 2);
    return [...this.items.values()].sort((a, b) => rank(a) - rank(b) || b.priority - a.priority || a.seq - b.seq).map((i) => ({ ...i }));
  }

  get(docId: string): OutboxItem | undefined {
    const i = this.items.get(docId);
    return i ? { ...i } : undefined;
  }

  /** The package exactly as it is sent (export for hand delivery), as a stream of its files. */
  packageFiles(docId: string) {
    const item = this.require(docId);
    if (item.localCopyRemovedAt) throw new SohoaError('register.state', 'Bản lưu của văn bản này đã được xoá theo thời hạn lưu giữ.', `outbox: ${docId} local copy removed`);
    return this.store.files(item);
  }

  private require(docId: string): OutboxItem {
    const item = this.items.get(docId);
    if (!item) throw new SohoaError('register.not-found', 'Không tìm thấy văn bản này trong hàng đợi gửi.', `outbox: no item ${docId}`);
    return item;
  }

  private stateMessage(item: OutboxItem, what: string): string {
    const vi: Record<OutboxItem['state'], string> = {
      queued: 'đang chờ gửi', sending: 'đang được gửi', held: 'đang bị giữ lại', delivered: 'đã đến hệ thống trung tâm',
      accepted: 'đã được tiếp nhận', rejected: 'đã bị từ chối (hãy sửa rồi gửi lại từ sổ)',
    };
    return `Không thể ${what}: văn bản ${vi[item.state]}.`;
  }

  private track(p: Promise<void>): void {
    const t = p.catch((err: unknown) => this.opts.log.error({ err }, 'outbox: unexpected failure')).finally(() => {
      this.work.delete(t);
      this.pump();
    });
    this.work.add(t);
  }

  private target(): DeliveryTarget {
    return { centralUrl: this.opts.centralUrl, deviceToken: this.opts.deviceToken, timeoutMs: this.opts.timeoutMs ?? 60_000, dispatcher: this.dispatcher };
  }

  /** Starts whatever is due now, in order, within the limits; sets a timer for the next. */
  private pump(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const now = Date.now();
    let wakeAt = Infinity;
    if (now < this.pausedUntil) {
      wakeAt = this.pausedUntil;
    } else {
      const sending = [...this.items.values()].filter((i) => i.state === 'sending').length;
      let slots = (this.opts.concurrency ?? 2) - sending;
      for (const item of this.list()) {
        if (item.state !== 'queued' || slots <= 0) continue;
        const due = item.nextAttemptAt ? Date.parse(item.nextAttemptAt) : 0;
        if (due > now) { wakeAt = Math.min(wakeAt, due); continue; }
        const live = this.items.get(item.docId)!;
        if (live.attempts > 0 && this.central.isDown) {
          // one health probe at a time stands for every retry while the central system is down
          if (this.central.probing) continue;
          if (this.budget.tryTake()) this.track(this.central.probeFor(live));
          else wakeAt = Math.min(wakeAt, now + this.budget.msUntilToken());
          continue;
        }
        if (live.attempts > 0 && !this.budget.tryTake()) { wakeAt = Math.min(wakeAt, now + this.budget.msUntilToken()); continue; }
        slots--;
        live.state = 'sending'; // taken now; attempt() persists it
        this.track(this.attempt(live));
      }
      wakeAt = Math.min(wakeAt, this.poller.next(this.items.values(), now, (p) => this.track(p)));
    }
    if (wakeAt < Infinity) this.timer = setTimeout(() => this.pump(), Math.min(Math.max(0, wakeAt - now), 2 ** 31 - 1));
  }

  /**
   * Persists a new state of an item, then makes it visible: what list() shows is on disk. Commits
   * of one item run one after another, each from the item as the one before left it: a failed
   * health probe's backoff saved from a snapshot taken before a technician's hold put the item back
   * to 'queued' and sent it (outbox-sending, "a held document is not sent until released").
   */
  private commit(item: OutboxItem, change: Partial<OutboxItem>): Promise<void> {
    return this.commits.run(item.docId, async () => {
      const next = { ...item, ...change };
      await this.store.save(next);
      Object.assign(item, change);
      this.changed(item);
    });
  }

  private async attempt(item: OutboxItem): Promise<void> {
    try {
      await this.commit(item, { state: 'sending', attempts: item.attempts + 1, lastAttemptAt: new Date().toISOString() });
    } catch (err) {
      item.state = 'queued';
      this.opts.log.error({ err, docId: item.docId }, 'outbox: cannot record delivery state');
      item.nextAttemptAt = new Date(Date.now() + this.opts.minDelayMs).toISOString();
      return;
    }
    const abort = new AbortController();
    this.aborts.set(item.docId, abort);
    let outcome: DeliveryOutcome;
    const started = performance.now();
    try {
      const body = item.bodySha256 && item.bodyBytes !== null
        ? { files: this.store.files(item), bytes: item.bodyBytes, sha256: item.bodySha256 }
        : await this.store.readPackage(item);
      outcome = await deliver(this.target(), item.documentId, body, abort.signal);
    } finally {
      this.aborts.delete(item.docId);
    }
    try {
      await this.settle(item, outcome, performance.now() - started);
    } catch (err) {
      // The answer could not be recorded (a full disk): the item must not stay 'sending' in memory,
      // holding a slot and never tried again. It goes out again later; the receiver answers the
      // same package (same DocumentId and body) with its stored reply, so it is held once.
      if (item.state === 'sending') {
        item.state = 'queued';
        item.nextAttemptAt = new Date(Date.now() + this.opts.minDelayMs).toISOString();
      }
      this.opts.log.error({ err, docId: item.docId }, 'outbox: cannot record delivery state');
    }
  }

  private async settle(item: OutboxItem, outcome: DeliveryOutcome, ms: number): Promise<void> {
    const held = this.holdWhenDone.delete(item.docId);
    const stopped = outcome.kind === 'retry' && (!this.running || held);
    if (!stopped) this.opts.bus.emit('outbox.attempt', { docId: item.docId, result: outcome.kind, failure: failureOf(outcome), ms });
    const now = new Date();
    if (stopped) {
      // Stopped mid-upload (service stopping, or a technician's hold): not a failure of the central system.
      await this.commit(item, { state: held ? 'held' : 'queued', attempts: item.attempts - 1 });
    } else if (outcome.kind === 'delivered' && outcome.statusCode === '02') {
      await this.store.saveReceipt(item.docId, outcome.receipt);
      this.central.recovered();
      await this.reject(item, outcome.description);
    } else if (outcome.kind === 'delivered') {
      await this.store.saveReceipt(item.docId, outcome.receipt);
      this.central.recovered();
      const final = outcome.statusCode === '03' || outcome.statusCode === '04' || outcome.statusCode === '05' || outcome.statusCode === '06';
      await this.commit(item, {
        state: final ? 'accepted' : 'delivered', statusCode: outcome.statusCode, lastError: null, credentialsRefused: false,
        deliveredAt: now.toISOString(), acceptedAt: final ? now.toISOString() : null,
        nextAttemptAt: final ? null : new Date(now.getTime() + pollDelay(0, this.opts)).toISOString(),
      });
      this.opts.log.info({ docId: item.docId, documentId: item.documentId, statusCode: outcome.statusCode, attempts: item.attempts }, 'outbox: delivered');
    } else if (outcome.kind === 'rejected') {
      await this.commit(item, { state: 'rejected', lastError: outcome.reason, credentialsRefused: false, nextAttemptAt: null });
      this.opts.log.warn({ docId: item.docId, httpStatus: outcome.httpStatus, reason: outcome.reason }, 'outbox: rejected by the central system');
    } else {
      this.central.failed(outcome);
      let delay = retryDelay(item.attempts, this.opts.minDelayMs, this.opts.maxDelayMs, this.opts.random);
      if (outcome.retryAfterMs) {
        // the central system said when: nothing goes before then, this item not before either
        delay = Math.max(delay, outcome.retryAfterMs);
        this.pausedUntil = Math.max(this.pausedUntil, now.getTime() + outcome.retryAfterMs);
      }
      await this.commit(item, { state: 'queued', lastError: outcome.reason, credentialsRefused: outcome.credentialsRefused, nextAttemptAt: new Date(now.getTime() + delay).toISOString() });
      this.opts.log[outcome.credentialsRefused ? 'error' : 'warn']({ docId: item.docId, attempts: item.attempts, delayMs: delay, retryAfterMs: outcome.retryAfterMs ?? null, reason: outcome.reason }, 'outbox: will retry');
    }
  }

  private async reject(item: OutboxItem, description: string, change: Partial<OutboxItem> = {}): Promise<void> {
    await this.commit(item, {
      ...change, state: 'rejected', statusCode: '02', nextAttemptAt: null,
      lastError: `Hệ thống trung tâm từ chối tiếp nhận văn bản: ${description || 'không nêu lý do'}`,
    });
    this.opts.log.warn({ docId: item.docId, reason: description }, 'outbox: rejected (StatusCode 02)');
  }

  /** Removes the local copy (package, signed PDF) of documents accepted longer ago than the retention (retention.ts). */
  private applyRetention(): Promise<void> {
    return applyRetention(this.items.values(), {
      keepAcceptedDays: this.opts.keepAcceptedDays, removeLocalCopy: this.opts.removeLocalCopy, log: this.opts.log,
      removePackage: (docId) => this.store.removePackage(docId), commit: (item, change) => this.commit(item, change),
    });
  }

  private changed(item: OutboxItem): void {
    this.opts.bus.emit('outbox.changed', {
      docId: item.docId, state: item.state, attempts: item.attempts, nextAttemptAt: item.nextAttemptAt, statusCode: item.statusCode, lastError: item.lastError,
    });
  }
}
