import { mkdir, open, readdir, rename, rm, rmdir, stat, utimes } from 'node:fs/promises';
import { PRIVATE_DIR, PRIVATE_FILE } from '../store/atomic-write.js';
import { dirname, join, resolve } from 'node:path';
import { SohoaError } from '../errors.js';
import { checkContinuity, recordRestore, type Continuity } from '../audit/continuity.js';
import { defaultHeadPath } from '../audit/files.js';
import { toVnIso } from '../register/vn-time.js';
import { ArchiveInvalid, readArchive } from './archive.js';

// `sohoa restore`: puts a backup back. The archive is unpacked into a staging folder inside the
// data folder (same disk, so the final step is a rename) and checked against its manifest; only a
// complete, matching backup replaces anything. With --force the folders it replaces are moved
// aside, not deleted. The register then continues numbering from the restored documents (its
// start() takes the highest số đến per year from them and counters.json). The audit log's kept head
// (<dataDir>/audit-head.json) is not part of those folders: a backup whose log does not continue
// it (older, or another device's) is refused unless --force, and the restore is written into the log.

/** The folders a backup holds; nothing else in the data folder is touched. */
const PARTS = ['register', 'outbox', 'documents'] as const;

export interface RestoreOptions {
  archive: string;
  dataDir: string;
  /** Replace register/, outbox/ and documents/ when they already hold data (moved aside first). */
  force?: boolean;
  clock?: () => Date;
}

export interface RestoreResult {
  archive: string;
  dataDir: string;
  /** When the backup was taken. */
  createdAt: string;
  files: number;
  documents: number;
  lastArrivalNumber: Record<string, number>;
  /** Where the replaced folders were moved (with --force), or null. */
  movedAside: string | null;
  /** The backup's audit log against the chain head this data folder kept. */
  auditLog: Continuity;
  warnings: string[];
  ms: number;
}

async function isEmptyDir(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

async function fsync(path: string, flags: 'r' | 'r+' = 'r'): Promise<void> {
  const fh = await open(path, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function restoreBackup(opts: RestoreOptions): Promise<RestoreResult> {
  const started = Date.now();
  const archive = resolve(opts.archive);
  const dataDir = resolve(opts.dataDir);
  try {
    await stat(archive);
  } catch (err) {
    throw new SohoaError('request.invalid', `Không tìm thấy hoặc không đọc được tệp sao lưu ${archive}.`, (err as Error).message, { cause: err });
  }
  const occupied = [];
  for (const part of PARTS) if (!(await isEmptyDir(join(dataDir, part)))) occupied.push(part);
  if (occupied.length && !opts.force) {
    throw new SohoaError('request.invalid',
      `Thư mục dữ liệu ${dataDir} đã có dữ liệu (${occupied.join(', ')}): không khôi phục đè. Dùng --force để thay (dữ liệu cũ được chuyển sang thư mục riêng, không bị xóa).`,
      `data dir ${dataDir} is not empty (${occupied.join(', ')}); use --force`);
  }

  const createdDataDir = await stat(dataDir).then(() => false, () => true);
  const staging = join(dataDir, `.sohoa-restore-${process.pid}`);
  const dirs = new Set<string>();
  try {
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true, mode: PRIVATE_DIR });
    const manifest = await readArchive(archive, async (e) => {
      const path = join(staging, e.path);
      const parent = dirname(path);
      if (!dirs.has(parent)) {
        await mkdir(parent, { recursive: true, mode: PRIVATE_DIR });
        dirs.add(parent);
      }
      const fh = await open(path, 'wx', PRIVATE_FILE);
      try {
        await fh.writeFile(e.data);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await utimes(path, e.mtime, e.mtime);
    });
    for (const d of dirs) await fsync(d);

    const headPath = defaultHeadPath(join(dataDir, 'register'));
    const continuity = await checkContinuity(join(staging, 'register'), headPath);
    if (!continuity.continues && !opts.force) {
      throw new SohoaError('request.invalid',
        `Không khôi phục: ${continuity.reason}. Dữ liệu hiện có không bị thay đổi. Nếu chắc chắn phải khôi phục bản này, dùng --force (nhật ký hiện tại được chuyển sang thư mục riêng, và việc khôi phục được ghi vào nhật ký).`,
        `restore refused: ${continuity.detail}`);
    }

    let movedAside: string | null = null;
    if (occupied.length) {
      movedAside = join(dataDir, `before-restore-${toVnIso((opts.clock ?? (() => new Date()))()).slice(0, 19).replace('T', '_').replace(/:/g, '-')}`);
      await mkdir(movedAside, { mode: PRIVATE_DIR });
      for (const part of occupied) await rename(join(dataDir, part), join(movedAside, part));
      await fsync(movedAside);
    }
    for (const part of PARTS) {
      // A part absent from the backup (no queue yet) stays absent: the appliance creates it empty.
      if (await isEmptyDir(join(staging, part))) continue;
      await rm(join(dataDir, part), { recursive: true, force: true }); // an empty leftover folder only
      await rename(join(staging, part), join(dataDir, part));
    }
    const warnings: string[] = [];
    // The restore is done from here on: a failure to record it is said, not thrown.
    await recordRestore({
      registerDir: join(dataDir, 'register'), headPath,
      archiveHeadPath: manifest.files.some((f) => f.path === 'audit-head.json') ? join(staging, 'audit-head.json') : null,
      rolledBack: continuity.continues ? null : { archive, movedAside },
      detail: { archive, createdAt: manifest.createdAt, documents: manifest.counts.documents, movedAside },
      at: toVnIso((opts.clock ?? (() => new Date()))()),
    }).catch((err: unknown) => warnings.push(`the restore could not be written into the audit log: ${(err as Error).message}`));
    await rm(staging, { recursive: true, force: true });
    await fsync(dataDir);
    return {
      archive, dataDir, createdAt: manifest.createdAt, files: manifest.files.length, documents: manifest.counts.documents,
      lastArrivalNumber: manifest.counts.lastArrivalNumber, movedAside, auditLog: continuity, warnings, ms: Date.now() - started,
    };
  } catch (err) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    if (createdDataDir) await rmdir(dataDir).catch(() => undefined);
    if (err instanceof ArchiveInvalid) {
      throw new SohoaError('request.invalid', `Tệp sao lưu bị hỏng hoặc đã bị sửa, không khôi phục: ${err.message}. Dữ liệu hiện có không bị thay đổi.`, `restore refused: ${err.message}`, { cause: err });
    }
    if (err instanceof SohoaError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOSPC') throw new SohoaError('storage.full', `Ổ đĩa đầy, chưa khôi phục được vào ${dataDir}. Dữ liệu hiện có không bị thay đổi.`, e.message, { cause: err });
    throw new SohoaError('storage.io', `Lỗi khi khôi phục vào ${dataDir}. Hãy báo kỹ thuật viên.`, `${e.code ?? 'error'}: ${e.message}`, { cause: err });
  }
}
