import { open, rename, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Modes of what Sohoa writes under its data folder (issue 10: page images, register entries,
 * signed PDFs and the audit log were 0644 in 0755 folders, readable by any local user). Given
 * explicitly, so the CLI (`sohoa backup/restore/users`) and tests, which do not run main.ts's
 * umask, create the same; a caller that must share a file says so (config files 0644).
 */
export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/**
 * Writes a file so that a power cut leaves either the old or the new content, never a torn one:
 * write to a temporary sibling, fsync it, rename over the target, fsync the folder.
 */
export async function atomicWrite(path: string, data: string | Uint8Array, o: { mode?: number } = {}): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
  // Unique per call: two writes of the same file in the same millisecond must not share a temp file.
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  // the file has its mode from the start: the renamed file is never readable by others first
  const fh = await open(tmp, 'w', o.mode ?? PRIVATE_FILE);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
  await syncDir(dir);
}

/** Makes a folder's entries durable (a rename, a new or moved file survives a power cut). */
export async function syncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
