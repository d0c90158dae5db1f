import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../store/atomic-write.js';

// The queue on disk, one folder per document:
//   items/<docId>/package.edxml   the package exactly as it will be sent (written first)
//   items/<docId>/state.json      the item's state (written last: its presence means "queued")
//   items/<docId>/receipt.edxml   the central system's status reply, once delivered

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

export class OutboxStore {
  constructor(private readonly dir: string) {}

  private folder(docId: string): string {
    return join(this.dir, 'items', encodeURIComponent(docId));
  }

  /** Loads every complete item; folders left half-written by a crash are removed. */
  async load(): Promise<OutboxItem[]> {
    const root = join(this.dir, 'items');
    await mkdir(root, { recursive: true });
    const items: OutboxItem[] = [];
    for (const name of await readdir(root)) {
      const dir = join(root, name);
      try {
        items.push(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as OutboxItem);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        await rm(dir, { recursive: true, force: true });
      }
    }
    return items;
  }

  /** Writes a new item: package first, state last; on failure nothing of it is left. */
  async create(item: OutboxItem, xml: string): Promise<void> {
    const dir = this.folder(item.docId);
    await rm(dir, { recursive: true, force: true });
    try {
      await atomicWrite(join(dir, 'package.edxml'), xml);
      await atomicWrite(join(dir, 'state.json'), JSON.stringify(item, null, 2));
    } catch (err) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
  }

  save(item: OutboxItem): Promise<void> {
    return atomicWrite(join(this.folder(item.docId), 'state.json'), JSON.stringify(item, null, 2));
  }

  saveReceipt(docId: string, xml: string): Promise<void> {
    return atomicWrite(join(this.folder(docId), 'receipt.edxml'), xml);
  }

  readPackage(docId: string): Promise<string> {
    return readFile(join(this.folder(docId), 'package.edxml'), 'utf8');
  }
}
