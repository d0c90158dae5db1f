import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SohoaError, toErrorInfo } from '../errors.js';
import type { Logger } from '../log.js';
import type { RegisterEntry } from '../register/register.js';
import { atomicWrite } from '../store/atomic-write.js';
import { DiskGuard } from '../store/disk-guard.js';
import { splitAtAttachments } from '../outbox/package-body.js';
import type { FilingPort, JobsPort, OutboxPort, RegisterPort } from './ports.js';

// After the clerk registers a document: searchable PDF → token signature (verified) → edXML →
// outbox, one document at a time in registration order. When the token is locked or pulled out,
// documents wait here (state `registered`) and resume once the clerk unlocks it again: the desk
// never loses a document and never signs without a person's PIN. Every document waiting says why
// (the token's own message), so a clerk with a pile in the list knows what to do.

const SYSTEM = 'hệ thống';
/** How often a document held up by a full disk is tried again. */
const DISK_RETRY_MS = 10_000;

export class FilingQueue {
  private readonly waiting: string[] = [];
  private running: Promise<void> | null = null;
  private pausedForToken = false;
  /** Waiting for disk space (signing or queuing hit a full disk): retried by a timer, no restart needed. */
  private diskTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Why the queue waits for the token, shown on every waiting document; null when not waiting. */
  private waitReason: string | null = null;

  constructor(private readonly deps: {
    register: RegisterPort;
    jobs: JobsPort;
    filing: FilingPort;
    outbox: OutboxPort;
    log: Logger;
    documentsDir: string;
    /** How often a queue stopped by a full disk looks for space again (default DISK_RETRY_MS, 10 s). */
    diskRetryMs?: number;
    /** Free space the documents folder needs before a retry (default 16 MiB: a signed PDF and its package). */
    diskNeedBytes?: number;
  }) {}

