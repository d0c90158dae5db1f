import { lstat, readdir, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { SohoaError } from '../errors.js';
import { mountedMedia } from '../register/removable-drives.js';
import type { MediaFile } from './types.js';

// The files a clerk can open from removable drives: PDF and edXML files on the drives mounted
// under the configured roots (receive.mediaRoots: /media, /run/media), found in the kernel's mount
// table as the register export finds its drives (register/removable-drives.ts), so a folder left
// behind by an unplugged drive is never offered. Read only (a read-only drive too); a path given
// back by the screen is opened only when it really lies on one of those drives.

export type { MediaFile };

const WANTED = /\.(pdf|edxml|xml)$/i;
const MAX_DEPTH = 5;
const MAX_FILES = 500;

/** PDF/edXML files on the drives mounted under the roots, newest first. */
export async function listMediaFiles(roots: string[], mountTable?: string): Promise<MediaFile[]> {
  const found: MediaFile[] = [];
  const walk = async (drive: string, dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || found.length >= MAX_FILES) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (found.length >= MAX_FILES || e.name.startsWith('.')) continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(drive, path, depth + 1);
      else if (e.isFile() && WANTED.test(e.name)) {
        const st = await lstat(path).catch(() => null);
        if (!st) continue;
        found.push({ path, name: e.name, drive, bytes: st.size, modifiedAt: st.mtime.toISOString() });
      }
    }
  };
  for (const m of await mountedMedia(roots, mountTable)) await walk(m.label, m.path, 0);
  return found.sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt));
}

/** The real path of `path` when it is a file on a drive mounted under one of the roots; refused otherwise. */
export async function resolveMediaPath(roots: string[], path: string, mountTable?: string): Promise<string> {
  const refuse = () => new SohoaError('request.invalid', 'Chỉ mở được tệp trên ổ USB đã cắm vào máy.', `receive: ${path} is not on a drive mounted under ${roots.join(', ')}`);
  const real = await realpath(path).catch(() => { throw refuse(); });
  for (const m of await mountedMedia(roots, mountTable)) {
    const r = await realpath(m.path).catch(() => null);
    if (r && real.startsWith(r + sep) && WANTED.test(real)) return real;
  }
  throw refuse();
}
