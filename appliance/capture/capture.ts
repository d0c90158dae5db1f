import { chmod, mkdir, rename, rm, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { Scanner, ScanRequest } from '../../drivers/scanner/scanner.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import { SohoaError, toErrorInfo, type ErrorInfo } from '../errors.js';
import { atomicWrite, PRIVATE_DIR, PRIVATE_FILE } from '../store/atomic-write.js';
import { judgeBlank } from '../pages/clean-page.js';
import { span } from '../ocr/profile.js';
import type { BlankMeasure } from '../pages/blank-measure.js';
import type { PatchCode } from '../pages/patch-code.js';
import { asStorageFull, isDiskFull, storageFull, type DiskGuard } from '../store/disk-guard.js';

// The capture stage: runs one scanner job into the job's spool folder, and for every page as it
// arrives makes the touchscreen preview, judges blankness, records it and hands it on at once (so
// OCR starts on page 1 while page 2 is still in the feeder). A paper problem ends the run but
// keeps every finished page; scanning the same job again appends after them.
// A full disk never leaves a torn page behind: a page is decoded whole (its preview and ink) before
// it is moved into the job and recorded, and the run stops cleanly, keeping its pages, once free
// space falls under the threshold (store/disk-guard.ts) or a write hits ENOSPC (storage.full).
//
// Spool layout (owned by this stage): <dataDir>/spool/<jobId>/
//   page-<n>.tiff   the page as scanned       page-<n>.preview.jpg   preview (~900 px tall)
//   capture.json    the pages so far (rewritten atomically after each page)
//   scan-<run>/     scanimage's working folder for one run (pages are moved out as they finish)

export interface CapturedPage {
  /** 1-based, continuous across runs of the same job. */
  index: number;
  path: string;
  previewPath: string;
  blank: boolean;
  dpi: number;
  /** What the blank judgement counted (appliance/pages, the same measure as `sohoa pages`). */
  blankMeasure: BlankMeasure;
  /** The patch code on the page (a vendor separator sheet), found on the blank judgement's copy. */
  patch?: PatchCode | null;
}

export interface CaptureResult {
  jobId: string;
  dir: string;
  /** Every page of the job so far (earlier runs included). */
  pages: CapturedPage[];
  /** Why this run stopped early (jam, empty feeder, …); null when the feeder ran out normally. */
  error: ErrorInfo | null;
}

export interface CaptureRequest {
  /** Continue an existing job (after a jam) or start this one; a new id is made when absent. */
  jobId?: string;
  source: ScanRequest['source'];
  mode: ScanRequest['mode'];
  dpi: number;
  maxPages?: number;
  signal?: AbortSignal;
  /**
   * Page images handed in instead of a scanner run (`sohoa submit`): taken through the same steps
   * as scanned pages (moved into the job, previews, blankness). Files of the data folder's file system.
   */
  from?: { path: string; dpi: number }[];
  /**
   * Called for each page as soon as it is ready. Not awaited: scanning and previews go on while
   * it works. Its errors are logged, never fail the capture.
   */
  onPage?: (page: CapturedPage) => unknown;
}

export interface CaptureDeps {
  scanner: Scanner;
  bus: EventBus;
  /** Config.dataDir: the spool lives in `<dataDir>/spool`. */
  dataDir: string;
  log?: Logger;
  /** Preview height in pixels (default 900). */
  previewHeight?: number;
  /** Free-space threshold for new scans (absent: never refused, e.g. a test of this stage alone). */
  disk?: DiskGuard;
}

const MANIFEST = 'capture.json';

export function newJobId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** URL the API serves a page preview under (see `CaptureStage.previewPath`). */
export const previewUrl = (jobId: string, index: number) => `/api/jobs/${encodeURIComponent(jobId)}/pages/${index}.jpg`;

export class CaptureStage {
  constructor(private readonly deps: CaptureDeps) {}

  get spoolRoot(): string {
    return join(this.deps.dataDir, 'spool');
  }

  jobDir(jobId: string): string {
    if (!/^[\w.-]+$/.test(jobId)) throw new Error(`invalid job id ${JSON.stringify(jobId)}`);
    return join(this.spoolRoot, jobId);
  }

  previewPath(jobId: string, index: number): string {
    return join(this.jobDir(jobId), `page-${index}.preview.jpg`);
  }

  /** The pages recorded for a job (empty when none). */
  async pages(jobId: string): Promise<CapturedPage[]> {
    try {
      return JSON.parse(await readFile(join(this.jobDir(jobId), MANIFEST), 'utf8')) as CapturedPage[];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /** Throws storage.full (nothing written) when the data disk is too full to take a new document. */
  async requireRoom(what = 'quét văn bản mới'): Promise<void> {
    await this.deps.disk?.requireRoom(what);
  }

  /** Deletes everything of a job (secret documents, discarded scans). */
  async discard(jobId: string): Promise<void> {
    await rm(this.jobDir(jobId), { recursive: true, force: true });
  }

  async capture(req: CaptureRequest): Promise<CaptureResult> {
    const { scanner, bus, log } = this.deps;
    const jobId = req.jobId ?? newJobId();
    const dir = this.jobDir(jobId);
    const pages = await this.pages(jobId);
    const pending: Promise<unknown>[] = [];
    let error: ErrorInfo | null = null;
    // the largest sheet of this run: the scanner feeds the next one while a page is kept
    let largestPageBytes = 0;
    bus.emit('scan.started', { jobId, device: scanner.device });
    const runDir = join(dir, `scan-${Date.now()}`);
    try {
      await mkdir(runDir, { recursive: true, mode: PRIVATE_DIR });
      const scan = req.from
        ? handedIn(req.from)
        : scanner.scan({ source: req.source, mode: req.mode, dpi: req.dpi, outDir: runDir, maxPages: req.maxPages, signal: req.signal });
      for await (const scanned of scan) {
        const page = await this.keepPage(dir, pages.length + 1, scanned.path, scanned.dpi);
        // recorded before it counts: a manifest that cannot be written leaves the page unnamed
        await atomicWrite(join(dir, MANIFEST), JSON.stringify([...pages, page], null, 1)).catch((err: unknown) => {
          throw asStorageFull(err, 'lưu trang vừa quét');
        });
        pages.push(page);
        bus.emit('scan.page', { jobId, page: page.index, imageUrl: previewUrl(jobId, page.index), blank: page.blank });
        if (req.onPage) pending.push(Promise.resolve().then(() => req.onPage!(page)).catch((err: unknown) => {
          log?.error({ jobId, page: page.index, err: (err as Error).message }, 'capture: page consumer failed');
        }));
        // Free space under the threshold once the sheet in the feeder is written: stop the scanner
        // (leaving the loop ends its run) and keep what came.
        if (this.deps.disk) {
          largestPageBytes = Math.max(largestPageBytes, await stat(page.path).then((s) => s.size, () => 0));
          if (await this.deps.disk.low(largestPageBytes)) {
            error = this.deps.disk.stopError(pages.length, await this.deps.disk.space()).toInfo();
            break;
          }
        }
      }
    } catch (err) {
      // the disk filled mid-run all the same (another writer): the pages kept so far stay, as above
      const full = this.deps.disk && pages.length > 0 && (isDiskFull(err) || (err instanceof SohoaError && err.code === 'storage.full'));
      error = full ? this.deps.disk!.stopError(pages.length, await this.deps.disk!.space(), err).toInfo() : toErrorInfo(err);
    } finally {
      await rm(runDir, { recursive: true, force: true }).catch(() => undefined);
    }
    await Promise.all(pending);
    if (error) {
      log?.warn({ jobId, error, pagesKept: pages.length }, 'scan failed');
      bus.emit('scan.failed', { jobId, error, pagesKept: pages.length });
    } else {
      log?.info({ jobId, pages: pages.length }, 'scan finished');
      bus.emit('scan.finished', { jobId, pages: pages.length });
    }
    return { jobId, dir, pages, error };
  }

  /**
   * Moves a finished page into the job folder, writes its preview and judges blankness. The page
   * is decoded whole first: a file torn by a full disk (scanimage does not always say) is refused
   * here, with the reason, and never becomes a page.
   */
  private async keepPage(dir: string, index: number, scannedPath: string, dpi: number): Promise<CapturedPage> {
    const ext = scannedPath.match(/\.(tiff?|png|jpe?g)$/i)?.[1]?.toLowerCase() ?? 'tiff';
    const path = join(dir, `page-${index}.${ext}`);
    const previewPath = join(dir, `page-${index}.preview.jpg`);
    let preview: Buffer;
    let judged: Awaited<ReturnType<typeof judgeBlank>>;
    try {
      // decoded once (each clone of a file input decodes the file again): the preview and the
      // blank judgement both start from these pixels
      const { data, info } = await span('capture.decode', () => sharp(scannedPath, { failOn: 'truncated' })
        .flatten({ background: '#ffffff' }).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true }));
      const img = (): sharp.Sharp => sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
      [preview, judged] = await Promise.all([
        span('capture.preview', () => img().resize({ height: this.deps.previewHeight ?? 900, withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer()),
        span('capture.judgeBlank', () => judgeBlank(img(), dpi)),
      ]);
    } catch (err) {
      await rm(scannedPath, { force: true }).catch(() => undefined);
      if (isDiskFull(err) || (await this.deps.disk?.low())) throw storageFull('lưu trang vừa quét', `page ${index} (${scannedPath}) torn on a full disk: ${(err as Error).message}`, err);
      throw new SohoaError('scanner.device', `Trang ${index} vừa quét bị hỏng (ảnh không đọc được) nên không được giữ. Các trang trước vẫn được giữ: hãy đặt lại trang này vào khay rồi bấm Quét tiếp.`,
        `page ${index} (${scannedPath}) cannot be decoded: ${(err as Error).message}`, { cause: err });
    }
    try {
      await atomicWrite(previewPath, preview);
      await rename(scannedPath, path);
      await chmod(path, PRIVATE_FILE); // written by the scanner's process, under its umask
    } catch (err) {
      await rm(previewPath, { force: true }).catch(() => undefined);
      throw asStorageFull(err, 'lưu trang vừa quét');
    }
    return { index, path, previewPath, blank: judged.blank, dpi, blankMeasure: judged.measure, patch: judged.patch?.code ?? null };
  }
}

/** Handed-in page files as a scanner run would yield them. */
async function* handedIn(files: { path: string; dpi: number }[]): AsyncGenerator<{ path: string; dpi: number }> {
  for (const f of files) yield f;
}
