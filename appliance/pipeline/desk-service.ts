import { existsSync } from 'node:fs';
import { SohoaError } from '../errors.js';
import type { EventBus, TokenState } from '../events.js';
import type { DocumentFields } from '../extract/fields.js';
import type { Logger } from '../log.js';
import type { Actor, Desk, DocumentView, JobView, ScanOptions } from './desk.js';
import type { FilingQueue } from './filing-queue.js';
import type { OutboxPort, RegisteredDoc, RegisterPort } from './ports.js';
import type { ScanJobs } from './scan-jobs.js';

/** What the desk needs of the token: its state, and a person's PIN to unlock it. */
export interface TokenPort {
  state(): TokenState;
  unlock(pin: string): Promise<TokenState>;
  lock(): Promise<TokenState>;
}

// The Desk the API talks to: it only routes commands to the stages and assembles views.
export class DeskService implements Desk {
  constructor(private readonly deps: {
    jobs: ScanJobs;
    register: RegisterPort;
    filing: FilingQueue;
    outbox: OutboxPort;
    token: TokenPort;
    bus: EventBus;
    log: Logger;
  }) {}

  startScan(opts: ScanOptions, actor: Actor): Promise<JobView> {
    return this.deps.jobs.startScan(opts, actor);
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
    if (!this.deps.jobs.get(jobId)) throw new SohoaError('register.not-found', 'Không tìm thấy tập quét này.', `no job ${jobId}`);
    await this.deps.jobs.remove(jobId);
    await this.deps.register.audit(actor, 'discard-scan', null, { jobId });
  }

  async registerJob(jobId: string, fields: DocumentFields, actor: Actor): Promise<DocumentView> {
    const job = this.deps.jobs.get(jobId);
    if (!job) throw new SohoaError('register.not-found', 'Không tìm thấy tập quét này.', `no job ${jobId}`);
    if (job.state !== 'review') {
      throw new SohoaError('register.state', 'Tập này chưa sẵn sàng để đăng ký.', `job ${jobId} is ${job.state}`);
    }
    const corrected = changedFields(job.result, fields);
    if (Object.keys(corrected).length) await this.deps.register.audit(actor, 'correct-fields', null, { jobId, corrected });

    const doc = await this.deps.register.register(fields, actor, jobId);
    await this.deps.jobs.attach(jobId, doc.docId);
    this.changed(doc);
    // Secret documents stay in the register as paper; everything else goes on to signing.
    if (doc.state !== 'held-secret') this.deps.filing.submit(doc.docId);
    return this.view(doc);
  }

  async listDocuments(): Promise<DocumentView[]> {
    const docs = await this.deps.register.list();
    const views = await Promise.all(docs.map((d) => this.view(d)));
    return views.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async getDocument(docId: string): Promise<DocumentView | undefined> {
    const doc = await this.deps.register.get(docId);
    return doc && this.view(doc);
  }

  async documentPdf(docId: string): Promise<string | undefined> {
    const path = this.deps.filing.signedPdfPath(docId);
    return existsSync(path) ? path : undefined;
  }

  async confirmSecretHeld(docId: string, actor: Actor): Promise<DocumentView> {
    const doc = await this.deps.register.get(docId);
    if (!doc) throw new SohoaError('register.not-found', 'Không tìm thấy văn bản trong sổ.', `no document ${docId}`);
    if (doc.state !== 'held-secret') {
      throw new SohoaError('register.state', 'Văn bản này không phải văn bản mật đang giữ lại.', `document ${docId} is ${doc.state}`);
    }
    // Domain rule: nothing of a secret document stays on the appliance but its register line.
    if (doc.jobId) await this.deps.jobs.remove(doc.jobId);
    const updated = await this.deps.register.setState(docId, 'discarded', actor, 'Văn bản mật: đã xoá bản quét, giữ bản giấy');
    this.changed(updated);
    return this.view(updated);
  }

  tokenState(): TokenState {
    return this.deps.token.state();
  }

  async unlockToken(pin: string, actor: Actor): Promise<TokenState> {
    try {
      const state = await this.deps.token.unlock(pin);
      await this.deps.register.audit(actor, 'token-unlock', null, { ok: true });
      this.deps.filing.tokenReady();
      return state;
    } catch (err) {
      await this.deps.register.audit(actor, 'token-unlock', null, { ok: false, code: (err as SohoaError).code });
      throw err;
    }
  }

  async lockToken(actor: Actor): Promise<TokenState> {
    const state = await this.deps.token.lock();
    await this.deps.register.audit(actor, 'token-lock', null);
    return state;
  }

  /** Relays a document's new state to observers (UI). */
  changed(doc: RegisteredDoc): void {
    this.deps.bus.emit('document.changed', {
      docId: doc.docId, arrivalNumber: doc.arrivalNumber, state: doc.state, fields: doc.fields,
      ...(doc.message ? { message: doc.message } : {}),
    });
  }

  private async view(doc: RegisteredDoc): Promise<DocumentView> {
    const d = await this.deps.outbox.get(doc.docId);
    return {
      docId: doc.docId,
      arrivalNumber: doc.arrivalNumber,
      arrivalDate: doc.arrivalDate,
      state: doc.state,
      fields: doc.fields,
      delivery: d ? { attempts: d.attempts, nextAttemptAt: d.nextAttemptAt, statusCode: d.statusCode, lastError: d.lastError } : null,
      message: doc.message,
      duplicateOf: doc.duplicateOf,
      createdAt: doc.createdAt,
    };
  }
}

/** Fields the clerk changed from what extraction proposed (audit: old → new). */
function changedFields(proposed: DocumentFields | null, final: DocumentFields): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  if (!proposed) return out;
  for (const k of Object.keys(final) as (keyof DocumentFields)[]) {
    if (JSON.stringify(proposed[k] ?? null) !== JSON.stringify(final[k] ?? null)) out[k] = { from: proposed[k] ?? null, to: final[k] };
  }
  return out;
}
