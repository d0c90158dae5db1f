import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { PRIVATE_DIR, PRIVATE_FILE, syncDir } from '../store/atomic-write.js';
import { join, resolve } from 'node:path';
import { SohoaError } from '../errors.js';
import { toVnIso } from '../register/vn-time.js';
import { ArchiveInvalid, readArchive, writeArchive } from './archive.js';
import { Snapshot } from './snapshot.js';

// `sohoa backup`: the daily copy of the register, the queue and the signed PDFs (Tuyên Quang
// art. 18: backup once a day) into one archive in the backup folder. The archive is written under
// a hidden temporary name, fsynced, read back and checked against its manifest, and only then
// renamed to its final name: a power cut or a full disk never leaves a half archive that looks
// complete, and the earlier backups are not touched until the new one is whole.

export interface BackupOptions {
  dataDir: string;
  /** The backup folder (an external disk, a mounted share, or `<dataDir>/backup`). */
  dir: string;
  /** How many backups to keep, newest first (≥ 1). */
  keep: number;
  /**
   * Create `dir` when missing. Only for the default folder inside the data folder: a configured
   * folder that is missing is usually an unplugged disk, and backing up onto the internal disk
   * under its mount point would look fine while protecting nothing.
   */
  createDir?: boolean;
  clock?: () => Date;
}

export interface BackupResult {
  file: string;
  bytes: number;
  documents: number;
  files: number;
  lastArrivalNumber: Record<string, number>;
  /** Older backups removed by rotation. */
  removed: string[];
  warnings: string[];
  ms: number;
}

const NAME = /^sohoa-backup-(\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d)(?:-(\d+))?\.tar\.gz$/;
const TMP = /^\.sohoa-backup-.*\.(\d+)\.tmp$/;

/** Backups in a folder, oldest first: by their Vietnam date-time, then the suffix of a same-second one. */
export async function listBackups(dir: string): Promise<string[]> {
  const key = (name: string) => {
    const m = NAME.exec(name)!;
    return { stamp: m[1]!, n: Number(m[2] ?? 1) };
  };
  return (await readdir(dir)).filter((n) => NAME.test(n)).sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka.stamp < kb.stamp ? -1 : ka.stamp > kb.stamp ? 1 : ka.n - kb.n;
  });
}

function fail(err: unknown, dir: string, dataDir: string): SohoaError {
  if (err instanceof SohoaError) return err;
  if (err instanceof ArchiveInvalid) {
    return new SohoaError('storage.io', `Bản sao lưu vừa ghi vào ${dir} đọc lại không khớp: ổ sao lưu có thể bị lỗi. Hãy thử ổ khác và báo kỹ thuật viên.`, `backup verification failed: ${err.message}`, { cause: err });
  }
  const e = err as NodeJS.ErrnoException;
  const detail = `${e.code ?? 'error'}: ${e.message}`;
  if (e.code === 'ENOSPC' || e.code === 'EDQUOT') {
    return new SohoaError('storage.full', `Ổ sao lưu ${dir} đã đầy: chưa sao lưu được. Các bản sao lưu cũ vẫn còn nguyên. Hãy giải phóng dung lượng hoặc thay ổ khác.`, detail, { cause: err });
  }
  // The default backup folder sits inside the data folder: a path in the backup folder is the target.
  const inside = (root: string) => e.path !== undefined && resolve(e.path).startsWith(resolve(root) + '/');
  if (!inside(dir) && inside(dataDir)) {
    return new SohoaError('storage.io', `Không đọc được dữ liệu của máy để sao lưu (${e.path}). Hãy báo kỹ thuật viên.`, detail, { cause: err });
  }
  if (e.code === 'EROFS' || e.code === 'EACCES' || e.code === 'EPERM') {
    return new SohoaError('storage.io', `Không ghi được vào thư mục sao lưu ${dir} (chỉ đọc hoặc không có quyền). Các bản sao lưu cũ vẫn còn nguyên.`, detail, { cause: err });
  }
  return new SohoaError('storage.io', `Lỗi ghi bản sao lưu vào ${dir}. Các bản sao lưu cũ vẫn còn nguyên. Hãy báo kỹ thuật viên.`, detail, { cause: err });
}

async function fsyncDir(dir: string): Promise<void> {
  await syncDir(dir).catch((err: unknown) => {
    // Some network shares (CIFS) cannot fsync a folder; the rename is then as durable as they get.
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
  });
}

async function ensureDir(dir: string, create: boolean): Promise<void> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new SohoaError('storage.io', `${dir} không phải là thư mục sao lưu.`, `backup target ${dir} is not a directory`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (!create) throw new SohoaError('storage.io', `Không tìm thấy thư mục sao lưu ${dir}: ổ sao lưu chưa được cắm hoặc chưa gắn (mount). Hãy cắm ổ rồi chạy lại.`, `backup folder ${dir} does not exist`);
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
  }
}

/** Temporary files of backups that a power cut interrupted (their process is gone). */
async function removeStaleTemps(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const m = TMP.exec(name);
    if (!m) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch {
      await rm(join(dir, name), { force: true });
    }
  }
}

export async function createBackup(opts: BackupOptions): Promise<BackupResult> {
  const started = Date.now();
  const now = (opts.clock ?? (() => new Date()))();
  if (!Number.isInteger(opts.keep) || opts.keep < 1) {
    throw new SohoaError('request.invalid', 'Số bản sao lưu giữ lại phải là số nguyên từ 1 trở lên.', `keep must be an integer ≥ 1, got ${opts.keep}`);
  }
  const dir = resolve(opts.dir);
  let tmp: string | null = null;
  try {
    await ensureDir(dir, opts.createDir ?? false);
    await removeStaleTemps(dir);

    const stamp = toVnIso(now).slice(0, 19).replace('T', '_').replace(/:/g, '-');
    const existing = new Set(await readdir(dir));
    let name = `sohoa-backup-${stamp}.tar.gz`;
    for (let n = 2; existing.has(name); n++) name = `sohoa-backup-${stamp}-${n}.tar.gz`;
    tmp = join(dir, `.${name}.${process.pid}.tmp`);

    const snapshot = new Snapshot(resolve(opts.dataDir), now);
    const fh = await open(tmp, 'wx', PRIVATE_FILE);
    let bytes: number;
    try {
      bytes = await writeArchive(fh, snapshot.entries(), () => snapshot.manifest);
    } finally {
      await fh.close();
    }
    const read = await readArchive(tmp);
    if (read.files.length !== snapshot.manifest.files.length) throw new ArchiveInvalid('the manifest read back differs from the one written');

    const file = join(dir, name);
    await rename(tmp, file);
    tmp = null;
    await fsyncDir(dir);

    const all = await listBackups(dir);
    const removed = all.slice(0, Math.max(0, all.length - opts.keep));
    for (const old of removed) await rm(join(dir, old), { force: true });
    if (removed.length) await fsyncDir(dir);

    const m = snapshot.manifest;
    return {
      file, bytes, documents: m.counts.documents, files: m.files.length, lastArrivalNumber: m.counts.lastArrivalNumber,
      removed, warnings: m.warnings, ms: Date.now() - started,
    };
  } catch (err) {
    if (tmp) await rm(tmp, { force: true }).catch(() => undefined);
    throw fail(err, dir, opts.dataDir);
  }
}
