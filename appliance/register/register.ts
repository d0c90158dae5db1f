import { randomUUID } from 'node:crypto';
import { unlessDiskFull } from '../store/disk-guard.js';
import { SohoaError } from '../errors.js';
import type { DocumentState, EventBus } from '../events.js';
import { FIELD_KEYS, type DocumentFields } from '../extract/fields.js';
import { Quarantine } from '../store/quarantine.js';
import { matchingIds, type BookFilter } from './book-query.js';
import { DocumentStore, numberInName } from './document-store.js';
import { lastNumbersIn, readCounters, writeCounters } from './counters.js';
import { nfcFields, notFound, storageError } from './register-errors.js';
import { isFinal, type ReceivedInfo, type RegisterEntry, type RegisterExtras, type ResolvedRecipient, type SignatureInfo } from './entry.js';
import { duplicateOutgoingMessage, outgoingDocId, outgoingKey } from './outgoing-book.js';
import { duplicateKey } from './fold.js';
import { docIdOf, RegisterIndex } from './register-index.js';
import { indexDocumentFiles, type IndexProgress } from './index-rebuild.js';
import { AuditLog } from '../audit/audit-log.js';
import { defaultHeadPath } from '../audit/files.js';
import type { Logger } from '../log.js';
import type { AuditAction } from './audit-log.js';
import { NEXT } from './lifecycle.js';
import { checkOfficeHours, effectiveArrival, type OfficeHours } from './office-hours.js';
import { toVnIso, vnYear } from './vn-time.js';
import { checkLateReceipt, type LateReceipt } from './late-entry.js';
import { withheldFields, withheldKind, withheldMessage } from './withheld.js';

export type { ReceivedInfo, ReceivedSignature, RegisterEntry, RegisterExtras, ResolvedRecipient, SignatureInfo, StateChange } from './entry.js';
export type { BookFilter } from './book-query.js';
export { lastNumbersIn };
import type { StatsFilter } from './stats.js';

// The incoming-document register (sổ đăng ký văn bản đến). On disk under its own folder:
//   documents/<docId>.json   one file per document, written atomically: the source of truth (document-store.ts)
//   index/<year>.jsonl       what lookups need of each document, derived, rebuilt at start (register-index.ts)
//   counters.json            last number issued per year (a checkpoint; start() re-derives it; counters.ts)
//   audit.jsonl              who did what, append-only, hash-chained (appliance/audit/)
// A number is committed when its document file is on disk, so a crash at any point neither
// reuses nor skips a number. Only open documents (not in a final state) are kept in memory; a
// final one is read from its file when asked for, so memory does not grow with the register. A document or checkpoint file that cannot be read is set aside in the
// quarantine (store/state-file.ts) and the register starts with the rest; the number of a document
// set aside (its file name) stays taken, so it is never issued twice.

export interface RegisterOptions {
  dir: string;
  officeHours: OfficeHours;
  clock?: () => Date;
  /** When given, every change is published as 'document.changed'. */
  bus?: EventBus;
  /** The audit log's kept chain head; default `<dataDir>/audit-head.json` for `<dataDir>/register`, outside what a restore replaces. */
  auditHeadPath?: string;
  /** The audit log's current file rotates before passing this size (default 8 MiB), and monthly. */
  auditMaxBytes?: number;
  log?: Logger;
  /** Where unreadable files go: the appliance's `<dataDir>/quarantine`; default `<dir>/quarantine` (a register on its own). */
  quarantine?: Quarantine;
  /** Progress of indexing document files at start (the first start after an upgrade reads them all). */
  onIndexProgress?: (p: IndexProgress) => void;
}

const ACTION_FOR: Partial<Record<DocumentState, AuditAction>> = {
  signed: 'signed', sending: 'sent', delivered: 'delivered', accepted: 'accepted', rejected: 'rejected', failed: 'failed', discarded: 'discarded',
};

export { SECRET_MESSAGE } from './withheld.js';

