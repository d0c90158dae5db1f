import { randomUUID } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { PRIVATE_DIR } from '../store/atomic-write.js';
import { unlessDiskFull } from '../store/disk-guard.js';
import { join } from 'node:path';
import { SohoaError } from '../errors.js';
import type { DocumentState, EventBus } from '../events.js';
import { emptyFields, FIELD_KEYS, type DocumentFields } from '../extract/fields.js';
import { Quarantine } from '../store/quarantine.js';
import { decodeStateFile, readStateFile, writeStateFile, type StateFileFormat } from '../store/state-file.js';
import { AuditLog } from '../audit/audit-log.js';
import { defaultHeadPath } from '../audit/files.js';
import type { Logger } from '../log.js';
import type { AuditAction } from './audit-log.js';
import { checkOfficeHours, effectiveArrival, type OfficeHours } from './office-hours.js';
import { toVnIso, vnYear } from './vn-time.js';

// The incoming-document register (sổ đăng ký văn bản đến). On disk under its own folder:
//   documents/<docId>.json   one file per document, written atomically: the source of truth
//   counters.json            last number issued per year (a checkpoint; start() re-derives it)
//   audit.jsonl              who did what, append-only, hash-chained (appliance/audit/)
// A number is committed when its document file is on disk, so a crash at any point neither
// reuses nor skips a number. A document or checkpoint file that cannot be read is set aside in the
// quarantine (store/state-file.ts) and the register starts with the rest; the number of a document
// set aside (its file name) stays taken, so it is never issued twice.

export interface RegisterExtras {
  recipientUnit?: string | null;
  dueDate?: string | null;
  note?: string | null;
  /** The client key of the `sohoa submit` that brought the document (a retried submit finds it). */
  submissionKey?: string;
}

export interface StateChange {
  state: DocumentState;
  at: string;
  actor: string | null;
  detail: string | null;
}

/** The agency signature on the filed PDF: B-T when a timestamp service stamped it, else B-B. */
export interface SignatureInfo {
  level: 'B-B' | 'B-T';
  /** Why the level is lower than configured (e.g. the timestamp service did not answer). */
  warnings: string[];
}

export interface RegisterEntry {
  docId: string;
  /** Số đến: sequential per calendar year; null for a secret document (kept on paper). */
  arrivalNumber: number | null;
  /** When it counts as received (office hours applied), ISO 8601 +07:00. */
  arrivalDate: string;
  /** When it was actually received. */
  receivedAt: string;
  year: number;
  fields: DocumentFields;
  extras: RegisterExtras;
  state: DocumentState;
  history: StateChange[];
  /** docId of an earlier document with the same issuer + number/notation (a warning). */
  duplicateOf: string | null;
  /** Plain-Vietnamese explanation for the clerk (held, failed, rejected), or null. */
  message: string | null;
  registeredBy: string;
  /** Set when the document is signed; absent on entries written before signing was recorded. */
  signature?: SignatureInfo;
}

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
}

interface Counters {
  /** Last số đến issued, per year ("2024" → 118). */
  lastNumber: Record<string, number>;
}

const COUNTERS: StateFileFormat = {
  format: 'register.counters',
  check: (d) => !!d.lastNumber && typeof d.lastNumber === 'object' && !Array.isArray(d.lastNumber) &&
    Object.entries(d.lastNumber).every(([y, n]) => /^\d{4}$/.test(y) && Number.isInteger(n) && (n as number) >= 0),
};

const DOCUMENT: StateFileFormat = {
  format: 'register.document',
  indent: 2,
  check: (d) => typeof d.docId === 'string' && Number.isInteger(d.year) && typeof d.state === 'string' &&
    (d.arrivalNumber === null || (Number.isInteger(d.arrivalNumber) && (d.arrivalNumber as number) > 0)) &&
    typeof d.receivedAt === 'string' && typeof d.arrivalDate === 'string' &&
    !!d.fields && typeof d.fields === 'object' && Array.isArray(d.history),
};

