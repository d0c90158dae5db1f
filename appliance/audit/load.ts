import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isChainEntry, type ChainEntry } from './chain.js';
import { CURRENT, isLegacyName, listSegments, splitLines } from './files.js';
import { readIfExists } from '../store/read-if-exists.js';

// Reads every file of an audit log (closed segments, the current file, legacy files) into one
// list in chain order, without judging it: what is unreadable is noted, the rest is handed to the
// verifier (verify.ts) or to restore, which compares a backup's chain with the kept head.

export interface Located {
  entry: ChainEntry;
  file: string;
  line: number;
}

export interface LegacyFile {
  file: string;
  bytes: number;
  sha256: string;
}

export interface LoadedChain {
  /** Entries as the files hold them: files ordered by their first seq, lines in file order. */
  entries: Located[];
  /** Chain files read, in that order. */
  files: string[];
  legacy: LegacyFile[];
  /** Lines that are not chain entries. */
  unreadable: { file: string; line: number; text: string }[];
  /** Bytes after the last newline, per file (a line torn by a power cut, or being written). */
  torn: { file: string; bytes: number }[];
}


async function readAll(dir: string): Promise<{ name: string; data: Buffer }[]> {
  const names = [...(await listSegments(dir)), CURRENT];
  const out: { name: string; data: Buffer }[] = [];
  for (const name of names) {
    const data = await readIfExists(join(dir, name));
    // The current file was rotated (renamed to a segment) while being listed: read the listing again.
    if (data === null && name !== CURRENT) return readAll(dir);
    if (data !== null) out.push({ name, data });
  }
  return out;
}

export async function loadChain(dir: string): Promise<LoadedChain> {
  const loaded: LoadedChain = { entries: [], files: [], legacy: [], unreadable: [], torn: [] };
  const chainFiles: { name: string; first: number; entries: Located[] }[] = [];
  for (const { name, data } of await readAll(dir)) {
    if (isLegacyName(name)) {
      loaded.legacy.push({ file: name, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
      continue;
    }
    const { lines, tail } = splitLines(data.toString('utf8'));
    if (tail) loaded.torn.push({ file: name, bytes: Buffer.byteLength(tail) });
    const entries: Located[] = [];
    for (const l of lines) {
      let v: unknown;
      try {
        v = JSON.parse(l.text);
      } catch {
        v = undefined;
      }
      if (isChainEntry(v)) entries.push({ entry: v, file: name, line: l.no });
      else loaded.unreadable.push({ file: name, line: l.no, text: l.text.slice(0, 200) });
    }
    chainFiles.push({ name, first: entries[0]?.entry.seq ?? Number.MAX_SAFE_INTEGER, entries });
  }
  // Segment names carry a month, which a clock set back could disorder: the first seq orders them.
  chainFiles.sort((a, b) => a.first - b.first || (a.name === CURRENT ? 1 : b.name === CURRENT ? -1 : a.name.localeCompare(b.name)));
  for (const f of chainFiles) {
    loaded.files.push(f.name);
    loaded.entries.push(...f.entries);
  }
  return loaded;
}

/** The first entry of each seq (a copied line is not a second one). */
export function bySeq(entries: readonly Located[]): Map<number, Located> {
  const m = new Map<number, Located>();
  for (const l of entries) if (!m.has(l.entry.seq)) m.set(l.entry.seq, l);
  return m;
}

/** The entry with the highest seq, or null for an empty log. */
export function lastOf(entries: readonly Located[]): ChainEntry | null {
  let last: ChainEntry | null = null;
  for (const { entry } of entries) if (!last || entry.seq > last.seq) last = entry;
  return last;
}