export class Register {
  /** Documents not in a final state: the ones the desk still works on. Final ones stay on disk. */
  private readonly entries = new Map<string, RegisterEntry>();
  private readonly store: DocumentStore;
  private readonly index: RegisterIndex;
  private readonly audit: AuditLog;
  private readonly clock: () => Date;
  private readonly quarantine: Quarantine;
  /** Registrations and state changes run one at a time. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: RegisterOptions) {
    this.audit = new AuditLog({
      dir: opts.dir, headPath: opts.auditHeadPath ?? defaultHeadPath(opts.dir), maxBytes: opts.auditMaxBytes, log: opts.log, clock: opts.clock,
    });
    this.clock = opts.clock ?? (() => new Date());
    this.quarantine = opts.quarantine ?? new Quarantine({ dataDir: opts.dir });
    this.store = new DocumentStore(opts.dir, this.quarantine);
    this.index = new RegisterIndex(opts.dir, opts.log);
  }

  private get counters(): Map<number, number> {
    return this.index.lastNumber;
  }

  async start(): Promise<void> {
    // A bad setting is refused here, before any registration could try to compute with it.
    checkOfficeHours(this.opts.officeHours);
    await this.store.start();
    const checkpoint = await readCounters(this.opts.dir, this.quarantine);
    const known = await this.index.load();
    // Open documents are read whole (their files are the truth: a state line lost in a crash shows here).
    for (const [docId, seen] of [...this.index.openDocuments()]) {
      const read = await this.store.readAtStart(`${docId}.json`);
      if (read.status !== 'ok') {
        await this.index.setState(docId, seen.year, seen.state, null);
        continue;
      }
      const e = read.value;
      if (e.state !== seen.state) await this.index.setState(docId, e.year, seen.state, e.state);
      if (!isFinal(e.state)) this.entries.set(docId, e);
    }
    // Document files the index does not know (a crash between file and index line, or no index yet).
    const missing = (await this.store.names()).filter((name) => {
      const taken = numberInName(name);
      return taken ? ((known.numbers.get(taken.year)?.[taken.number >> 3] ?? 0) & (1 << (taken.number & 7))) === 0 : !known.secretIds.has(name.slice(0, -5));
    });
    const indexing = Date.now();
    for (const e of await indexDocumentFiles(missing, this.store, this.index, this.opts.onIndexProgress)) this.entries.set(e.docId, e);
    if (missing.length) this.opts.log?.info({ documents: missing.length, ms: Date.now() - indexing }, 'register index: documents indexed from their files');
    // The checkpoint and documents set aside (now or earlier) keep their numbers: the next one follows them.
    const floor = (year: number, n: number) => { if (n > (this.counters.get(year) ?? 0)) this.counters.set(year, n); };
    if (checkpoint.status === 'ok') for (const [y, n] of Object.entries(checkpoint.value.lastNumber)) floor(Number(y), n);
    for (const name of await this.quarantine.entries('register')) {
      const taken = numberInName(name);
      if (taken) floor(taken.year, taken.number);
    }
    const saved = checkpoint.status === 'ok' ? JSON.stringify(checkpoint.value.lastNumber) : '';
    if (JSON.stringify(this.lastNumbers()) !== saved) {
      await unlessDiskFull(() => this.saveCounters(), this.opts.log, 'register counters checkpoint');
    }
    await this.audit.start();
  }

  async stop(): Promise<void> {
    await this.chain.catch(() => undefined);
    await this.saveCounters().catch((err: unknown) => this.opts.log?.warn({ err }, 'register: counters checkpoint not written'));
    await this.audit.stop();
  }

  private lastNumbers(): Record<string, number> {
    return Object.fromEntries([...this.counters].sort(([a], [b]) => a - b).map(([y, n]) => [String(y), n]));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.catch(() => undefined).then(fn);
    this.chain = run;
    return run;
  }

  /** The commit point: the document's file on disk. Then the index line and the memory. */
  private async persist(e: RegisterEntry, before: DocumentState | null): Promise<void> {
    try {
      await this.store.write(e);
    } catch (err) {
      throw storageError(err);
    }
    if (before === null) await this.index.add(e);
    else if (before !== e.state) await this.index.setState(e.docId, e.year, before, e.state);
    if (isFinal(e.state)) this.entries.delete(e.docId);
    else this.entries.set(e.docId, e);
  }

  /** A checkpoint for backups and restores (start() re-derives the numbers from the documents). */
  private saveCounters(): Promise<void> {
    return writeCounters(this.opts.dir, this.lastNumbers());
  }

  private publish(e: RegisterEntry): void {
    this.opts.bus?.emit('document.changed', {
      docId: e.docId, arrivalNumber: e.arrivalNumber, state: e.state, fields: e.fields, ...(e.message ? { message: e.message } : {}),
    });
  }

