import { FORMATS } from '../store/migrations.js';
import type { DocumentStore } from './document-store.js';
import { isFinal, type RegisterEntry } from './entry.js';
import type { RegisterIndex } from './register-index.js';

// Indexing the document files the index does not know: a few after a crash, every one of them on
// the first start after an upgrade from a version without the index, or once a technician removed
// it. That first start must fit systemd's start timeout (sohoa.service: TimeoutStartSec=90 s) with
// 100 000 documents, and used to take 64–117 s on the 2-core appliance, most of it one append per
// index line. Now: documents are read synchronously a slice at a time (the event loop gets a turn
// between slices, so the watchdog pings and progress reports go out), a slice's index lines are
// written with one append, and a final document of an older format is not rewritten (one fsync'd
// atomic write per document): it is carried forward in memory by every read, as it already was
// for documents the index knows. Progress is reported so the service can ask systemd for more time
// (EXTEND_TIMEOUT_USEC) on a register larger still.

export interface IndexProgress {
  /** Document files read so far. */
  done: number;
  /** Document files to read. */
  total: number;
}

const SLICE = 256;
const REPORT_EVERY_MS = 1000;

/**
 * Indexes the named document files (names in documents/) and returns the open ones among them (the
 * register keeps those in memory). An unreadable file is set aside (its number stays taken); an
 * open document of an older format is written back in the current one, like any read at start.
 * `onProgress`: at the beginning, at most once a second while it works, and at the end.
 */
export async function indexDocumentFiles(names: readonly string[], store: DocumentStore, index: RegisterIndex,
  onProgress?: (p: IndexProgress) => void): Promise<RegisterEntry[]> {
  const open: RegisterEntry[] = [];
  if (!names.length) return open;
  const total = names.length;
  onProgress?.({ done: 0, total });
  let reported = Date.now();
  for (let i = 0; i < total; i += SLICE) {
    const found: RegisterEntry[] = [];
    for (const name of names.slice(i, i + SLICE)) {
      const read = store.readForIndex(name);
      if (read.status === 'missing') continue;
      let e: RegisterEntry;
      if (read.status === 'ok' && (isFinal(read.value.state) || read.from === FORMATS['register.document'].current)) e = read.value;
      else {
        const again = await store.readAtStart(name); // sets an unreadable file aside, writes an older open one back
        if (again.status !== 'ok') continue;
        e = again.value;
      }
      found.push(e);
      if (!isFinal(e.state)) open.push(e);
    }
    // (the index's writer never rejects: a failed append is logged and repaired at the next start)
    void index.addAll(found);
    if (onProgress && Date.now() - reported >= REPORT_EVERY_MS) {
      reported = Date.now();
      onProgress({ done: Math.min(i + SLICE, total), total });
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await index.flushed();
  onProgress?.({ done: total, total });
  return open;
}
