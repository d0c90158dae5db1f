import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite, PRIVATE_DIR } from '../store/atomic-write.js';
import { Quarantine } from '../store/quarantine.js';
import { readStateFile, writeStateFile, type StateFileFormat } from '../store/state-file.js';

// The queue on disk, one folder per document:
//   items/<docId>/package.edxml   the package exactly as it will be sent (written first)
//   items/<docId>/state.json      the item's state (written last: its presence means "queued")
//   items/<docId>/receipt.edxml   the central system's status reply, once delivered
// An item whose state.json cannot be read is set aside whole (package, state, receipt) in the
// quarantine: nothing of it is deleted, and the rest of the queue goes out.

export type OutboxState = 'queued' | 'sending' | 'delivered' | 'rejected';

export interface OutboxItem {
  docId: string;
  documentId: string;
  /** Enqueue order. */
  seq: number;
  /** 0 normal … 3 Hỏa tốc (edXML Priority): higher goes first. */
  priority: number;
  state: OutboxState;
  attempts: number;
  enqueuedAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  statusCode: string | null;
  /** Plain-Vietnamese reason of the last failure, shown to the clerk. */
  lastError: string | null;
  /** The central system refused this device's credentials (401/403) on the last try. */
  credentialsRefused: boolean;
  deliveredAt: string | null;
}

const STATES: readonly OutboxState[] = ['queued', 'sending', 'delivered', 'rejected'];

const ITEM: StateFileFormat = {
  format: 'outbox.item',
  indent: 2,
  check: (d) => typeof d.docId === 'string' && typeof d.documentId === 'string' && Number.isInteger(d.seq) &&
    Number.isInteger(d.priority) && STATES.includes(d.state as OutboxState) && Number.isInteger(d.attempts),
};

export class OutboxStore {
  private readonly quarantine: Quarantine;

  /** The appliance passes its `<dataDir>/quarantine`; on its own the queue keeps one in `<dir>/quarantine`. */
  constructor(private readonly dir: string, quarantine?: Quarantine) {
    this.quarantine = quarantine ?? new Quarantine({ dataDir: dir });
  }

  private folder(docId: string): string {
    return join(this.dir, 'items', encodeURIComponent(docId));
  }

  /** Loads every complete item; folders left half-written by a crash are removed, unreadable ones set aside. */
  async load(): Promise<OutboxItem[]> {
    const root = join(this.dir, 'items');
    await mkdir(root, { recursive: true, mode: PRIVATE_DIR });
    const items: OutboxItem[] = [];
    for (const name of await readdir(root)) {
      const dir = join(root, name);
      const read = await readStateFile<OutboxItem>(join(dir, 'state.json'), ITEM, {
        quarantine: this.quarantine, store: 'outbox', setAside: { name, from: dir },
      });
      if (read.status === 'ok') items.push(read.value);
      else if (read.status === 'missing') await rm(dir, { recursive: true, force: true });
    }
    return items;
  }

  /** Writes a new item: package first, state last; on failure nothing of it is left. */
  async create(item: OutboxItem, xml: string): Promise<void> {
    const dir = this.folder(item.docId);
    await rm(dir, { recursive: true, force: true });
    try {
      await atomicWrite(join(dir, 'package.edxml'), xml);
      await writeStateFile(join(dir, 'state.json'), ITEM, item);
    } catch (err) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
  }

  save(item: OutboxItem): Promise<void> {
    return writeStateFile(join(this.folder(item.docId), 'state.json'), ITEM, item);
  }

  saveReceipt(docId: string, xml: string): Promise<void> {
    return atomicWrite(join(this.folder(docId), 'receipt.edxml'), xml);
  }

  readPackage(docId: string): Promise<string> {
    return readFile(join(this.folder(docId), 'package.edxml'), 'utf8');
  }
}
