import { SohoaError } from '../errors.js';
import type { TokenState } from '../events.js';
import type { Logger } from '../log.js';
import type { DocumentFields } from '../extract/fields.js';
import type { RegisterEntry, RegisterExtras } from '../register/register.js';
import { toVnIso } from '../register/vn-time.js';
import type { LateReceipt } from '../register/late-entry.js';
import { WITHHELD_DONE, withheldOf } from '../register/withheld.js';
import type { Actor, Desk, DocumentView, JobView, RegisterJobOptions, ScanOptions } from './desk.js';
import type { CaptureProfile } from '../capture/profiles.js';
import { RecipientResolver } from '../outgoing/resolve-recipients.js';
import { confirmOutgoing } from '../outgoing/confirm-outgoing.js';
import type { ResolvedRecipient } from '../register/entry.js';
import type { FilingQueue } from './filing-queue.js';
import type { OutboxPort, RegisterPort } from './ports.js';
import type { ScanJobs } from './scan-jobs.js';
import type { FieldBoxes } from './field-boxes.js';
import type { PageEdit, PageEditsView, RegionText } from './page-edits.js';
import type { Region } from './page-geometry.js';

/** What the desk needs of the token: its state, and a person's PIN to unlock it. */
export interface TokenPort {
  state(): TokenState;
  login(pin: string): Promise<void>;
  logout(): Promise<void>;
}

// The Desk the API talks to: it routes commands to the stages and assembles views, nothing more.
export class DeskService implements Desk {
  constructor(private readonly deps: {
    jobs: ScanJobs;
    register: RegisterPort;
    filing: FilingQueue;
    outbox: OutboxPort;
    token: TokenPort;
    log?: Logger;
    /** The provisioned agency list with identifiers: where an outgoing document's recipients resolve. */
    recipients?: RecipientResolver;
  }) {}

  private get resolver(): RecipientResolver {
    return this.deps.recipients ?? new RecipientResolver([]);
  }

  /** Jobs whose registration is under way (a second "Đăng ký" on the same scan is refused). */
  private readonly registering = new Set<string>();

  profiles(): CaptureProfile[] {
    return this.deps.jobs.profiles();
  }

  startScan(opts: ScanOptions, actor: Actor): Promise<JobView> {
    // the profile (its scanner settings, its register book) is looked up by ScanJobs
    return this.deps.jobs.startScan(opts, actor);
  }

  resolveRecipients(lines: string[]): ResolvedRecipient[] {
    return this.resolver.resolve(lines);
  }

  agencies(): { id: string; name: string }[] {
    return this.resolver.agencies();
  }

  startBatch(opts: ScanOptions, actor: Actor): Promise<JobView> {
    return this.deps.jobs.startScan(opts, actor, 'batch');
  }

  async mergeJob(jobId: string, actor: Actor): Promise<JobView> {
    this.requireJob(jobId);
    const pages = this.deps.jobs.pageCount(jobId);
    const merged = await this.deps.jobs.merge(jobId);
    // The audit log has no merge action of its own: a state change of the scan, named and explained.
    await this.deps.register.recordAudit(actor.name, 'state', null, {
      jobId, mergedInto: merged.jobId, pages, reason: 'merged with the previous document of the batch',
    });
    return merged;
  }

  continueScan(jobId: string, opts: ScanOptions, actor: Actor): Promise<JobView> {
    this.requireJob(jobId);
    return this.deps.jobs.continueScan(jobId, opts, actor);
  }

  async nextDocument(jobId: string, actor: Actor): Promise<JobView> {
    this.requireJob(jobId);
    const view = await this.deps.jobs.nextDocument(jobId);
    this.deps.log?.info({ jobId, actor: actor.name }, 'next document touched');
    return view;
  }

  listJobs(): JobView[] {
    return this.deps.jobs.list();
  }

  getJob(jobId: string): JobView | undefined {
    return this.deps.jobs.get(jobId);
  }

  pagePreview(jobId: string, page: number): string | undefined {
    return this.deps.jobs.preview(jobId, page);
  }

  async discardJob(jobId: string, actor: Actor): Promise<void> {
    const job = this.requireJob(jobId);
    // A registered scan is its document's pages until filed: throwing it away would strand the document.
    if (job.docId || this.registering.has(jobId)) {
      throw new SohoaError('register.state', 'Bản quét này đã được đăng ký vào sổ, không huỷ được.', `job ${jobId} is document ${job.docId ?? '(being registered)'}`);
    }
    const pages = this.deps.jobs.pageCount(jobId);
    await this.deps.jobs.remove(jobId);
    await this.deps.register.recordAudit(actor.name, 'deleted', null, { jobId, pages, reason: 'discarded by the clerk' });
  }

