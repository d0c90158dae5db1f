import { open, rename, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes a file so that a power cut leaves either the old or the new content, never a torn one:
 * write to a temporary sibling, fsync it, rename over the target, fsync the folder.
 */
export async function atomicWrite(path: string, data: string | Uint8Array, o: { mode?: number } = {}): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  // Unique per call: two writes of the same file in the same millisecond must not share a temp file.
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  // the file has its mode from the start: the renamed file is never readable by others first
  const fh = await open(tmp, 'w', o.mode ?? 0o666);
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
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
