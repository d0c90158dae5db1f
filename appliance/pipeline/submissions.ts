import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SohoaError } from '../errors.js';
import type { DocumentFields } from '../extract/fields.js';
import type { Logger } from '../log.js';
import { expandInput } from '../ocr/page-input.js';
import { PRIVATE_DIR, PRIVATE_FILE } from '../store/atomic-write.js';
import { asStorageFull } from '../store/disk-guard.js';
import type { Actor, Desk, DocumentView, JobView } from './desk.js';
import type { RegisterPort } from './ports.js';
import type { Register, RegisterEntry } from '../register/register.js';
import type { LateReceipt } from '../register/late-entry.js';
import { vnWall } from '../register/vn-time.js';
import type { ScanJobs } from './scan-jobs.js';
import type { TokenPort } from './desk-service.js';
import type { FilingQueue } from './filing-queue.js';

// `sohoa submit`: page images or a PDF handed to the running service, taken through the same path
// as a scan — pages into a job (capture), OCR and fields (extract), then registered with the
// fields the sender gave over the extracted ones, signed and queued by the filing queue.
//
// Safe to retry: every submission carries the sender's client key. The key is written into the
// job record before the first page and into the register entry in the same write that commits its
// number, so a submit retried after a dropped connection or a killed service finds its document
// (or its job) and never registers the same document twice. While one request for a key runs, a
// retry joins it. Files received but not yet in a job live in <dataDir>/submit/<key>/, which
// nothing else owns: cleared at start and after each submission.

export interface SubmitFile {
  /** The sender's file name (for messages only). */
  name: string;
  data: Buffer;
}

export interface SubmitRequest {
  key: string;
  files: SubmitFile[];
  /** Fields given by the sender: they win over the extracted ones. */
  fields?: Partial<DocumentFields>;
  /** A late entry after an outage: the real receipt time and the paper record (register/late-entry.ts). */
  late?: LateReceipt;
}

/** The register entry's view, and where it came from. */
export type SubmitResult = DocumentView & { jobId: string | null; submissionKey: string };

/** States where the document has left the filing queue: queued for sending, or further. */
const FILED = new Set(['queued', 'sending', 'delivered', 'accepted', 'rejected']);

const TIMEOUT_MS = 300_000;

/** How long after its arrival a submission can still be retried under its key and found. */
const RETRY_WINDOW_MS = 7 * 24 * 3600_000;

export class Submissions {
  private readonly running = new Map<string, Promise<SubmitResult>>();
  /** Client key → docId, filled from the register at first use, then by every registration. */
  private byKey: Map<string, string> | null = null;

  constructor(private readonly deps: {
    desk: Desk;
    jobs: ScanJobs;
    register: Pick<RegisterPort, 'listOpen' | 'get'> & Pick<Register, 'bookEntries'>;
    token: Pick<TokenPort, 'state'>;
    filing: Pick<FilingQueue, 'submit' | 'retry'>;
    dataDir: string;
    log: Logger;
  }) {}

  private get inbox(): string {
    return join(this.deps.dataDir, 'submit');
  }

  /** Files received before a restart and never handed to a job belong to no one: removed. */
  async start(): Promise<void> {
    await rm(this.inbox, { recursive: true, force: true }).catch((err: unknown) => this.deps.log.warn({ err }, 'submit: could not clear the inbox'));
    // The client keys a retried submit may still carry: every open document, and those that
    // arrived in the last week (a final one is no longer in memory: the register reads it).
    this.byKey = new Map();
    const remember = (e: RegisterEntry) => { if (e.extras?.submissionKey) this.byKey!.set(e.extras.submissionKey, e.docId); };
    for (const e of this.deps.register.listOpen()) remember(e);
    const from = vnWall(new Date(Date.now() - RETRY_WINDOW_MS)).toISOString().slice(0, 10);
    for await (const e of this.deps.register.bookEntries({ from })) remember(e);
  }

  submit(req: SubmitRequest, actor: Actor): Promise<SubmitResult> {
    const running = this.running.get(req.key);
    if (running) return running;
    const work = this.run(req, actor).finally(() => this.running.delete(req.key));
    this.running.set(req.key, work);
    return work;
  }

