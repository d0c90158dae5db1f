import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { atomicWrite } from './atomic-write.js';
import { unlessDiskFull } from './disk-guard.js';
import { FORMATS, MalformedStateError, stateFileText, upgrade, type FormatName } from './migrations.js';
import type { Part, Quarantine, StoreName } from './quarantine.js';

// The one way a store reads its state files at start (and writes them): JSON in a versioned format
// (migrations.ts). A file that cannot be a state file of its format — torn by a crash, truncated,
// garbage, the wrong shape — is set aside in the quarantine with a log line and a notice, and the
// store starts with the rest. An older file is carried forward and written back at once; a newer
// one stops the store (SohoaError storage.newer-format) without touching it.

export interface StateFileFormat {
  format: FormatName;
  /** The shape of the current version: what passes is what the store's code may rely on. */
  check: (data: Record<string, unknown>) => boolean;
  /** JSON indentation when written (undefined = compact). */
  indent?: number;
  /** File mode when written (e.g. 0o600 for the accounts). */
  mode?: number;
}

export type StateRead<T> =
  | { status: 'ok'; value: T; /** the version it was read at (below current: it has been rewritten) */ from: number }
  | { status: 'missing' }
  | { status: 'set-aside'; path: string; reason: string };

/**
 * Parses a state file's text into the current version of its format, without side effects.
 * Throws MalformedStateError when it cannot be one, SohoaError storage.newer-format when it is newer.
 */
export function decodeStateFile<T>(text: string, f: StateFileFormat, file: string): { value: T; from: number } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MalformedStateError(text.trim() === '' ? 'empty file' : `not JSON (${(err as Error).message})`);
  }
  const { data, from } = upgrade(f.format, json, file);
  if (!f.check(data)) throw new MalformedStateError(`not a ${f.format} of version ${FORMATS[f.format].current} (unexpected shape)`);
  return { value: data as T, from };
}

/** Writes a value in the current version of its format, crash-safe. */
export function writeStateFile<T extends object>(path: string, f: StateFileFormat, value: T): Promise<void> {
  return atomicWrite(path, stateFileText(f.format, value, f.indent) + (f.indent ? '\n' : ''), f.mode === undefined ? {} : { mode: f.mode });
}

export interface ReadAtStart {
  quarantine: Quarantine;
  store: StoreName;
  /**
   * What is set aside with an unreadable file (default: the file alone, under its own name), e.g.
   * a scan job's pages, or a queued package's whole folder.
   */
  setAside?: { name: string; from: string | Part[] };
}

/**
 * Reads one state file at a store's start: the value in the current format (an older file is
 * rewritten in it first), 'missing', or 'set-aside' when it could not be read as one.
 */
export async function readStateFile<T extends object>(path: string, f: StateFileFormat, at: ReadAtStart): Promise<StateRead<T>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    throw err; // a disk that fails to read is not a corrupt file: nothing is moved
  }
  let read: { value: T; from: number };
  try {
    read = decodeStateFile(text, f, path);
  } catch (err) {
    if (!(err instanceof MalformedStateError)) throw err;
    const reason = `${path}: ${err.message}`;
    const aside = at.setAside ?? { name: basename(path), from: path };
    return { status: 'set-aside', path: await at.quarantine.setAside(at.store, aside.name, aside.from, reason), reason };
  }
  // (on a full disk the older file stays: it is read and carried forward again next time)
  if (read.from < FORMATS[f.format].current) await unlessDiskFull(() => writeStateFile(path, f, read.value), undefined, path);
  return { status: 'ok', ...read };
}
