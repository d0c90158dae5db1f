import { writeFile } from 'node:fs/promises';

// A mount table in the kernel's format (/proc/self/mounts) naming test folders as mounted USB
// drives: what register/removable-drives.ts reads to find the drives the export writes to and the
// received documents are opened from, without mounting anything.

/** Writes `path` with one vfat line per drive folder (`ro` when asked), and returns `path`. */
export async function writeMountTable(path: string, drives: readonly (string | { path: string; readOnly: true })[]): Promise<string> {
  const esc = (p: string) => p.replace(/\\/g, '\\134').replace(/ /g, '\\040').replace(/\t/g, '\\011').replace(/\n/g, '\\012');
  const lines = ['/dev/sda1 / ext4 rw,relatime 0 0', ...drives.map((d, i) => {
    const [p, ro] = typeof d === 'string' ? [d, false] : [d.path, d.readOnly];
    return `/dev/sd${String.fromCharCode(98 + i)}1 ${esc(p)} vfat ${ro ? 'ro' : 'rw'},nosuid,nodev 0 0`;
  })];
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}
