import type { Logger } from '../log.js';
import type { OutboxItem } from './store.js';

// Retention after acceptance: an accepted (03) document's local copy — the queued package and the
// signed PDF under documents/ — is removed `keepAcceptedDays` after 03; its state and the
// receiver's receipts stay as the record.

/** Checked this often while the queue runs (and after each 03). */
export const RETENTION_CHECK_MS = 3_600_000;

export interface RetentionDeps {
  /** Days an accepted document's local copy is kept (default 90; 0 = removed at 03). */
  keepAcceptedDays?: number;
  removePackage(docId: string): Promise<void>;
  /** Removes the rest of the local copy (the signed PDF under documents/). */
  removeLocalCopy?: (docId: string) => Promise<void>;
  /** Persists the change of the item, then shows it. */
  commit(item: OutboxItem, change: Partial<OutboxItem>): Promise<void>;
  log: Logger;
}

/** Removes the local copy of every item accepted longer ago than the retention. */
export async function applyRetention(items: Iterable<OutboxItem>, deps: RetentionDeps, now = Date.now()): Promise<void> {
  const keepMs = (deps.keepAcceptedDays ?? 90) * 86_400_000;
  for (const item of items) {
    if (item.state !== 'accepted' || item.localCopyRemovedAt || !item.acceptedAt) continue;
    if (now - Date.parse(item.acceptedAt) < keepMs) continue;
    await deps.removePackage(item.docId);
    await deps.removeLocalCopy?.(item.docId);
    await deps.commit(item, { localCopyRemovedAt: new Date().toISOString() });
    deps.log.info({ docId: item.docId, acceptedAt: item.acceptedAt }, 'outbox: local copy removed after acceptance (retention)');
  }
}