  /** Earlier documents with the same issuer and number/notation (folded), oldest first. */
  duplicates(issuer: string | null, numberNotation: string | null): RegisterEntry[] {
    const key = duplicateKey(issuer, numberNotation);
    if (!key) return [];
    return this.index.duplicateCandidates(key).map((id) => this.get(id))
      .filter((e): e is RegisterEntry => !!e && duplicateKey(e.fields.issuer, e.fields.numberNotation) === key);
  }

  /** The earlier document with the same issuer and number/notation, if any. */
  findDuplicate(issuer: string | null, numberNotation: string | null): string | null {
    return this.duplicates(issuer, numberNotation)[0]?.docId ?? null;
  }

  /**
   * Registers a confirmed document: takes the next số đến of the arrival year, or holds a withheld
   * document — secret, or a complaint the clerk flagged (`extras.exclusion`) — with no number and
   * none of its content kept. `extracted` (what OCR proposed) lets the audit log record each field
   * the clerk corrected. `late`: entered after an outage from a paper record, its real receipt
   * time (checked: not in the future, not before the year rollover) is the arrival time, and it
   * takes the next number like any other. The number is taken and committed in one step: the
   * document's file, named by it, written atomically; nothing else runs meanwhile (serial()).
   */
  register(fields: DocumentFields, actor: string, opts: { receivedAt?: Date; extracted?: DocumentFields; extras?: RegisterExtras; jobId?: string; late?: LateReceipt; outgoing?: { recipients: ResolvedRecipient[] }; origin?: RegisterEntry['origin']; received?: ReceivedInfo } = {}): Promise<RegisterEntry> {
    return this.serial(async () => {
      const confirmed = nfcFields(fields);
      if (opts.outgoing && !confirmed.confidentiality) return this.registerOutgoing(confirmed, actor, { ...opts, outgoing: opts.outgoing });
      const late = opts.late ? checkLateReceipt(opts.late, this.clock()) : null;
      const received = late?.receivedAt ?? opts.receivedAt ?? this.clock();
      const arrival = effectiveArrival(received, this.opts.officeHours);
      const year = vnYear(arrival);
      const now = toVnIso(this.clock());
      const lateMark = late ? { late: { enteredAt: now, enteredBy: actor, paperRecord: late.paperRecord } } : {};
      const { exclusion: _flag, ...extras } = opts.extras ?? {};
      const withheld = withheldKind(confirmed, opts.extras);

      if (withheld) {
        // Nothing of a withheld document's content is written: only that one was held, why, and by whom.
        const e: RegisterEntry = {
          docId: `${withheld === 'secret' ? 'secret' : 'held'}-${randomUUID().slice(0, 8)}`, arrivalNumber: null, arrivalDate: toVnIso(arrival), receivedAt: toVnIso(received), year,
          fields: withheldFields(withheld, confirmed), extras: {}, state: 'held-secret', history: [{ state: 'held-secret', at: now, actor, detail: null }],
          duplicateOf: null, message: withheldMessage(withheld, confirmed), registeredBy: actor, ...(opts.jobId ? { jobId: opts.jobId } : {}),
          withheld, ...lateMark,
          ...(opts.outgoing ? { book: 'outgoing' as const } : {}),
        };
        await this.persist(e, null);
        await this.auditOrThrow({
          at: now, actor, action: 'held', docId: e.docId,
          detail: { withheld, ...(withheld === 'secret' ? { confidentiality: confirmed.confidentiality } : {}), ...(late ? { late: { receivedAt: e.receivedAt, paperRecord: late.paperRecord } } : {}) },
        });
        this.publish(e);
        this.opts.bus?.emit('document.registered', { docId: e.docId, held: true });
        return e;
      }

      const number = (this.counters.get(year) ?? 0) + 1;
      const e: RegisterEntry = {
        docId: docIdOf(year, number), arrivalNumber: number, arrivalDate: toVnIso(arrival), receivedAt: toVnIso(received), year,
        fields: confirmed, extras, state: 'registered', history: [{ state: 'registered', at: now, actor, detail: null }],
        duplicateOf: this.findDuplicate(confirmed.issuer, confirmed.numberNotation), message: null, registeredBy: actor,
        ...(opts.jobId ? { jobId: opts.jobId } : {}), ...lateMark,
        ...(opts.origin ? { origin: opts.origin } : {}), ...(opts.received ? { received: opts.received } : {}),
      };
      await this.persist(e, null); // the commit point of the number
      await this.auditCorrections(e.docId, now, actor, opts.extracted, confirmed);
      await this.auditOrThrow({
        at: now, actor, action: 'registered', docId: e.docId,
        detail: { arrivalNumber: number, arrivalDate: e.arrivalDate, numberNotation: confirmed.numberNotation, issuer: confirmed.issuer, ...(e.duplicateOf ? { duplicateOf: e.duplicateOf } : {}),
          ...(late ? { late: { receivedAt: e.receivedAt, paperRecord: late.paperRecord } } : {}),
          // a received electronic document: which file, and the signatures the clerk was shown
          ...(e.received ? { origin: 'electronic', receivedFile: e.received.fileName, signatures: e.received.signatures } : {}) },
      });
      this.publish(e);
      this.opts.bus?.emit('document.registered', { docId: e.docId, held: false });
      return e;
    });
  }