  /** Picks up documents registered but not yet queued (before a restart, or while the token was locked). */
  start(): void {
    const open = this.deps.register.listOpen().filter((d) => d.state === 'registered' || d.state === 'signing' || d.state === 'signed');
    for (const d of open.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))) this.waiting.push(d.docId);
    this.pump();
  }

  /** Resolves when the document in hand is finished (for a clean stop). */
  async stop(): Promise<void> {
    this.pausedForToken = true;
    this.stopped = true;
    if (this.diskTimer) clearTimeout(this.diskTimer);
    this.diskTimer = null;
    await this.running;
  }

  submit(docId: string): void {
    if (!this.waiting.includes(docId)) this.waiting.push(docId);
    if (this.waitReason) void this.explainWait([docId]);
    this.pump();
  }

  /** The token became usable again (the clerk unlocked it): resume. */
  tokenReady(): void {
    this.pausedForToken = false;
    this.waitReason = null;
    this.pump();
  }

  /**
   * What the clerk can do about a failed document: 'send' when its signed PDF exists (only the
   * delivery failed: package and queue it again), 'sign' when its scan is still here (sign it
   * again), null when neither (it has to be scanned again).
   */
  retryKind(doc: RegisterEntry): 'sign' | 'send' | null {
    if (doc.state !== 'failed' && doc.state !== 'rejected') return null;
    if (existsSync(this.signedPdfPath(doc.docId))) return 'send';
    return this.deps.jobs.jobOf(doc.docId) ? 'sign' : null;
  }

  /** The clerk sends a failed document back through the queue ("Ký lại" / "Gửi lại"). */
  async retry(docId: string, actor: string): Promise<RegisterEntry> {
    const doc = this.deps.register.get(docId);
    if (!doc) throw new SohoaError('register.not-found', 'Không tìm thấy văn bản trong sổ.', `no document ${docId}`);
    if (doc.state !== 'failed' && doc.state !== 'rejected') {
      throw new SohoaError('register.state', 'Chỉ thử lại được văn bản đang báo lỗi hoặc bị từ chối.', `document ${docId} is ${doc.state}, not failed or rejected`);
    }
    const kind = this.retryKind(doc);
    if (!kind) {
      throw new SohoaError('register.state', 'Văn bản này không còn bản quét để ký lại. Hãy quét lại văn bản giấy.', `document ${docId}: no signed PDF and no scan job`);
    }
    // 'signed' → file() packages the existing PDF; 'registered' → file() signs from the pages.
    const updated = await this.deps.register.setState(docId, kind === 'send' ? 'signed' : 'registered', {
      actor, action: 'retried', detail: kind === 'send' ? 'send the signed PDF again' : 'sign again', message: null,
    });
    this.submit(docId);
    return updated;
  }

  signedPdfPath(docId: string): string {
    return join(this.deps.documentsDir, `${docId}.pdf`);
  }

  /** Part k ≥ 2 of a document split under 50 MB per file (part 1 is signedPdfPath). */
  signedPartPath(docId: string, k: number): string {
    return join(this.deps.documentsDir, `${docId}.p${k}.pdf`);
  }

  /**
   * Every signed file of the document present, part 1 first; none before it is signed. Parts 2…
   * are written before part 1, so with part 1 there, all are.
   */
  signedParts(docId: string): string[] {
    const first = this.signedPdfPath(docId);
    if (!existsSync(first)) return [];
    const parts = [first];
    for (let k = 2; existsSync(this.signedPartPath(docId, k)); k++) parts.push(this.signedPartPath(docId, k));
    return parts;
  }

  private pump(): void {
    if (this.running || this.pausedForToken || this.diskTimer || this.waiting.length === 0) return;
    // drain handles each document's failure; what escapes it (the register cannot be written) is
    // logged, and the next submit or unlock tries again
    this.running = this.drain().catch((err: unknown) => {
      this.deps.log.error({ err }, 'filing queue stopped on an unexpected error');
    }).finally(() => {
      this.running = null;
      this.pump();
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length && !this.pausedForToken && !this.diskTimer) {
      const docId = this.waiting[0]!;
      try {
        await this.file(docId);
        this.waiting.shift();
      } catch (err) {
        const info = toErrorInfo(err);
        if (info.code.startsWith('token.')) {
          // Keep it first in line and wait for a person to unlock the token.
          this.pausedForToken = true;
          this.waitReason = `Chờ ký số: ${info.message}`;
          await this.deps.register.setState(docId, 'registered', { actor: SYSTEM, detail: info.code, message: this.waitReason });
          await this.explainWait(this.waiting.slice(1));
          this.deps.log.warn({ docId, err: info, waiting: this.waiting.length }, 'signing paused until the token is unlocked');
          return;
        }
        if (info.code === 'storage.full' || info.code === 'storage.io') {
          // Not the document's fault: it keeps its place (never left 'signing') and the queue
          // tries again by itself once the disk has room, as the clerk is told.
          await this.waitForDisk(docId, info.message);
          return;
        }
        // This document stops here with its reason ("Ký lại" / "Gửi lại"); the others go on.
        this.waiting.shift();
        const signing = this.deps.register.get(docId)?.state !== 'signed';
        const message = signing ? `Ký lỗi: ${info.message}` : `Chưa đưa được vào hàng đợi gửi: ${info.message}`;
        await this.deps.register.setState(docId, 'failed', { actor: SYSTEM, detail: info.detail ?? info.code, message })
          .catch((e: unknown) => this.deps.log.error({ docId, err: e }, 'could not record the failure'));
        this.deps.log.error({ docId, err: info, stage: signing ? 'sign' : 'queue' }, 'filing failed: the queue goes on');
      }
    }
  }

  private async waitForDisk(docId: string, reason: string): Promise<void> {
    const doc = this.deps.register.get(docId);
    const signing = doc?.state !== 'signed';
    const message = signing
      ? `Chưa ký được văn bản: ${reason} Văn bản sẽ được ký tự động khi ổ đĩa có chỗ trống.`
      : `Chưa đưa được văn bản vào hàng đợi gửi: ${reason} Sẽ tự động thử lại khi ổ đĩa có chỗ trống.`;
    // On a full disk these small writes may fail too: the in-memory state then says 'signing' until
    // the retry writes it, and a restart puts it back to 'registered' (reconcile/register-jobs.ts).
    const record = doc?.state === 'signing'
      ? this.deps.register.setState(docId, 'registered', { actor: SYSTEM, detail: 'disk full', message })
      : this.deps.register.note(docId, message);
    await record.catch((err: unknown) => this.deps.log.error({ docId, err }, 'could not record why the document waits'));
    this.deps.log.error({ docId, stage: signing ? 'sign' : 'queue', reason }, 'filing waits for disk space');
    const retry = async (): Promise<void> => {
      if (this.stopped) return;
      // (the data folder's guard, on the documents folder: the threshold for new scans does not apply here)
      const disk = new DiskGuard({ dataDir: this.deps.documentsDir, minFreeMB: 0 });
      if (!(await disk.hasRoom(this.deps.diskNeedBytes ?? 16 * 1024 * 1024))) {
        this.diskTimer = setTimeout(() => void retry(), this.deps.diskRetryMs ?? DISK_RETRY_MS).unref();
        return;
      }
      this.diskTimer = null;
      this.pump();
    };
    this.diskTimer = setTimeout(() => void retry(), this.deps.diskRetryMs ?? DISK_RETRY_MS).unref();
  }

  /** Writes the token wait reason on documents still waiting to be signed. */
  private async explainWait(docIds: string[]): Promise<void> {
    for (const docId of docIds) {
      const reason = this.waitReason;
      if (this.deps.register.get(docId)?.state !== 'registered') continue;
      await this.deps.register.note(docId, reason)
        .catch((err: unknown) => this.deps.log.error({ docId, err }, 'could not record why the document waits'));
    }
  }

  private async file(docId: string): Promise<void> {
    const { register, jobs, filing, outbox } = this.deps;
    let doc = register.get(docId);
    if (!doc) throw new SohoaError('register.not-found', 'Không tìm thấy văn bản trong sổ.', `no document ${docId}`);
    const pdfPath = this.signedPdfPath(docId);
    const jobId = jobs.jobOf(docId);

    let signed: Uint8Array[];
    if (doc.state === 'signed' && existsSync(pdfPath)) {
      signed = [];
      for (const part of this.signedParts(docId)) signed.push(await readFile(part));
    } else {
      if (!jobId) throw new SohoaError('register.state', 'Văn bản không còn bản quét để ký. Hãy quét lại.', `document ${docId} has no scan job`);
      doc = await register.setState(docId, 'signing', { actor: SYSTEM, message: null });
      const pages = await jobs.keptPages(jobId);
      // over 50 MB: page-split parts, each signed on its own (filing.ts says why)
      const pdfs = filing.buildParts ? await filing.buildParts(pages, doc) : [await filing.buildPdf(pages, doc)];
      signed = [];
      const levels: ('B-B' | 'B-T')[] = [];
      const warnings = new Set<string>();
      for (const pdf of pdfs) {
        const res = await filing.sign(pdf, doc);
        signed.push(res.pdf);
        levels.push(res.level);
        for (const w of res.warnings) warnings.add(w);
      }
      const level = levels.includes('B-B') ? 'B-B' : 'B-T';
      // Written whole before anything points at it: no half-written PDF ever reaches the queue.
      // Parts 2… first, part 1 last (with state 'signed' its presence means every part is there).
      for (let k = 2; k <= signed.length; k++) await atomicWrite(this.signedPartPath(docId, k), signed[k - 1]!);
      for (let k = signed.length + 1; existsSync(this.signedPartPath(docId, k)); k++) await rm(this.signedPartPath(docId, k), { force: true });
      await atomicWrite(pdfPath, signed[0]!);
      // A B-B fallback (timestamp service unreachable) never blocks the desk, but the register says so.
      doc = await register.setState(docId, 'signed', {
        actor: SYSTEM, detail: [`PAdES ${level}`, ...(signed.length > 1 ? [`${signed.length} phần`] : []), ...warnings].join('; '),
        signature: { level, warnings: [...warnings] },
      });
    }

    if (signed.length === 1) {
      const pkg = filing.package(signed[0]!, doc);
      // with the PDF's path the outbox keeps the package as parts around it and sends it streamed
      await outbox.enqueue(docId, pkg.documentId, pkg.xml, { priority: pkg.priority, pdfPath });
      await register.setState(docId, 'queued', { actor: SYSTEM, detail: pkg.documentId });
    } else {
      // Parts: the package's text is built around small stand-ins, and the outbox streams each
      // signed part from its file into it: the whole (base64 ~4/3 of the PDFs) is never in memory.
      const pkg = filing.package(signed.map((_, i) => Buffer.from(`sohoa-part-${i + 1}`)), doc);
      const cut = splitAtAttachments(pkg.xml);
      if (!cut || cut.base64.length !== signed.length) throw new SohoaError('pdf.build', 'Không tạo được gói tin cho văn bản nhiều phần.', `package of ${docId}: ${cut?.base64.length ?? 0} attachments for ${signed.length} parts`);
      const pdfPaths = [pdfPath, ...signed.slice(1).map((_, i) => this.signedPartPath(docId, i + 2))];
      await outbox.enqueue(docId, pkg.documentId, { texts: cut.texts }, { priority: pkg.priority, pdfPaths });
      await register.setState(docId, 'queued', { actor: SYSTEM, detail: `${pkg.documentId} (${signed.length} phần)` });
    }
    // The signed PDF now carries the document; the scan spool is no longer needed (a spool that
    // cannot be removed is the technician's concern, not a failure of the filed document).
    if (jobId) await jobs.remove(jobId).catch((err: unknown) => this.deps.log.warn({ docId, jobId, err }, 'filed, but its scan could not be removed'));
  }
}
