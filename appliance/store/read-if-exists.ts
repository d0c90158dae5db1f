import { readFile } from 'node:fs/promises';

// A state file that is not there yet is the ordinary first start, not an error: null. Any other
// failure (permissions, I/O) is thrown for the caller to report.

export async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function readTextIfExists(path: string): Promise<string | null> {
  const data = await readIfExists(path);
  return data === null ? null : data.toString('utf8');
}
