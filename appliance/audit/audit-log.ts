import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rename, type FileHandle } from 'node:fs/promises';
import { PRIVATE_DIR, PRIVATE_FILE, syncDir } from '../store/atomic-write.js';
import { unlessDiskFull } from '../store/disk-guard.js';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import type { AuditRecord } from '../register/audit-log.js';
import { toVnIso } from '../register/vn-time.js';
import { EMPTY_TAIL, entryHash, isChainEntry, recordOf, seal, type ChainEntry, type ChainTail } from './chain.js';
import { CURRENT, listSegments, readHead, segmentName, splitLines, writeHead } from './files.js';
import { loadChain } from './load.js';
import { NOTICE_ACTION, type AuditNotice } from './notices.js';
import { readIfExists } from '../store/read-if-exists.js';

// The audit log's writer (who did what, when, to which document: Lào Cai art. 11.1; Hà Nam
// art. 18). Append-only JSON lines, each fsynced before the action is reported done, each one a
// link of a hash chain (chain.ts). The current file rotates into a closed segment when the month
// changes or it would pass `maxBytes`; the chain runs on across files. After every append the
// chain head (last seq + hash) is rewritten outside the register folder, where a restore does not
// replace it. At start a torn last line, a log shorter than the kept head, a missing head or a
// log from before the chain are each written into the chain as an 'audit-notice' entry: nothing
// that happened to the log is silent. Never holds a PIN.

export interface AuditLogOptions {
  /** The register folder holding audit.jsonl and its closed segments. */
  dir: string;
  /** The kept chain head, outside what a restore replaces (`<dataDir>/audit-head.json`). */
  headPath: string;
  /** The current file is closed before it would pass this size. */
  maxBytes?: number;
  log?: Logger;
  clock?: () => Date;
}

export interface StartOptions {
  /**
   * `sohoa restore --force` put back a log that does not continue the kept head: record it as the
   * technician's decision ('rolled-back') instead of as lost entries ('behind-head').
   */
  rolledBack?: { archive: string; movedAside: string | null };
}

export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

const monthOf = (at: string) => at.slice(0, 7);

