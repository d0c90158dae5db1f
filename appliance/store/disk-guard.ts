import { SohoaError } from '../errors.js';
import { diskSpace, type DiskSpace } from '../health/disk-space.js';

// Full-disk safety for what the desk adds to the data folder (scans, submitted documents). A new
// document is refused *before* anything of it is written when the data folder's file system has
// less free space than the threshold (capture.minFreeDiskMB), so a full disk never leaves a
// half-written job behind; documents already registered still go out (sending only frees space).
// A scanner run checks again before every page and stops cleanly at the threshold, keeping its
// pages. Whatever still hits ENOSPC (another process filled the disk) is turned into the same
// storage.full error by `asStorageFull`, never an unhandled failure.

const MB = 1024 * 1024;

/** ENOSPC (no space) or EDQUOT (quota): the disk said no, the data is not at fault. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

const ADVICE = 'Hãy báo kỹ thuật viên giải phóng dung lượng. Các văn bản đã đăng ký vẫn được gửi đi.';

/** The clerk's wording of a full disk, for what was being done (`what`, e.g. "lưu trang vừa quét"). */
export function storageFull(what: string, detail: string, cause?: unknown): SohoaError {
  return new SohoaError('storage.full', `Ổ đĩa của máy đã đầy nên không ${what} được. ${ADVICE}`, detail, cause === undefined ? undefined : { cause });
}

/** `err` as a storage.full SohoaError when the disk was full; anything else unchanged. */
export function asStorageFull(err: unknown, what: string): unknown {
  return isDiskFull(err) ? storageFull(what, (err as Error).message, err) : err;
}

export interface DiskGuardOptions {
  /** The folder whose file system is watched (Config.dataDir). */
  dataDir: string;
  /** New documents are refused below this much free space (capture.minFreeDiskMB); 0 = never. */
  minFreeMB: number;
}

export class DiskGuard {
  constructor(private readonly opts: DiskGuardOptions) {}

  get minFreeBytes(): number {
    return this.opts.minFreeMB * MB;
  }

  /** Free space now, or null when it cannot be read (then nothing is refused for it). */
  async space(): Promise<DiskSpace | null> {
    return diskSpace(this.opts.dataDir).catch(() => null);
  }

  /**
   * True when free space is under the threshold, with `reserveBytes` more kept back: what is being
   * written already and not yet counted (the sheet the scanner is feeding while one is kept).
   */
  async low(reserveBytes = 0): Promise<boolean> {
    const s = await this.space();
    return !!s && s.freeBytes < this.minFreeBytes + reserveBytes;
  }

  /**
   * True when at least `bytes` are free (or free space cannot be read): what work already accepted
   * needs to go on (the filing queue waiting on a full disk), whatever the threshold for new work.
   */
  async hasRoom(bytes: number): Promise<boolean> {
    const s = await this.space();
    return !s || s.freeBytes >= bytes;
  }

  /**
   * Throws storage.full when free space is under the threshold; `what` says what is refused
   * ("quét văn bản mới", "nhận văn bản gửi vào").
   */
  async requireRoom(what: string): Promise<void> {
    const s = await this.space();
    if (!s || s.freeBytes >= this.minFreeBytes) return;
    throw new SohoaError('storage.full',
      `Ổ đĩa của máy sắp đầy (còn trống ${Math.floor(s.freeBytes / MB)} MB, cần ít nhất ${this.opts.minFreeMB} MB) nên chưa ${what} được. ${ADVICE}`,
      `${this.opts.dataDir}: ${s.freeBytes} bytes free < capture.minFreeDiskMB ${this.opts.minFreeMB} MB`);
  }

  /** The error a scanner run stops with when the threshold is reached mid-way (its pages are kept). */
  stopError(pagesKept: number, s: DiskSpace | null, cause?: unknown): SohoaError {
    return new SohoaError('storage.full',
      `Ổ đĩa của máy sắp đầy nên đã dừng quét. ${pagesKept} trang đã quét vẫn được giữ để kiểm tra. ` +
      'Hãy báo kỹ thuật viên giải phóng dung lượng, rồi đặt các trang còn lại vào khay và bấm Quét tiếp.',
      `${this.opts.dataDir}: ${s?.freeBytes ?? '?'} bytes free, capture.minFreeDiskMB ${this.opts.minFreeMB} MB; stopped after ${pagesKept} pages` +
      (cause === undefined ? '' : ` (${(cause as Error).message})`), cause === undefined ? undefined : { cause });
  }
}

/**
 * A write the service can do without (a checkpoint, a cache, a rewrite in a newer format, a
 * config it already has): on a full disk it is skipped with a logged warning, so the service
 * still starts and serves (issue 10: a full disk made it crash-loop at start). Other errors throw.
 */
export async function unlessDiskFull(write: () => Promise<unknown>, log: { warn(o: object, msg: string): void } | undefined, what: string): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (!isDiskFull(err) && !(err instanceof SohoaError && err.code === 'storage.full')) throw err;
    log?.warn({ err: (err as Error).message }, `disk full: ${what} not written (written again once there is room)`);
  }
}