  pageEdits(jobId: string): Promise<PageEditsView> {
    this.requireJob(jobId);
    return this.deps.jobs.pageEdits.view(jobId);
  }

  async editPages(jobId: string, pages: PageEdit[], actor: Actor): Promise<PageEditsView> {
    this.requireJob(jobId);
    const view = await this.deps.jobs.pageEdits.edit(jobId, pages);
    await this.deps.register.recordAudit(actor.name, 'state', null, { jobId, pages: editSummary(pages), reason: 'pages edited by the clerk' });
    return view;
  }

  async undoPageEdit(jobId: string, actor: Actor): Promise<PageEditsView> {
    this.requireJob(jobId);
    const view = await this.deps.jobs.pageEdits.undo(jobId);
    await this.deps.register.recordAudit(actor.name, 'state', null, { jobId, pages: editSummary(view.pages), reason: 'page edit undone by the clerk' });
    return view;
  }

  readRegion(jobId: string, page: number, region: Region): Promise<RegionText> {
    this.requireJob(jobId);
    return this.deps.jobs.pageEdits.readRegion(jobId, page, region);
  }

  fieldBoxes(jobId: string): FieldBoxes {
    this.requireJob(jobId);
    return this.deps.jobs.pageEdits.fieldBoxes(jobId);
  }

  async registerJob(jobId: string, fields: DocumentFields, actor: Actor, options: RegisterJobOptions = {}): Promise<DocumentView> {
    const { extras, late, outgoing } = options;
    const job = this.requireJob(jobId);
    if (job.state !== 'review' || this.registering.has(jobId)) {
      throw new SohoaError('register.state', 'Tập này chưa sẵn sàng để đăng ký.', `job ${jobId} is ${this.registering.has(jobId) ? 'being registered' : job.state}`);
    }
    // Checked before the register takes a number: a document with no page could never be filed.
    if (await this.deps.jobs.pageEdits.keptCount(jobId) === 0) {
      throw new SohoaError('register.state', 'Bản quét chưa có trang nào có nội dung nên không thể đăng ký. Hãy huỷ bản quét này rồi quét lại văn bản.', `job ${jobId} has no kept page`);
    }
    // An outgoing scan: its recipients as the clerk confirmed them (refused before any write when not sendable).
    const to = job.book === 'outgoing' ? { recipients: confirmOutgoing(this.resolver, fields, outgoing) } : undefined;
    // One registration per scan, also when the clerk touches "Đăng ký" twice.
    this.registering.add(jobId);
    try {
      // The entry names its job in the same write as its number: a crash before attach() is
      // finished at start-up (reconcile/register-jobs.ts), never registered a second time.
      let doc: RegisterEntry;
      try {
        doc = await this.deps.register.register(fields, actor.name, {
          extracted: job.result ?? undefined, jobId, ...(extras ? { extras } : {}), ...(late ? { late } : {}), ...(to ? { outgoing: to } : {}),
          ...(job.received ? { origin: 'electronic' as const, received: job.received } : {}),
        });
      } catch (err) {
        // The number may be committed although a later write (audit log) failed: then this scan
        // is that document, not a new one the clerk would register again with another number.
        const committed = this.deps.register.listOpen().find((d) => d.jobId === jobId);
        if (!committed) throw err;
        doc = committed;
      }
      // In memory at once (the job is no longer reviewable); on disk, or at the next start.
      await this.deps.jobs.attach(jobId, doc.docId).catch((err: unknown) => this.deps.log?.error({ jobId, docId: doc.docId, err }, 'job not marked registered on disk: start-up will'));
      // Withheld (secret, complaint): only the register line stays; the pages wait for the clerk's confirmation to be deleted.
      if (doc.state !== 'held-secret') this.deps.filing.submit(doc.docId);
      return this.view(doc);
    } finally {
      this.registering.delete(jobId);
    }
  }

