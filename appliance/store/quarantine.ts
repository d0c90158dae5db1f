import { access, cp, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import { syncDir } from './atomic-write.js';

// Where a state file that cannot be read is set aside: <dataDir>/quarantine/<store>/<name>.<time>.
// Nothing is deleted: the technician can look at it, repair it or put it back. While anything lies
// there, GET /api/status carries a notice the desk shows, so a set-aside file is never forgotten;
// the notice goes when the technician clears the entry from the folder.

export type StoreName = 'jobs' | 'register' | 'outbox' | 'accounts';

const STORES: readonly StoreName[] = ['jobs', 'register', 'outbox', 'accounts'];

/** What each store keeps, as the clerk knows it. */
const LABEL: Record<StoreName, string> = {
  jobs: 'bản quét chờ kiểm tra',
  register: 'sổ đăng ký văn bản đến',
  outbox: 'hàng đợi gửi',
  accounts: 'danh sách tài khoản',
};

/** Something the desk must show until a person deals with it. */
export interface Notice {
  kind: 'state-file-set-aside';
  store: StoreName;
  /** Where it lies, relative to the data folder (also the notice's identity). */
  path: string;
  /** When it was set aside, ISO 8601 (from its name). */
  at: string | null;
  /** Plain Vietnamese, shown as is. */
  message: string;
}

/** A file or folder to move, and its name inside the quarantine entry when there are several. */
export interface Part {
  from: string;
  as: string;
}

const stamp = (d: Date) => d.toISOString().replace(/[-:.]/g, '');
const STAMP = /\.(\d{8}T\d{9}Z)(?:-\d+)?$/;
const fromStamp = (s: string) => `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`;

export function noticeMessage(store: StoreName, path: string): string {
  return `Một tệp trạng thái bị hỏng (${LABEL[store]}) đã được chuyển sang thư mục cách ly: ${path}; các văn bản khác vẫn hoạt động. Hãy báo kỹ thuật viên kiểm tra.`;
}

/** rename(), or copy-then-remove when the quarantine is on another file system. Missing = false. */
async function move(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code !== 'EXDEV') throw err;
    await cp(from, to, { recursive: true, errorOnExist: true, force: false });
    await rm(from, { recursive: true, force: true });
  }
  await syncDir(dirname(from)).catch(() => undefined);
  return true;
}

export class Quarantine {
  readonly root: string;

  constructor(private readonly opts: { dataDir: string; log?: Logger; bus?: EventBus; clock?: () => Date }) {
    this.root = join(opts.dataDir, 'quarantine');
  }

  /**
   * Moves what `from` names out of the store's way: one path becomes `<store>/<name>.<time>`;
   * several become that folder holding each under its `as`. Parts already gone are skipped.
   * Returns the entry's path relative to the data folder.
   */
  async setAside(store: StoreName, name: string, from: string | Part[], reason: string): Promise<string> {
    const folder = join(this.root, store);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    let target = join(folder, `${name}.${stamp(this.opts.clock?.() ?? new Date())}`);
    for (let i = 1; await exists(target); i++) target = `${target.replace(/-\d+$/, '')}-${i}`;
    if (typeof from === 'string') {
      await move(from, target);
    } else {
      await mkdir(target, { mode: 0o700 });
      for (const p of from) await move(p.from, join(target, p.as));
    }
    await syncDir(folder);
    const path = relative(this.opts.dataDir, target);
    this.opts.log?.warn({ store, file: name, quarantinedAs: path, reason }, 'state file unreadable: set aside, the rest starts');
    const notice: Notice = { kind: 'state-file-set-aside', store, path, at: fromStamp(STAMP.exec(target)![1]!), message: noticeMessage(store, path) };
    this.opts.bus?.emit('notice.added', notice);
    return path;
  }

  /** Names of what lies set aside for one store (e.g. to know which register numbers are taken). */
  async entries(store: StoreName): Promise<string[]> {
    try {
      return (await readdir(join(this.root, store))).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /** One notice per entry in the quarantine folder, oldest first. */
  async notices(): Promise<Notice[]> {
    const out: Notice[] = [];
    for (const store of STORES) {
      for (const name of await this.entries(store)) {
        const path = relative(this.opts.dataDir, join(this.root, store, name));
        const s = STAMP.exec(name)?.[1];
        out.push({ kind: 'state-file-set-aside', store, path, at: s ? fromStamp(s) : null, message: noticeMessage(store, path) });
      }
    }
    return out.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, (err: NodeJS.ErrnoException) => err.code !== 'ENOENT');
}