  /**
   * An outgoing document (sổ văn bản đi, outgoing-book.ts): numbered by its printed số/ký hiệu,
   * refused when that number is already in the outgoing book of its year of issue (a discarded
   * one aside); no số đến is taken. Runs inside register()'s serial().
   */
  private async registerOutgoing(confirmed: DocumentFields, actor: string, opts: { extracted?: DocumentFields; extras?: RegisterExtras; jobId?: string; outgoing: { recipients: ResolvedRecipient[] } }): Promise<RegisterEntry> {
    const number = confirmed.numberNotation;
    if (!number) {
      throw new SohoaError('request.invalid', 'Văn bản đi phải có số, ký hiệu in trên văn bản. Hãy điền số, ký hiệu rồi đăng ký.', 'outgoing document without numberNotation');
    }
    const at = this.clock();
    const year = vnYear(at);
    const key = outgoingKey(confirmed.date, number, year);
    const earlier = this.outgoingDuplicates(number, confirmed.date)[0];
    if (earlier) throw new SohoaError('register.duplicate', duplicateOutgoingMessage(number, key.slice(0, 4), earlier), `outgoing ${number} already registered as ${earlier.docId}`);
    const now = toVnIso(at);
    const e: RegisterEntry = {
      docId: outgoingDocId(at), arrivalNumber: null, arrivalDate: now, receivedAt: now, year,
      fields: confirmed, extras: opts.extras ?? {}, state: 'registered', history: [{ state: 'registered', at: now, actor, detail: null }],
      duplicateOf: null, message: null, registeredBy: actor, ...(opts.jobId ? { jobId: opts.jobId } : {}),
      book: 'outgoing', outgoing: { number, recipients: opts.outgoing.recipients },
    };
    await this.persist(e, null);
    await this.auditCorrections(e.docId, now, actor, opts.extracted, confirmed);
    const sent = e.outgoing!.recipients.filter((r) => r.organId && !r.copyOnly).map((r) => r.organId);
    const unresolved = e.outgoing!.recipients.filter((r) => !r.organId && !r.copyOnly).map((r) => r.text);
    await this.auditOrThrow({ at: now, actor, action: 'registered', docId: e.docId, detail: { book: 'outgoing', numberNotation: number, to: sent, ...(unresolved.length ? { unresolved } : {}) } });
    this.publish(e);
    this.opts.bus?.emit('document.registered', { docId: e.docId, held: false });
    return e;
  }

  /** Outgoing documents (not discarded) already in the book with this printed số/ký hiệu in its year of issue. */
  outgoingDuplicates(numberNotation: string, date: string | null): RegisterEntry[] {
    const key = outgoingKey(date, numberNotation, vnYear(this.clock()));
    return this.index.outgoingWithKey(key).map((id) => this.get(id)).filter((e): e is RegisterEntry => !!e && e.state !== 'discarded');
  }

  private async auditCorrections(docId: string, at: string, actor: string, extracted: DocumentFields | undefined, confirmed: DocumentFields): Promise<void> {
    if (!extracted) return;
    const changes = FIELD_KEYS.filter((k) => JSON.stringify(extracted[k]) !== JSON.stringify(confirmed[k])).map((k) => ({ field: k, old: extracted[k], new: confirmed[k] }));
    if (changes.length) await this.auditOrThrow({ at, actor, action: 'corrected', docId, detail: { changes } });
  }

