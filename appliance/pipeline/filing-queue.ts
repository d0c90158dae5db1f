import { join } from 'node:path';
import { SohoaError, toErrorInfo } from '../errors.js';
import type { Logger } from '../log.js';
import { atomicWrite } from '../store/atomic-write.js';
import type { Actor } from './desk.js';
import type { FilingPort, OutboxPort, RegisteredDoc, RegisterPort } from './ports.js';
import type { ScanJobs } from './scan-jobs.js';

// After the clerk registers a document: searchable PDF → token signature (verified) → edXML →
// outbox, one document at a time in registration order. When the token is locked or pulled out,
// documents wait here (state `registered`) and resume once the clerk unlocks it again: the desk
// never loses a document and never signs without a person's PIN.

const SYSTEM: Actor = { name: 'hệ thống' };

export class FilingQueue {
  private readonly waiting: string[] = [];
  private running = false;
  private pausedForToken = false;

  constructor(private readonly deps: {
    register: RegisterPort;
    jobs: ScanJobs;
    filing: FilingPort;
    outbox: OutboxPort;
    log: Logger;
    documentsDir: string;
    onChanged: (doc: RegisteredDoc) => void;
  }) {}

  /** Picks up documents registered but not yet queued (e.g. before a restart or while the token was locked). */
  async start(): Promise<void> {
    const docs = await this.deps.register.list();
    for (const d of docs.sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))) {
      if (d.state === 'registered' || d.state === 'signing' || d.state === 'signed') this.waiting.push(d.docId);
    }
    this.pump();
  }

  submit(docId: string): void {
    if (!this.waiting.includes(docId)) this.waiting.push(docId);
    this.pump();
  }

  /** The token became usable again (clerk unlocked it): resume. */
  tokenReady(): void {
    this.pausedForToken = false;
    this.pump();
  }

  pendingCount(): number {
    return this.waiting.length;
  }

  signedPdfPath(docId: string): string {
    return join(this.deps.documentsDir, `${docId}.pdf`);
  }

  private pump(): void {
    if (this.running || this.pausedForToken || this.waiting.length === 0) return;
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      if (!this.pausedForToken && this.waiting.length) this.pump();
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length && !this.pausedForToken) {
      const docId = this.waiting[0]!;
      try {
        await this.file(docId);
        this.waiting.shift();
      } catch (err) {
        const info = toErrorInfo(err);
        if (info.code.startsWith('token.')) {
          // Keep it first in line; wait for the clerk to unlock the token.
          this.pausedForToken = true;
          const doc = await this.deps.register.setState(docId, 'registered', SYSTEM, `Chờ ký số: ${info.message}`);
          this.deps.onChanged({ ...doc, message: `Chờ ký số: ${info.message}` });
          this.deps.log.warn({ docId, err: info }, 'signing paused until the token is unlocked');
          return;
        }
        this.waiting.shift();
        const doc = await this.deps.register.setState(docId, 'failed', SYSTEM, info.message);
        this.deps.onChanged({ ...doc, message: info.message });
        this.deps.log.error({ docId, err: info }, 'filing failed');
      }
    }
  }

  private async file(docId: string): Promise<void> {
    let doc = await this.deps.register.get(docId);
    if (!doc) throw new SohoaError('register.not-found', 'Không tìm thấy văn bản trong sổ.', `no document ${docId}`);
    if (!doc.jobId) throw new SohoaError('register.state', 'Văn bản không còn bản quét để ký.', `document ${docId} has no scan job`);
    const pages = this.deps.jobs.keptPages(doc.jobId);

    doc = await this.deps.register.setState(docId, 'signing', SYSTEM);
    this.deps.onChanged(doc);
    const pdf = await this.deps.filing.buildPdf(pages, doc);
    const signed = await this.deps.filing.sign(pdf, doc);
    // The signed PDF is written before anything points at it: no half-written file reaches the queue.
    await atomicWrite(this.signedPdfPath(docId), signed);
    doc = await this.deps.register.setState(docId, 'signed', SYSTEM);
    this.deps.onChanged(doc);

    const pkg = this.deps.filing.package(signed, doc);
    await this.deps.outbox.enqueue(docId, pkg.documentId, pkg.xml);
    doc = await this.deps.register.setState(docId, 'queued', SYSTEM, pkg.documentId);
    this.deps.onChanged(doc);
    // The signed PDF now carries the document; the scan spool is no longer needed.
    await this.deps.jobs.remove(doc.jobId!);
  }
}
