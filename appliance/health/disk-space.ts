import { statfs } from 'node:fs/promises';

// Free space of the file system holding a folder, as an unprivileged process may use it (the
// blocks reserved for root do not count: the service does not run as root).

export interface DiskSpace {
  freeBytes: number;
  sizeBytes: number;
}

export async function diskSpace(path: string): Promise<DiskSpace> {
  const s = await statfs(path);
  return { freeBytes: s.bavail * s.bsize, sizeBytes: s.blocks * s.bsize };
}