  private async run(req: SubmitRequest, actor: Actor): Promise<SubmitResult> {
    const known = this.docOf(req.key);
    if (known) return this.filed(await this.resume(known, req.key, actor), this.deps.jobs.jobOfSubmission(req.key)?.jobId ?? null, req.key);

    const token = this.deps.token.state();
    if (!token.loggedIn) {
      throw new SohoaError('token.not-logged-in',
        'Khoá ký số chưa được mở nên chưa đăng ký được văn bản gửi vào. Hãy mở khoá ký số trên màn hình (Khoá ký số, nhập PIN) rồi gửi lại; chưa có gì được đăng ký.',
        `submission ${req.key}: token ${token.present ? 'present, not logged in' : 'absent'}`);
    }

    let job = this.deps.jobs.jobOfSubmission(req.key);
    const dir = join(this.inbox, req.key);
    try {
      if (job && job.state === 'registered' && job.docId) return this.filed(job.docId, job.jobId, req.key);
      const pages = await this.receive(dir, req.files);
      if (job && (job.state === 'failed' || (job.state !== 'scanning' && job.pages.length !== pages.length))) {
        // cut short by a restart before every page was in, or failed: made again from the files sent again
        this.deps.log.warn({ jobId: job.jobId, key: req.key, pages: job.pages.length, sent: pages.length }, 'submit: incomplete job made again');
        await this.deps.desk.discardJob(job.jobId, actor);
        job = undefined;
      }
      job ??= await this.deps.jobs.startScan({}, actor, 'single', { key: req.key, files: pages.map((path) => ({ path, dpi: 300 })) });
      const ready = await this.reviewed(job.jobId);
      const fields = { ...fieldsOf(ready), ...req.fields };
      const doc = await this.deps.desk.registerJob(ready.jobId, fields, actor, { extras: { submissionKey: req.key }, ...(req.late ? { late: req.late } : {}) });
      this.index().set(req.key, doc.docId);
      return await this.filed(doc.docId, ready.jobId, req.key);
    } finally {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /**
   * A document registered for this key whose job was not marked registered (the service stopped
   * in between): the job is attached now and the document goes on through filing (again).
   */
  private async resume(docId: string, key: string, actor: Actor): Promise<string> {
    const job = this.deps.jobs.jobOfSubmission(key);
    const doc = this.deps.register.get(docId);
    if (!job || job.docId || !doc) return docId;
    this.deps.log.warn({ docId, jobId: job.jobId, key, state: doc.state }, 'submit: registered document found its job again');
    await this.deps.jobs.attach(job.jobId, docId);
    if (doc.state === 'failed') await this.deps.filing.retry(docId, actor.name).catch((err: unknown) => this.deps.log.error({ docId, err }, 'submit: could not file again'));
    else if (doc.state === 'registered') this.deps.filing.submit(docId);
    return docId;
  }

  /** The files written where capture takes them from (the data folder's disk), PDFs rasterised. */
  private async receive(dir: string, files: SubmitFile[]): Promise<string[]> {
    try {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
      const pages: string[] = [];
      for (const [i, f] of files.entries()) {
        const path = join(dir, `file-${i + 1}${extensionOf(f)}`);
        await writeFile(path, f.data, { mode: PRIVATE_FILE });
        const fh = await open(path, 'r');
        await fh.sync().finally(() => fh.close());
        pages.push(...(await expandInput(path, dir)));
      }
      return pages;
    } catch (err) {
      throw asStorageFull(err, 'nhận văn bản gửi vào');
    }
  }

  /** Waits for the job's fields (review); a failed job ends the submission with its reason. */
  private async reviewed(jobId: string): Promise<JobView> {
    return this.until(() => {
      const job = this.deps.jobs.get(jobId);
      if (!job) throw new SohoaError('register.not-found', 'Văn bản gửi vào đã bị huỷ trên màn hình trước khi đăng ký.', `job ${jobId} is gone`);
      if (job.state === 'failed') {
        throw new SohoaError(job.error?.code ?? 'ocr.engine', job.error?.message ?? 'Không đọc được văn bản gửi vào.', `job ${jobId} failed: ${job.error?.detail ?? ''}`);
      }
      return job.state === 'review' ? job : undefined;
    }, `job ${jobId} to reach review`);
  }

  /** The document once the filing queue is done with it (queued or further, or failed). */
  private async filed(docId: string, jobId: string | null, key: string): Promise<SubmitResult> {
    const view = await this.until(async () => {
      const d = await this.deps.desk.getDocument(docId);
      if (!d) throw new SohoaError('register.not-found', 'Không tìm thấy văn bản trong sổ.', `no document ${docId}`);
      // (waiting for the token to be unlocked is said at once: it needs a person)
      const waitsForToken = d.state === 'registered' && !!d.message?.startsWith('Chờ ký số');
      return FILED.has(d.state) || d.state === 'failed' || d.state === 'held-secret' || waitsForToken ? d : undefined;
    }, `document ${docId} to be queued`);
    return { ...view, jobId, submissionKey: key };
  }

  private docOf(key: string): string | undefined {
    return this.index().get(key);
  }

  private index(): Map<string, string> {
    return (this.byKey ??= new Map());
  }

  /** Polls `check` (cheap, in memory) until it returns a value; a time limit says what it waited for. */
  private async until<T>(check: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
    const end = Date.now() + TIMEOUT_MS;
    for (;;) {
      const v = await check();
      if (v !== undefined) return v;
      if (Date.now() > end) {
        throw new SohoaError('internal', 'Văn bản gửi vào chưa xử lý xong trong thời gian chờ; hãy gửi lại (không bị đăng ký hai lần).', `timed out waiting for ${what}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The fields a sender confirms: what extraction proposed, without its confidence, text and flags. */
function fieldsOf(job: JobView): DocumentFields {
  const { confidence: _c, text: _t, flagged: _f, issuerId: _i, ...fields } = job.result!;
  return fields;
}

function extensionOf(f: SubmitFile): string {
  const head = f.data.subarray(0, 8);
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return '.pdf';
  if (head[0] === 0x89 && head.subarray(1, 4).toString('latin1') === 'PNG') return '.png';
  if (head[0] === 0xff && head[1] === 0xd8) return '.jpg';
  if (head.subarray(0, 4).toString('latin1') === 'II*\0' || head.subarray(0, 4).toString('latin1') === 'MM\0*') return '.tiff';
  throw new SohoaError('request.invalid', `Tệp "${f.name}" không phải ảnh trang (PNG, JPEG, TIFF) hay PDF.`, `${f.name}: unknown format`);
}
