import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_DIR } from '../store/atomic-write.js';
import type { Quarantine } from '../store/quarantine.js';
import { MalformedStateError } from '../store/migrations.js';
import { decodeStateFile, readStateFile, writeStateFile, type StateFileFormat, type StateRead } from '../store/state-file.js';
import type { RegisterEntry } from './entry.js';

// register/documents/<docId>.json: one file per document, written atomically (temp file, fsync,
// rename, fsync of the folder). The source of truth of the register: a số đến is committed when its
// document file is on disk (its name carries the year and number), and everything the register
// keeps elsewhere (register-index.ts) is derived from these files and rebuilt from them.

export const DOCUMENT: StateFileFormat = {
  format: 'register.document',
  indent: 2,
  check: (d) => typeof d.docId === 'string' && Number.isInteger(d.year) && typeof d.state === 'string' &&
    (d.arrivalNumber === null || (Number.isInteger(d.arrivalNumber) && (d.arrivalNumber as number) > 0)) &&
    typeof d.receivedAt === 'string' && typeof d.arrivalDate === 'string' &&
    !!d.fields && typeof d.fields === 'object' && Array.isArray(d.history),
};

/** The year and số đến a document file's name carries (`2024-000118.json…`); null for a held secret one. */
export function numberInName(name: string): { year: number; number: number } | null {
  const m = /^(\d{4})-(\d{6,})\.json(?:\.|$)/.exec(name);
  return m ? { year: Number(m[1]), number: Number(m[2]) } : null;
}

/** A document id as the register makes them: safe as a file name, nothing else reaches the disk. */
const DOC_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export class DocumentStore {
  private readonly dir: string;

  constructor(registerDir: string, private readonly quarantine: Quarantine) {
    this.dir = join(registerDir, 'documents');
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: PRIVATE_DIR });
  }

  /** Crash-safe write of the whole entry: the commit point of a registration or a state change. */
  write(e: RegisterEntry): Promise<void> {
    return writeStateFile(join(this.dir, `${e.docId}.json`), DOCUMENT, e);
  }

  /**
   * One document read on demand (a final one the register does not keep in memory). Synchronous:
   * one small file, and callers (delivery tracking, the desk) look documents up synchronously.
   * Undefined when there is no such document or its file cannot be read (start() set it aside).
   */
  readSync(docId: string): RegisterEntry | undefined {
    if (!DOC_ID.test(docId)) return undefined;
    let text: string;
    try {
      text = readFileSync(join(this.dir, `${docId}.json`), 'utf8');
    } catch {
      return undefined;
    }
    try {
      return decodeStateFile<RegisterEntry>(text, DOCUMENT, `${docId}.json`).value;
    } catch {
      return undefined;
    }
  }

  /** The same, without blocking the event loop (exports read many). */
  async read(docId: string): Promise<RegisterEntry | undefined> {
    if (!DOC_ID.test(docId)) return undefined;
    try {
      return decodeStateFile<RegisterEntry>(await readFile(join(this.dir, `${docId}.json`), 'utf8'), DOCUMENT, `${docId}.json`).value;
    } catch {
      return undefined;
    }
  }

  /** A document read at start: an unreadable file goes to the quarantine (its number stays taken). */
  readAtStart(name: string): Promise<StateRead<RegisterEntry>> {
    return readStateFile<RegisterEntry>(join(this.dir, name), DOCUMENT, { quarantine: this.quarantine, store: 'register' });
  }

  /**
   * A document read for the index rebuild (index-rebuild.ts): synchronous, a batch at a time (on a
   * loaded 2-core machine 100 000 small files read ~4× faster so than through the thread pool), and
   * never rewritten here: an older format is carried forward in memory, as every later read does.
   * 'unreadable': not a document of this format; readAtStart() then sets it aside.
   */
  readForIndex(name: string): { status: 'ok'; value: RegisterEntry; from: number } | { status: 'missing' | 'unreadable' } {
    let text: string;
    try {
      text = readFileSync(join(this.dir, name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
      throw err; // a disk that fails to read is not a corrupt file (as readStateFile)
    }
    try {
      return { status: 'ok', ...decodeStateFile<RegisterEntry>(text, DOCUMENT, join(this.dir, name)) };
    } catch (err) {
      if (err instanceof MalformedStateError) return { status: 'unreadable' };
      throw err; // storage.newer-format: the register refuses to start, nothing is touched
    }
  }

  /** Names of the document files, in name order (numbered ones by year and number). */
  async names(): Promise<string[]> {
    // (leftovers of an interrupted atomic write end in .tmp-…: not documents)
    return (await readdir(this.dir)).filter((n) => n.endsWith('.json')).sort();
  }
}