  /**
   * The status screen's list: every open document and those arriving today or later (the register
   * book, GET /api/register, has the rest: a register of 100 000 documents is not listed whole).
   */
  async listDocuments(): Promise<DocumentView[]> {
    const today = toVnIso(new Date()).slice(0, 10);
    const docs = new Map(this.deps.register.listOpen().map((d) => [d.docId, d]));
    for (const d of (await this.deps.register.book({ from: today, limit: 10_000 })).entries) docs.set(d.docId, d);
    return [...docs.values()].map((d) => this.view(d)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async getDocument(docId: string): Promise<DocumentView | undefined> {
    const doc = this.deps.register.get(docId);
    return doc && this.view(doc);
  }

  async documentPdfs(docId: string): Promise<string[]> {
    return this.deps.filing.signedParts(docId);
  }

  async confirmSecretHeld(docId: string, actor: Actor): Promise<DocumentView> {
    const doc = this.deps.register.get(docId);
    if (!doc) throw new SohoaError('register.not-found', 'Không tìm thấy văn bản trong sổ.', `no document ${docId}`);
    if (doc.state !== 'held-secret') {
      throw new SohoaError('register.state', 'Văn bản này không phải văn bản mật hay đơn thư đang giữ lại.', `document ${docId} is ${doc.state}`);
    }
    const kind = withheldOf(doc) ?? 'secret';
    // Domain rule: nothing of a withheld document stays on the appliance but its register line.
    // The decision is written first, the pages deleted after: a crash in between leaves a
    // discarded document's job, which start-up deletes (reconcile/register-jobs.ts).
    await this.deps.register.recordAudit(actor.name, 'deleted', docId, { reason: kind === 'secret' ? 'secret document kept on paper' : 'complaint kept on paper' });
    const updated = await this.deps.register.setState(docId, 'discarded', { actor: actor.name, message: WITHHELD_DONE[kind] });
    const jobId = this.deps.jobs.jobOf(docId) ?? doc.jobId;
    if (jobId && this.deps.jobs.get(jobId)) {
      await this.deps.jobs.remove(jobId).catch((err: unknown) => this.deps.log?.error({ docId, jobId, err }, 'withheld document: pages not deleted yet, start-up will'));
    }
    return this.view(updated);
  }

  async retryDocument(docId: string, actor: Actor): Promise<DocumentView> {
    return this.view(await this.deps.filing.retry(docId, actor.name));
  }

  async sendNow(docId: string, actor: Actor): Promise<DocumentView> {
    const doc = this.deps.register.get(docId);
    if (!doc) throw new SohoaError('register.not-found', 'Không tìm thấy văn bản trong sổ.', `no document ${docId}`);
    if (this.deps.outbox.get(docId)?.state !== 'queued') {
      throw new SohoaError('register.state', 'Văn bản này không nằm trong hàng chờ gửi.', `document ${docId} is ${doc.state}, outbox ${this.deps.outbox.get(docId)?.state ?? 'none'}`);
    }
    await this.deps.register.recordAudit(actor.name, 'retried', docId, { reason: 'send now' });
    // The queue goes out in order: kicking it retries its head now, this document in its turn.
    this.deps.outbox.kick();
    return this.view(doc);
  }

  tokenState(): TokenState {
    return this.deps.token.state();
  }

  async unlockToken(pin: string, actor: Actor): Promise<TokenState> {
    try {
      await this.deps.token.login(pin);
    } catch (err) {
      await this.deps.register.recordAudit(actor.name, 'token-login', null, { ok: false, code: (err as SohoaError).code ?? 'internal' });
      throw err;
    }
    await this.deps.register.recordAudit(actor.name, 'token-login', null, { ok: true });
    this.deps.filing.tokenReady();
    return this.deps.token.state();
  }

  async lockToken(actor: Actor): Promise<TokenState> {
    await this.deps.token.logout();
    await this.deps.register.recordAudit(actor.name, 'token-logout', null);
    return this.deps.token.state();
  }

  private requireJob(jobId: string): JobView {
    const job = this.deps.jobs.get(jobId);
    if (!job) throw new SohoaError('register.not-found', 'Không tìm thấy tập quét này.', `no job ${jobId}`);
    return job;
  }

  private view(doc: RegisterEntry): DocumentView {
    const d = this.deps.outbox.get(doc.docId);
    return {
      docId: doc.docId,
      arrivalNumber: doc.arrivalNumber,
      arrivalDate: doc.arrivalDate,
      state: doc.state,
      fields: doc.fields,
      delivery: d ? { attempts: d.attempts, nextAttemptAt: d.nextAttemptAt, statusCode: d.statusCode, lastError: d.lastError } : null,
      message: doc.message,
      duplicateOf: doc.duplicateOf,
      ...(doc.book === 'outgoing' ? { book: doc.book, ...(doc.outgoing ? { outgoing: doc.outgoing } : {}) } : {}),
      createdAt: doc.receivedAt,
      signature: doc.signature ?? null,
      retry: d?.state === 'queued' && d.nextAttemptAt ? 'send-now' : this.deps.filing.retryKind(doc),
    };
  }
}

/** A page arrangement in one short line for the audit log: "2,1↻90,-3,4(blank)". */
function editSummary(pages: PageEdit[]): string {
  return pages.map((p) => `${p.removed ? '-' : ''}${p.page}${p.rotation ? `↻${p.rotation}` : ''}${p.blank ? '(blank)' : ''}`).join(',');
}