  /**
   * Moves a document to its next state, recorded in its history and the audit log. `action`
   * names the audit line when a person caused the move (e.g. 'retried'); `signature` records the
   * signature level with the 'signed' state.
   */
  setState(docId: string, state: DocumentState, opts: { actor?: string; detail?: string; message?: string | null; action?: AuditAction; signature?: SignatureInfo } = {}): Promise<RegisterEntry> {
    return this.serial(async () => {
      const cur = this.get(docId);
      if (!cur) throw notFound(docId);
      if (cur.state === state) return cur;
      if (!NEXT[cur.state].includes(state)) {
        throw new SohoaError('register.state', 'Không thể chuyển văn bản sang trạng thái này.', `document ${docId}: ${cur.state} → ${state} is not allowed`);
      }
      const at = toVnIso(this.clock());
      const actor = opts.actor ?? null;
      const next: RegisterEntry = {
        ...cur, state,
        history: [...cur.history, { state, at, actor, detail: opts.detail ?? null }],
        message: opts.message !== undefined ? opts.message : cur.message,
        ...(opts.signature ? { signature: opts.signature } : {}),
      };
      await this.persist(next, cur.state);
      await this.auditOrThrow({
        at, actor: actor ?? 'system', action: opts.action ?? ACTION_FOR[state] ?? 'state', docId,
        detail: { from: cur.state, to: state, ...(opts.detail ? { detail: opts.detail } : {}), ...(opts.signature ? { signature: opts.signature } : {}) },
      });
      this.publish(next);
      return next;
    });
  }

  /**
   * Changes only the clerk-facing explanation of a document (e.g. why it waits for the token): not
   * a state change, so neither history nor audit log; persisted and published like one.
   */
  note(docId: string, message: string | null): Promise<RegisterEntry> {
    return this.serial(async () => {
      const cur = this.get(docId);
      if (!cur) throw notFound(docId);
      if (cur.message === message) return cur;
      const next = { ...cur, message };
      await this.persist(next, cur.state);
      this.publish(next);
      return next;
    });
  }

  /** Records an action of another stage (scanned, deleted pages…) in the audit log. */
  recordAudit(actor: string, action: AuditAction, docId: string | null, detail?: Record<string, unknown>): Promise<void> {
    return this.auditOrThrow({ at: toVnIso(this.clock()), actor, action, docId, ...(detail ? { detail } : {}) });
  }

  private async auditOrThrow(rec: Parameters<AuditLog['append']>[0]): Promise<void> {
    try {
      await this.audit.append(rec);
    } catch (err) {
      throw storageError(err);
    }
  }

  auditTrail(): ReturnType<AuditLog['read']> {
    return this.audit.read();
  }

  /** One document: from memory when open, else read from its file. */
  get(docId: string): RegisterEntry | undefined {
    return this.entries.get(docId) ?? this.store.readSync(docId);
  }

  /** Every document not in a final state (what reconciliation and the filing queue work on), in receipt order. */
  listOpen(): RegisterEntry[] {
    return [...this.entries.values()].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || (a.arrivalNumber ?? 0) - (b.arrivalNumber ?? 0));
  }

  /** How many documents are in each state (metrics). */
  stateCounts(): Partial<Record<DocumentState, number>> {
    return this.index.stateCounts();
  }

  /** The register book: one page of the numbered documents a filter selects, and how many it selects. */
  async book(filter: BookFilter & { limit?: number; offset?: number }): Promise<{ total: number; entries: RegisterEntry[] }> {
    const ids = await matchingIds(this.index, filter);
    const offset = filter.offset ?? 0;
    const page = ids.slice(offset, offset + (filter.limit ?? 50));
    return { total: ids.length, entries: page.map((id) => this.get(id)).filter((e): e is RegisterEntry => !!e) };
  }

  /** Every document a filter selects, in book order, read one by one (exports). */
  async *bookEntries(filter: BookFilter): AsyncGenerator<RegisterEntry> {
    for (const id of await matchingIds(this.index, filter)) {
      const e = this.entries.get(id) ?? (await this.store.read(id));
      if (e) yield e;
    }
  }

  /** Every registration arriving in the range, held ones included, read one by one (statistics, stats.ts). */
  async *statsEntries(filter: StatsFilter): AsyncGenerator<RegisterEntry> {
    const ids = new Set<string>(); // (a line indexed again after a crash may come twice)
    await this.index.scanAll((row) => ids.add(row.docId), filter.from, filter.to);
    for (const id of ids) {
      const e = this.entries.get(id) ?? (await this.store.read(id));
      if (e) yield e;
    }
  }
}