/** The year and số đến a document file's name carries (`2024-000118.json…`); null for a held secret one. */
function numberInName(name: string): { year: number; number: number } | null {
  const m = /^(\d{4})-(\d{6,})\.json(?:\.|$)/.exec(name);
  return m ? { year: Number(m[1]), number: Number(m[2]) } : null;
}

/** The last numbers per year in a counters.json text, whatever its format version (backup reads it too). */
export function lastNumbersIn(text: string, file = 'counters.json'): Record<string, number> {
  return decodeStateFile<Counters>(text, COUNTERS, file).value.lastNumber;
}

/** Which state may follow which: anything else is a bug in the caller. */
const NEXT: Record<DocumentState, DocumentState[]> = {
  scanning: [], extracting: [], review: [],
  registered: ['signing', 'failed', 'discarded'],
  signing: ['signed', 'failed', 'registered'],
  signed: ['queued', 'failed'],
  queued: ['sending', 'delivered', 'accepted', 'rejected', 'failed'],
  sending: ['queued', 'delivered', 'accepted', 'rejected', 'failed'],
  // After 01 the central system still decides: 03 accepted, or 02 rejected with a reason.
  delivered: ['accepted', 'rejected'],
  accepted: [],
  // The clerk fixes the fields and sends again.
  rejected: ['signed', 'registered', 'discarded'],
  'held-secret': ['discarded'],
  // 'signed': the clerk retries a document whose signed PDF exists (only the delivery failed).
  failed: ['registered', 'signing', 'signed', 'queued', 'discarded'],
  discarded: [],
};

const ACTION_FOR: Partial<Record<DocumentState, AuditAction>> = {
  signed: 'signed', sending: 'sent', delivered: 'delivered', accepted: 'accepted', rejected: 'rejected', failed: 'failed', discarded: 'discarded',
};

export const SECRET_MESSAGE = (level: string) =>
  `Văn bản có độ mật "${level}" không được gửi qua mạng. Hãy đăng ký vào sổ văn bản mật và chuyển bản giấy theo quy định. ` +
  'Ảnh đã quét của văn bản này sẽ bị xóa khi anh/chị xác nhận.';

const norm = (s: string) => s.normalize('NFC').toLocaleLowerCase('vi').replace(/\s*\/\s*/g, '/').replace(/\s+/g, ' ').trim();

function nfcFields(f: DocumentFields): DocumentFields {
  const n = (v: string | null) => (v === null ? null : v.normalize('NFC').trim());
  return {
    ...f,
    issuerParent: n(f.issuerParent), issuer: n(f.issuer), numberNotation: n(f.numberNotation), number: n(f.number),
    place: n(f.place), type: f.type.normalize('NFC').trim(), summary: n(f.summary), authority: n(f.authority),
    signerTitle: n(f.signerTitle), signer: n(f.signer), recipients: f.recipients.map((r) => r.normalize('NFC').trim()),
  };
}

export class Register {
  private readonly entries = new Map<string, RegisterEntry>();
  private readonly counters = new Map<number, number>();
  private readonly byIssuerNumber = new Map<string, string>();
  private readonly audit: AuditLog;
  private readonly clock: () => Date;
  /** Registrations and state changes run one at a time. */
  private chain: Promise<unknown> = Promise.resolve();

  private readonly quarantine: Quarantine;

  constructor(private readonly opts: RegisterOptions) {
    this.audit = new AuditLog({
      dir: opts.dir, headPath: opts.auditHeadPath ?? defaultHeadPath(opts.dir), maxBytes: opts.auditMaxBytes, log: opts.log, clock: opts.clock,
    });
    this.clock = opts.clock ?? (() => new Date());
    this.quarantine = opts.quarantine ?? new Quarantine({ dataDir: opts.dir });
  }

