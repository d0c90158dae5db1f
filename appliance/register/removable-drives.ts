import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, statfs } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { SohoaError } from '../errors.js';

// The removable drives a clerk can save the register book to from the kiosk (which downloads
// nothing): the file systems mounted under the configured roots (register.exportRoots, by default
// /media and /run/media, where udisks and systemd-mount put USB drives). Read from the kernel's
// mount table, so a folder left behind by an unplugged drive is never offered. A file is written
// beside its final name, synced, then renamed: a drive pulled out too early leaves no half file
// under the name the clerk was told.

export interface RemovableDrive {
  /** The mount point: the id the UI sends back (checked against the mount table again). */
  path: string;
  /** What the clerk sees: the drive's folder name (its label, for udisks). */
  label: string;
  freeMB: number;
}

/** Folder on the drive that receives the exports. */
export const EXPORT_FOLDER = 'SoDangKy';

/** /proc/self/mounts escapes space, tab, newline and backslash as octal. */
const unescapeMount = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

const under = (path: string, root: string) => path.startsWith(root.endsWith(sep) ? root : root + sep);

/** A file system mounted below one of the roots, as the kernel's mount table says. */
export interface MountedMedium {
  path: string;
  label: string;
  readOnly: boolean;
}

/**
 * File systems mounted below one of `roots` (not at a root itself), in mount order: the one way
 * both the export (writable ones, listDrives) and the received documents (receive/media.ts, read-only
 * ones too) find USB drives.
 */
export async function mountedMedia(roots: readonly string[], mountTable = '/proc/self/mounts'): Promise<MountedMedium[]> {
  const table = await readFile(mountTable, 'utf8').catch(() => '');
  const wanted = roots.filter(Boolean).map((r) => resolve(r));
  const seen = new Set<string>();
  const media: MountedMedium[] = [];
  for (const line of table.split('\n')) {
    const [, rawPath, , options] = line.split(' ');
    if (!rawPath || !options) continue;
    const path = unescapeMount(rawPath);
    if (!wanted.some((r) => under(path, r)) || seen.has(path)) continue;
    seen.add(path);
    media.push({ path, label: basename(path), readOnly: options.split(',').includes('ro') });
  }
  return media;
}

/** Writable file systems mounted below one of `roots` (not at a root itself), the newest last. */
export async function listDrives(roots: readonly string[], mountTable = '/proc/self/mounts'): Promise<RemovableDrive[]> {
  const drives: RemovableDrive[] = [];
  for (const m of await mountedMedia(roots, mountTable)) {
    if (m.readOnly) continue;
    const fs = await statfs(m.path).catch(() => null);
    if (!fs) continue;
    drives.push({ path: m.path, label: m.label, freeMB: Math.floor((fs.bavail * fs.bsize) / 1048576) });
  }
  return drives;
}

const noDrive = () => new SohoaError('export.no-drive',
  'Chưa thấy ổ USB nào. Hãy cắm ổ USB vào máy, đợi vài giây rồi chạm "Tìm lại ổ USB".', 'no writable file system mounted under the export roots');

/** The drive to write to: the one named (still mounted), or the only one there is. */
export async function chooseDrive(roots: readonly string[], wanted: string | undefined, mountTable?: string): Promise<RemovableDrive> {
  const drives = await listDrives(roots, mountTable);
  if (drives.length === 0) throw noDrive();
  if (wanted === undefined) {
    if (drives.length === 1) return drives[0]!;
    throw new SohoaError('request.invalid', 'Có nhiều ổ USB đang cắm: hãy chọn một ổ.', `${drives.length} drives, none chosen`);
  }
  const d = drives.find((x) => x.path === wanted);
  if (!d) throw new SohoaError('export.no-drive', 'Ổ USB đã chọn không còn cắm vào máy. Hãy cắm lại rồi chạm "Tìm lại ổ USB".', `${wanted} is not mounted under the export roots`);
  return d;
}

/**
 * Writes `data` as `<drive>/SoDangKy/<name>` (`name-2.ext`… when the name is taken) and returns the
 * path on the drive. Synced before the rename, so "Đã lưu" means it is on the drive.
 */
export async function writeToDrive(drive: RemovableDrive, name: string, data: Buffer): Promise<string> {
  if (drive.freeMB * 1048576 < data.length + 1048576) {
    throw new SohoaError('storage.full', `Ổ USB "${drive.label}" không đủ chỗ trống. Hãy dùng ổ khác hoặc xoá bớt tệp trên ổ.`, `${drive.freeMB} MB free, ${data.length} bytes to write`);
  }
  const dir = join(drive.path, EXPORT_FOLDER);
  try {
    await mkdir(dir, { recursive: true });
    const dot = name.lastIndexOf('.');
    let target = join(dir, name);
    for (let n = 2; await stat(target).then(() => true, () => false); n++) target = join(dir, `${name.slice(0, dot)}-${n}${name.slice(dot)}`);
    const temp = join(dir, `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
    const fh = await open(temp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, target).catch(async (err: unknown) => { await rm(temp, { force: true }); throw err; });
    const dirHandle = await open(dir, 'r');
    await dirHandle.sync().finally(() => dirHandle.close());
    return `${EXPORT_FOLDER}/${basename(target)}`;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new SohoaError('storage.io', `Không ghi được vào ổ USB "${drive.label}". Hãy kiểm tra ổ (có bị khoá ghi không) rồi thử lại.`, `${e.code ?? ''} ${e.message}`, { cause: err });
  }
}
