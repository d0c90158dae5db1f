import { lstat, readdir, realpath } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { SohoaError } from '../errors.js';
import type { MediaFile } from './types.js';

// The files a clerk can open from removable drives: PDF and edXML files on the drives mounted
// under the configured roots (receive.mediaRoots: /media, /run/media). Read only; a path given
// back by the screen is opened only when it really lies under one of the roots.

export type { MediaFile };

const WANTED = /\.(pdf|edxml|xml)$/i;
const MAX_DEPTH = 5;
const MAX_FILES = 500;

/** PDF/edXML files under the roots, newest first; roots that do not exist are skipped. */
export async function listMediaFiles(roots: string[]): Promise<MediaFile[]> {
  const found: MediaFile[] = [];
  const walk = async (root: string, dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || found.length >= MAX_FILES) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (found.length >= MAX_FILES || e.name.startsWith('.')) continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(root, path, depth + 1);
      else if (e.isFile() && WANTED.test(e.name)) {
        const st = await lstat(path).catch(() => null);
        if (!st) continue;
        const parts = relative(root, path).split(sep);
        found.push({ path, name: e.name, drive: parts.length > 1 ? parts[0]! : basename(root), bytes: st.size, modifiedAt: st.mtime.toISOString() });
      }
    }
  };
  for (const root of roots) await walk(root, root, 0);
  return found.sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt));
}

/** The real path of `path` when it is a file under one of the roots; refused otherwise. */
export async function resolveMediaPath(roots: string[], path: string): Promise<string> {
  const refuse = () => new SohoaError('request.invalid', 'Chỉ mở được tệp trên ổ USB đã cắm vào máy.', `receive: ${path} is not under ${roots.join(', ')}`);
  const real = await realpath(path).catch(() => { throw refuse(); });
  for (const root of roots) {
    const r = await realpath(root).catch(() => null);
    if (r && real.startsWith(r + sep) && WANTED.test(real)) return real;
  }
  throw refuse();
}