export class AuditLog {
  private fh: FileHandle | null = null;
  private tail: ChainTail = EMPTY_TAIL;
  /** Month of the current file's first entry (null while it is empty) and its size. */
  private month: string | null = null;
  private bytes = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly opts: AuditLogOptions) {}

  private get currentPath(): string {
    return join(this.opts.dir, CURRENT);
  }

  async start(o: StartOptions = {}): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true, mode: PRIVATE_DIR });
    const notices: AuditNotice[] = [];
    const legacy = await this.setAsideLegacy();
    if (legacy) notices.push(legacy);
    const torn = await this.repairTornLine();
    if (torn) notices.push(torn);
    await this.findTail();

    const read = await readHead(this.opts.headPath);
    if (read.state === 'ok') {
      const head = read.head;
      const continues = this.tail.seq >= head.seq && (head.seq === 0 || (await this.hashAt(head.seq)) === head.hash);
      if (!continues) {
        notices.push(o.rolledBack
          ? { kind: 'rolled-back', headSeq: head.seq, headHash: head.hash, foundSeq: this.tail.seq, ...o.rolledBack }
          : { kind: 'behind-head', headSeq: head.seq, headHash: head.hash, foundSeq: this.tail.seq });
      }
    } else if (this.tail.seq > 0) {
      notices.push({ kind: 'head-missing', reason: read.state === 'missing' ? `no ${this.opts.headPath}` : read.reason });
    }

    this.fh = await open(this.currentPath, 'a', PRIVATE_FILE);
    for (const n of notices) {
      const { text: _t, ...said } = n as AuditNotice & { text?: string };
      if (n.kind === 'behind-head') this.opts.log?.error({ notice: said }, 'audit log: shorter than its kept head, entries were lost');
      else this.opts.log?.warn({ notice: said }, `audit log: ${n.kind}`);
      // (on a full disk the notice waits: the same finding is made again at the next start)
      await unlessDiskFull(() => this.append({ at: this.now(), actor: 'system', action: NOTICE_ACTION, docId: null, detail: { ...n } }), this.opts.log, 'audit notice');
    }
    // Even with nothing appended: a head restored or lost is written back to match the log.
    if (!notices.length) await unlessDiskFull(() => writeHead(this.opts.headPath, this.tail), this.opts.log, 'audit chain head');
  }

  async stop(): Promise<void> {
    await this.queue;
    await this.fh?.close();
    this.fh = null;
  }

  /** The last entry written: what the kept head holds once the append returned. */
  get head(): ChainTail {
    return this.tail;
  }

  /**
   * Appends one entry, fsynced, then the head; entries from concurrent callers never interleave
   * and take their numbers in call order.
   */
  append(rec: AuditRecord): Promise<void> {
    const write = this.queue.then(() => this.write(rec));
    this.queue = write.catch(() => undefined);
    return write;
  }

  /** Every record of the chain, oldest first, over all files. */
  async read(): Promise<AuditRecord[]> {
    await this.queue;
    return (await loadChain(this.opts.dir)).entries.map((l) => recordOf(l.entry));
  }

  private now(): string {
    return toVnIso((this.opts.clock ?? (() => new Date()))());
  }

  private async write(rec: AuditRecord): Promise<void> {
    if (!this.fh) throw new Error('audit log not started');
    const entry = seal(rec, this.tail);
    const line = JSON.stringify(entry) + '\n';
    const size = Buffer.byteLength(line);
    if (this.bytes > 0 && (monthOf(entry.at) !== this.month || this.bytes + size > (this.opts.maxBytes ?? DEFAULT_MAX_BYTES))) {
      await this.rotate();
    }
    try {
      await this.fh.appendFile(line);
      await this.fh.sync();
    } catch (err) {
      // A partial line (disk full mid-write) must not stay in front of the next entry.
      await this.fh.truncate(this.bytes).catch(() => undefined);
      throw err;
    }
    this.tail = { seq: entry.seq, hash: entry.hash };
    this.bytes += size;
    this.month ??= monthOf(entry.at);
    try {
      await writeHead(this.opts.headPath, this.tail);
    } catch (err) {
      // The entry itself is on disk; the head lags by one and the next append writes it again.
      this.opts.log?.error({ err, seq: entry.seq }, 'audit log: could not write the chain head');
    }
  }

  /** Closes the current file into `audit-<month>.jsonl` and starts an empty one. */
  private async rotate(): Promise<void> {
    await this.fh!.close();
    this.fh = null;
    const taken = new Set(await readdir(this.opts.dir));
    const name = segmentName(this.month ?? monthOf(this.now()), taken);
    await rename(this.currentPath, join(this.opts.dir, name));
    await syncDir(this.opts.dir);
    this.fh = await open(this.currentPath, 'a', PRIVATE_FILE);
    this.bytes = 0;
    this.month = null;
    this.opts.log?.info({ segment: name, lastSeq: this.tail.seq }, 'audit log rotated');
  }

  /** A current file from before the chain is closed as `audit-legacy.jsonl` and anchored by hash. */
  private async setAsideLegacy(): Promise<AuditNotice | null> {
    const data = await readIfExists(this.currentPath);
    if (!data?.length) return null;
    const { lines } = splitLines(data.toString('utf8'));
    // Not legacy: a chained log (even one with a damaged line, which verify reports), or a torn
    // first line only (repairTornLine's case).
    if (lines.length === 0 || lines.some((l) => isChainEntry(parseOrNull(l.text)))) return null;
    const name = segmentName('legacy', new Set(await readdir(this.opts.dir)));
    await rename(this.currentPath, join(this.opts.dir, name));
    await syncDir(this.opts.dir);
    return { kind: 'legacy', file: name, bytes: data.length, lines: lines.length, sha256: createHash('sha256').update(data).digest('hex') };
  }

  /**
   * A power cut during an append can leave the last line torn (never acknowledged: fsync had not
   * returned). A complete entry that only lacks its newline is kept; anything else is cut off the
   * file and returned, to be written into the chain word for word.
   */
  private async repairTornLine(): Promise<AuditNotice | null> {
    const data = await readIfExists(this.currentPath);
    if (!data?.length || data[data.length - 1] === 0x0a) return null;
    const end = data.lastIndexOf(0x0a) + 1;
    const tornText = data.subarray(end).toString('utf8');
    const parsed = parseOrNull(tornText);
    const fh = await open(this.currentPath, 'r+');
    try {
      if (isChainEntry(parsed) && entryHash(parsed) === parsed.hash) {
        await fh.write('\n', data.length);
        await fh.sync();
        return null;
      }
      await fh.truncate(end);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return { kind: 'torn-line', file: CURRENT, bytes: data.length - end, text: tornText.slice(0, 4000) };
  }

  /** The last entry, from the current file or else the newest closed segment. */
  private async findTail(): Promise<void> {
    const current = await readIfExists(this.currentPath);
    this.bytes = current?.length ?? 0;
    const entries = current ? chainEntries(current) : [];
    this.month = entries[0] ? monthOf(entries[0].at) : null;
    let last = entries.at(-1) ?? null;
    if (!last) {
      let newest: { first: number; name: string } | null = null;
      for (const name of await listSegments(this.opts.dir)) {
        const first = await firstEntry(join(this.opts.dir, name));
        if (first && (!newest || first.seq > newest.first)) newest = { first: first.seq, name };
      }
      if (newest) last = chainEntries((await readIfExists(join(this.opts.dir, newest.name)))!).at(-1) ?? null;
    }
    this.tail = last ? { seq: last.seq, hash: last.hash } : EMPTY_TAIL;
  }

  /** The recorded hash of entry `seq` (the head normally lags the tail by nothing, or by one). */
  private async hashAt(seq: number): Promise<string | undefined> {
    if (seq === this.tail.seq) return this.tail.hash;
    const chain = await loadChain(this.opts.dir);
    return chain.entries.find((l) => l.entry.seq === seq)?.entry.hash;
  }
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function chainEntries(data: Buffer): ChainEntry[] {
  return splitLines(data.toString('utf8')).lines.map((l) => parseOrNull(l.text)).filter(isChainEntry);
}


async function firstEntry(path: string): Promise<ChainEntry | null> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    const v = parseOrNull(text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n')));
    return isChainEntry(v) ? v : null;
  } finally {
    await fh.close();
  }
}
