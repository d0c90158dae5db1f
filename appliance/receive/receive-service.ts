import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { SohoaError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import { naturalCompare } from '../ocr/page-input.js';
import type { Actor, JobView } from '../pipeline/desk.js';
import type { AuditPort } from '../pipeline/ports.js';
import type { ScanJobs } from '../pipeline/scan-jobs.js';
import { PRIVATE_DIR, PRIVATE_FILE } from '../store/atomic-write.js';
import { ProcessError, runProcess } from '../util/run-process.js';
import { listMediaFiles, resolveMediaPath } from './media.js';
import type { MediaFile, ReceivedFile } from './types.js';
import { openReceived } from './open-received.js';
import { readTextLayer } from './text-layer.js';
import { loadTrustAnchors, verifyReceived } from './verify-received.js';

// Received electronic documents (Hà Nam art. 8.1b; Circular 41/2017): a signed PDF or an edXML
// package from a USB drive or an e-mail attachment, opened at the desk. Its signatures are
// checked with the `sohoa verify` check against the provisioned trust anchors (verify-received.ts:
// a file that is not valid is refused with the reason); its pages become a job in review like a
// scanned one, its fields read from its own text layer (OCR only for pages without one); the clerk
// confirms them and Đăng ký registers, signs and queues it as usual, the register entry marked
// origin 'electronic' with the file's name and its signatures.

export type { ReceivedFile };

export interface ReceiveDeps {
  jobs: Pick<ScanJobs, 'startScan'>;
  audit: AuditPort;
  bus: EventBus;
  log: Logger;
  dataDir: string;
  /** Trust anchors (PEM): receive.trustPath, else token.trustPath. */
  trustPath: string;
  /** Where removable drives are mounted (receive.mediaRoots). */
  mediaRoots: string[];
  /** The kernel's mount table the drives are read from (default /proc/self/mounts; a test's own file). */
  mountTable?: string;
  /** Largest file taken (receive.maxFileMB). */
  maxBytes: number;
}

/** Pages rasterised at 200 dpi in colour (Decree 30 App. I: colour, ≥ 200 dpi, 100 % scale). */
const DPI = 200;
const RASTER_TIMEOUT_MS = 300_000;

export class ReceiveService {
  constructor(private readonly deps: ReceiveDeps) {}

  private get inbox(): string {
    return join(this.deps.dataDir, 'receive');
  }

  /** Files left by a receipt cut short by a restart belong to no job: removed. */
  async start(): Promise<void> {
    await rm(this.inbox, { recursive: true, force: true }).catch((err: unknown) => this.deps.log.warn({ err }, 'receive: could not clear the inbox'));
  }

  listMedia(): Promise<MediaFile[]> {
    return listMediaFiles(this.deps.mediaRoots, this.deps.mountTable);
  }

  /** Opens a file from a mounted drive ("Mở văn bản điện tử"). */
  async openMedia(path: string, actor: Actor): Promise<JobView> {
    const real = await resolveMediaPath(this.deps.mediaRoots, path, this.deps.mountTable);
    const size = (await stat(real)).size;
    this.requireSize(real, size);
    return this.receive({ fileName: real.split('/').pop()!, data: await readFile(real) }, actor);
  }

  /** Verifies, then makes a job in review of the document's pages; refused with the reason when not valid. */
  async receive(file: ReceivedFile, actor: Actor): Promise<JobView> {
    const { log, audit } = this.deps;
    this.requireSize(file.fileName, file.data.length);
    const opened = openReceived(file.fileName, file.data);
    const anchors = await loadTrustAnchors(this.deps.trustPath);
    const verdict = await verifyReceived(opened.pdf, anchors);
    const detail = { fileName: file.fileName, kind: opened.kind, ...(opened.documentId ? { documentId: opened.documentId } : {}), signatures: verdict.signatures };
    if (!verdict.valid) {
      log.warn({ ...detail, reason: verdict.reason }, 'receive: refused');
      await audit.recordAudit(actor.name, 'receive-refused', null, { ...detail, reason: verdict.reason });
      throw new SohoaError('receive.refused',
        `Không tiếp nhận văn bản điện tử "${file.fileName}": ${verdict.reason} Hãy báo nơi gửi để gửi lại bản đúng, hoặc tiếp nhận bản giấy.`,
        `receive: ${file.fileName} refused: ${verdict.reason}`);
    }
    const dir = join(this.inbox, randomUUID());
    try {
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
      const pdfPath = join(dir, 'received.pdf');
      await writeFile(pdfPath, opened.pdf, { mode: PRIVATE_FILE });
      const pages = await rasterise(pdfPath, dir);
      const rasters = await Promise.all(pages.map(async (p) => {
        const m = await sharp(p).metadata();
        return { width: m.width ?? 0, height: m.height ?? 0, dpi: DPI };
      }));
      const textLayer = await readTextLayer(pdfPath, rasters);
      await rm(pdfPath, { force: true });
      const received = { fileName: file.fileName, signatures: verdict.signatures };
      const job = await this.deps.jobs.startScan({}, actor, 'single', {
        key: `receive-${randomUUID()}`, files: pages.map((path) => ({ path, dpi: DPI })), textLayer, received,
      });
      // capture moves the page files into the job; what is left of the folder goes when it is done
      this.clearWhenCaptured(job.jobId, dir);
      const withText = textLayer.filter(Boolean).length;
      log.info({ ...detail, jobId: job.jobId, pages: pages.length, textLayerPages: withText }, 'receive: opened');
      await audit.recordAudit(actor.name, 'received', null, { ...detail, jobId: job.jobId, pages: pages.length, textLayerPages: withText });
      return job;
    } catch (err) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
  }

  private requireSize(name: string, bytes: number): void {
    if (bytes > this.deps.maxBytes) {
      throw new SohoaError('request.invalid', `Tệp "${name}" lớn hơn ${Math.round(this.deps.maxBytes / 1048576)} MB nên không mở được trên máy.`, `receive: ${name} is ${bytes} bytes`);
    }
  }

  private clearWhenCaptured(jobId: string, dir: string): void {
    const offs = [this.deps.bus.on('scan.finished', (e) => done(e.jobId)), this.deps.bus.on('scan.failed', (e) => done(e.jobId))];
    const done = (id: string) => {
      if (id !== jobId) return;
      for (const off of offs) off();
      void rm(dir, { recursive: true, force: true }).catch((err: unknown) => this.deps.log.warn({ err, dir }, 'receive: folder not removed'));
    };
  }
}

/** One PNG per page, in colour at DPI, with a time limit. */
async function rasterise(pdfPath: string, dir: string): Promise<string[]> {
  try {
    await runProcess('pdftoppm', ['-r', String(DPI), '-png', pdfPath, join(dir, 'page')], { timeoutMs: RASTER_TIMEOUT_MS });
  } catch (err) {
    if (err instanceof ProcessError && err.kind === 'timeout') throw new SohoaError('ocr.input', `Tệp PDF đọc quá lâu (quá ${RASTER_TIMEOUT_MS / 1000} giây) nên đã dừng.`, err.message, { cause: err });
    throw new SohoaError('ocr.input', 'Tệp PDF hỏng hoặc không đọc được.', (err as Error).message, { cause: err });
  }
  const pages = (await readdir(dir)).filter((n) => n.startsWith('page') && n.endsWith('.png')).sort(naturalCompare);
  if (!pages.length) throw new SohoaError('ocr.input', 'Tệp PDF không có trang nào.', `${pdfPath}: no pages`);
  return pages.map((n) => join(dir, n));
}