  async start(): Promise<void> {
    // A bad setting is refused here, before any registration could try to compute with it.
    checkOfficeHours(this.opts.officeHours);
    await mkdir(join(this.opts.dir, 'documents'), { recursive: true, mode: PRIVATE_DIR });
    const at = { quarantine: this.quarantine, store: 'register' as const };
    const countersPath = join(this.opts.dir, 'counters.json');
    const checkpoint = await readStateFile<Counters>(countersPath, COUNTERS, at);
    if (checkpoint.status === 'ok') for (const [y, n] of Object.entries(checkpoint.value.lastNumber)) this.counters.set(Number(y), n);
    const saved = JSON.stringify(Object.fromEntries(this.counters));
    for (const name of await readdir(join(this.opts.dir, 'documents'))) {
      if (!name.endsWith('.json')) continue; // leftovers of an interrupted atomic write
      const read = await readStateFile<RegisterEntry>(join(this.opts.dir, 'documents', name), DOCUMENT, at);
      if (read.status === 'ok') this.index(read.value);
    }
    // Documents set aside, now or on an earlier start, keep their numbers: the next one follows them.
    for (const name of await this.quarantine.entries('register')) {
      const taken = numberInName(name);
      if (taken && taken.number > (this.counters.get(taken.year) ?? 0)) this.counters.set(taken.year, taken.number);
    }
    // The checkpoint says what was derived (missing, set aside, older or behind: written now).
    if (checkpoint.status !== 'ok' || JSON.stringify(Object.fromEntries(this.counters)) !== saved) {
      await unlessDiskFull(() => this.saveCounters(), this.opts.log, 'register counters checkpoint');
    }
    await this.audit.start();
  }

  async stop(): Promise<void> {
    await this.chain.catch(() => undefined);
    await this.audit.stop();
  }

  private index(e: RegisterEntry): void {
    this.entries.set(e.docId, e);
    if (e.arrivalNumber !== null && e.arrivalNumber > (this.counters.get(e.year) ?? 0)) this.counters.set(e.year, e.arrivalNumber);
    const key = this.dupKey(e.fields.issuer, e.fields.numberNotation);
    if (key && !this.byIssuerNumber.has(key)) this.byIssuerNumber.set(key, e.docId);
  }

  private dupKey(issuer: string | null, numberNotation: string | null): string | null {
    return issuer && numberNotation ? `${norm(issuer)}|${norm(numberNotation)}` : null;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.catch(() => undefined).then(fn);
    this.chain = run;
    return run;
  }

  private async persist(e: RegisterEntry): Promise<void> {
    try {
      await writeStateFile(join(this.opts.dir, 'documents', `${e.docId}.json`), DOCUMENT, e);
    } catch (err) {
      throw storageError(err);
    }
  }

  private saveCounters(): Promise<void> {
    return writeStateFile(join(this.opts.dir, 'counters.json'), COUNTERS, { lastNumber: Object.fromEntries(this.counters) } satisfies Counters);
  }

  private publish(e: RegisterEntry): void {
    this.opts.bus?.emit('document.changed', {
      docId: e.docId, arrivalNumber: e.arrivalNumber, state: e.state, fields: e.fields, ...(e.message ? { message: e.message } : {}),
    });
  }

  /** The earlier document with the same issuer and number/notation, if any. */
  findDuplicate(issuer: string | null, numberNotation: string | null): string | null {
    const key = this.dupKey(issuer, numberNotation);
    return key ? (this.byIssuerNumber.get(key) ?? null) : null;
  }

