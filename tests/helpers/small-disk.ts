import { execFile } from 'node:child_process';
import { mkdtemp, open, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// A real small file system for disk-full tests: a tmpfs of a given size mounted on a fresh folder
// (needs root, or CAP_SYS_ADMIN), filled with a ballast file to leave exactly as much free space as
// a test wants. `mountable()` says why it cannot be done here, so a test skips with that reason.

const run = (cmd: string, args: string[]) => promisify(execFile)(cmd, args, { timeout: 30_000, killSignal: 'SIGKILL' });

export interface SmallDisk {
  dir: string;
  /** Free bytes an unprivileged writer may use. */
  free(): Promise<number>;
  /** Sets the ballast so that about `bytes` stay free (0: the disk is full). */
  leaveFree(bytes: number): Promise<void>;
  /** Removes the ballast. */
  clear(): Promise<void>;
  unmount(): Promise<void>;
}

/** null when a tmpfs can be mounted here, else the reason it cannot. */
export async function mountable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'disk-full tests mount a tmpfs and need root';
  const probe = await mkdtemp(join(tmpdir(), 'sohoa-mount-probe-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]);
    await run('umount', [probe]);
    return null;
  } catch (err) {
    return `cannot mount a tmpfs here: ${(err as Error).message.split('\n')[0]}`;
  } finally {
    await rm(probe, { recursive: true, force: true });
  }
}

export async function mountSmallDisk(sizeMB: number): Promise<SmallDisk> {
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-small-disk-'));
  await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMB}m,mode=0700`, 'tmpfs', dir]);
  const ballast = join(dir, 'ballast');
  const free = async () => { const s = await statfs(dir); return s.bavail * s.bsize; };
  const clear = () => rm(ballast, { force: true });
  return {
    dir, free, clear,
    async leaveFree(bytes) {
      await clear();
      // most of it at once, the rest page by page until the target (fallocate of every last byte fails)
      const size = (await free()) - bytes - 256 * 1024;
      if (size > 0) await run('fallocate', ['-l', String(size), ballast]);
      const fh = await open(ballast, 'a');
      try {
        const page = Buffer.alloc(4096, 1);
        while ((await free()) > bytes) await fh.write(page);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        await fh.close();
      }
    },
    async unmount() {
      await run('umount', ['-l', dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
