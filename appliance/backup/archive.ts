import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, createGunzip } from 'node:zlib';
import { MANIFEST_PATH, FORMAT, sha256, isBackupPath, type Manifest } from './manifest.js';
import { readTar, tarEntry, TAR_END, type TarEntry } from './tar.js';

// The archive file: a gzip-compressed tar of the snapshot, manifest.json last (its hashes are only
// known once every file has been read). gzip's CRC-32 also catches a damaged or truncated file.

async function* tarStream(entries: AsyncIterable<TarEntry>, manifest: () => Manifest): AsyncGenerator<Buffer> {
  for await (const e of entries) yield* tarEntry(e);
  const m = Buffer.from(JSON.stringify(manifest(), null, 2) + '\n');
  yield* tarEntry({ path: MANIFEST_PATH, data: m, mtime: Date.now() / 1000 });
  yield TAR_END;
}

/**
 * Writes the entries, then the manifest, to an open file and fsyncs it; returns its size. The
 * pipeline pulls files one at a time as the disk takes them, so a slow USB disk never makes the
 * snapshot pile up in memory.
 */
export async function writeArchive(fh: FileHandle, entries: AsyncIterable<TarEntry>, manifest: () => Manifest): Promise<number> {
  let bytes = 0;
  let writeError: unknown = null;
  try {
    await pipeline(Readable.from(tarStream(entries, manifest)), createGzip({ level: 6 }), async (gz: AsyncIterable<Buffer>) => {
      for await (const chunk of gz) {
        await fh.writeFile(chunk).catch((err: unknown) => { writeError = err; throw err; }); // writeFile writes it all (a plain write may be partial)
        bytes += chunk.length;
      }
    });
  } catch (err) {
    // The pipeline reports a failed write as its own abort: the disk's error (ENOSPC…) is the reason.
    throw writeError ?? err;
  }
  await fh.sync();
  return bytes;
}

export class ArchiveInvalid extends Error {}

/**
 * Reads an archive through, handing each file to `onFile` (restore writes it; verification does
 * nothing), and checks it against the manifest: every file named with the same size and SHA-256,
 * nothing more, nothing missing, no path outside what a backup holds. Throws ArchiveInvalid with
 * the reason otherwise.
 */
export async function readArchive(path: string, onFile: (e: TarEntry) => Promise<void> = async () => undefined): Promise<Manifest> {
  const seen = new Map<string, string>();
  let manifest: Manifest | null = null;
  const file = createReadStream(path);
  try {
    for await (const e of readTar(file.pipe(createGunzip()))) {
      if (manifest) throw new ArchiveInvalid(`"${e.path}" comes after the manifest`);
      if (e.path === MANIFEST_PATH) {
        manifest = parseManifest(e.data);
        continue;
      }
      if (!isBackupPath(e.path)) throw new ArchiveInvalid(`unexpected path "${e.path}" (not part of a Sohoa backup)`);
      if (seen.has(e.path)) throw new ArchiveInvalid(`"${e.path}" appears twice`);
      seen.set(e.path, sha256(e.data));
      await onFile(e);
    }
  } catch (err) {
    if (err instanceof ArchiveInvalid) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') throw err;
    throw new ArchiveInvalid(`damaged or truncated archive: ${e.message}`);
  } finally {
    file.destroy(); // pipe() does not close the file when the reading stops early
  }
  if (!manifest) throw new ArchiveInvalid('no manifest.json: not a Sohoa backup, or cut short');
  for (const f of manifest.files) {
    const got = seen.get(f.path);
    if (got === undefined) throw new ArchiveInvalid(`"${f.path}" is in the manifest but missing from the archive`);
    if (got !== f.sha256) throw new ArchiveInvalid(`"${f.path}" does not match its SHA-256 in the manifest (changed after the backup)`);
    seen.delete(f.path);
  }
  const extra = [...seen.keys()];
  if (extra.length) throw new ArchiveInvalid(`"${extra[0]}" is in the archive but not in the manifest`);
  return manifest;
}

function parseManifest(data: Buffer): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(data.toString('utf8')) as Manifest;
  } catch (err) {
    throw new ArchiveInvalid(`manifest.json is not valid JSON: ${(err as Error).message}`);
  }
  if (m.format !== FORMAT || !Array.isArray(m.files)) throw new ArchiveInvalid(`unknown backup format "${String(m.format)}" (expected ${FORMAT})`);
  return m;
}