  /**
   * Registers a confirmed document: takes the next số đến of the arrival year, or holds a secret
   * document (no number, none of its content kept). `extracted` (what OCR proposed) lets the audit
   * log record each field the clerk corrected.
   */
  register(fields: DocumentFields, actor: string, opts: { receivedAt?: Date; extracted?: DocumentFields; extras?: RegisterExtras } = {}): Promise<RegisterEntry> {
    return this.serial(async () => {
      const confirmed = nfcFields(fields);
      const received = opts.receivedAt ?? this.clock();
      const arrival = effectiveArrival(received, this.opts.officeHours);
      const year = vnYear(arrival);
      const now = toVnIso(this.clock());
      const secret = confirmed.confidentiality;

      if (secret) {
        // Nothing of a secret document's content is written: only that one was held, and by whom.
        const e: RegisterEntry = {
          docId: `secret-${randomUUID().slice(0, 8)}`, arrivalNumber: null, arrivalDate: toVnIso(arrival), receivedAt: toVnIso(received), year,
          fields: { ...emptyFields(), confidentiality: secret, urgency: confirmed.urgency, pages: confirmed.pages },
          extras: {}, state: 'held-secret', history: [{ state: 'held-secret', at: now, actor, detail: null }],
          duplicateOf: null, message: SECRET_MESSAGE(secret), registeredBy: actor,
        };
        await this.persist(e);
        this.entries.set(e.docId, e);
        await this.auditOrThrow({ at: now, actor, action: 'held', docId: e.docId, detail: { confidentiality: secret } });
        this.publish(e);
        this.opts.bus?.emit('document.registered', { docId: e.docId, held: true });
        return e;
      }

      const number = (this.counters.get(year) ?? 0) + 1;
      const e: RegisterEntry = {
        docId: `${year}-${String(number).padStart(6, '0')}`, arrivalNumber: number, arrivalDate: toVnIso(arrival), receivedAt: toVnIso(received), year,
        fields: confirmed, extras: opts.extras ?? {}, state: 'registered', history: [{ state: 'registered', at: now, actor, detail: null }],
        duplicateOf: this.findDuplicate(confirmed.issuer, confirmed.numberNotation), message: null, registeredBy: actor,
      };
      await this.persist(e); // the commit point of the number
      this.index(e);
      await this.saveCounters().catch(() => undefined); // a checkpoint only: start() re-derives it
      if (opts.extracted) {
        const changes = FIELD_KEYS.filter((k) => JSON.stringify(opts.extracted![k]) !== JSON.stringify(confirmed[k]))
          .map((k) => ({ field: k, old: opts.extracted![k], new: confirmed[k] }));
        if (changes.length) await this.auditOrThrow({ at: now, actor, action: 'corrected', docId: e.docId, detail: { changes } });
      }
      await this.auditOrThrow({
        at: now, actor, action: 'registered', docId: e.docId,
        detail: { arrivalNumber: number, arrivalDate: e.arrivalDate, numberNotation: confirmed.numberNotation, issuer: confirmed.issuer, ...(e.duplicateOf ? { duplicateOf: e.duplicateOf } : {}) },
      });
      this.publish(e);
      this.opts.bus?.emit('document.registered', { docId: e.docId, held: false });
      return e;
    });
  }

  /**
   * Moves a document to its next state, recorded in its history and the audit log. `action`
   * names the audit line when a person caused the move (e.g. 'retried'); `signature` records the
   * signature level with the 'signed' state.
   */
  setState(docId: string, state: DocumentState, opts: { actor?: string; detail?: string; message?: string | null; action?: AuditAction; signature?: SignatureInfo } = {}): Promise<RegisterEntry> {
    return this.serial(async () => {
      const cur = this.entries.get(docId);
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
      await this.persist(next);
      this.entries.set(docId, next);
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
      const cur = this.entries.get(docId);
      if (!cur) throw notFound(docId);
      if (cur.message === message) return cur;
      const next = { ...cur, message };
      await this.persist(next);
      this.entries.set(docId, next);
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

  get(docId: string): RegisterEntry | undefined {
    return this.entries.get(docId);
  }

  /** Documents in receipt order (year, then number; held ones by time). */
  list(filter: { year?: number; state?: DocumentState } = {}): RegisterEntry[] {
    return [...this.entries.values()]
      .filter((e) => (filter.year === undefined || e.year === filter.year) && (filter.state === undefined || e.state === filter.state))
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || (a.arrivalNumber ?? 0) - (b.arrivalNumber ?? 0));
  }
}

function notFound(docId: string): SohoaError {
  return new SohoaError('register.not-found', 'Không tìm thấy văn bản trong sổ đăng ký.', `no register entry ${docId}`);
}

function storageError(err: unknown): SohoaError {
  if (err instanceof SohoaError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOSPC') return new SohoaError('storage.full', 'Ổ đĩa đã đầy, chưa đăng ký được văn bản. Hãy báo kỹ thuật viên giải phóng dung lượng.', e.message, { cause: err });
  return new SohoaError('storage.io', 'Lỗi ghi sổ đăng ký ra đĩa. Hãy báo kỹ thuật viên.', e.message, { cause: err });
}
