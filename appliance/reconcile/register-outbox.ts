import type { DocumentState } from '../events.js';
import { pathBetween } from '../register/lifecycle.js';
import type { Recorder } from './outcome.js';
import { openDocuments, signedPdfExists, SYSTEM, type ReconcileDeps } from './ports.js';

// Register ↔ outbox. The outbox is the truth about delivery (it writes the central system's answer
// before anything else learns it); the register follows it. A crash between queuing and recording
// 'queued', or between the central system's answer and the register's, is carried over here.

/** The register state an outbox item's state stands for (the shared vocabulary of issue 10). */
export function registerStateFor(outboxState: string): DocumentState | null {
  switch (outboxState) {
    case 'queued': case 'sending': case 'held': return 'queued';
    case 'delivered': return 'delivered';
    case 'accepted': return 'accepted';
    case 'rejected': return 'rejected';
    default: return null;
  }
}

/** Where the register stands before the outbox's item was made: a new round the clerk started. */
const RESENDING: readonly DocumentState[] = ['registered', 'signing'];

export async function carryOutboxState(deps: ReconcileDeps, rec: Recorder): Promise<void> {
  for (const item of deps.outbox.list()) {
    const doc = deps.register.get(item.docId);
    if (!doc) {
      // Its register entry was set aside: the item still goes out (the outbox owns it), a person looks.
      rec.done({ rule: 'outbox-item-without-document', action: 'kept', docId: item.docId });
      continue;
    }
    const target = registerStateFor(item.state);
    if (!target || doc.state === target || RESENDING.includes(doc.state)) continue;
    // The receiver's refusal recorded as 'failed' (before 'rejected' existed) is the same word.
    if (target === 'rejected' && doc.state === 'failed') continue;
    const path = pathBetween(doc.state, target);
    if (!path) {
      rec.done({ rule: 'outbox-conflict', action: 'kept', docId: doc.docId, error: `register ${doc.state}, outbox ${item.state}` });
      continue;
    }
    await rec.try({ rule: 'carry-outbox-state', action: [doc.state, ...path].join('→'), docId: doc.docId }, async () => {
      for (const state of path) {
        const message = state === 'rejected' ? `Hệ thống quản lý văn bản từ chối văn bản: ${item.lastError ?? 'không rõ lý do'}` : null;
        await deps.register.setState(doc.docId, state, {
          actor: SYSTEM, detail: `start-up: the outbox says ${item.state}${item.statusCode ? ` (StatusCode ${item.statusCode})` : ''}`, message,
        });
      }
    });
  }
}

/**
 * A document the register says is queued but the outbox does not hold (its item was unreadable and
 * set aside, or lost): it stops as 'failed' with the button that fits. Not queued again on its
 * own: the item set aside may have been delivered already, a person decides.
 */
export async function lostOutboxItems(deps: ReconcileDeps, rec: Recorder): Promise<void> {
  for (const doc of openDocuments(deps)) {
    if ((doc.state !== 'queued' && doc.state !== 'sending') || deps.outbox.get(doc.docId)) continue;
    const pdf = signedPdfExists(deps, doc.docId);
    const job = deps.jobs.list().some((j) => j.docId === doc.docId);
    const message = 'Không tìm thấy văn bản trong hàng đợi gửi (tệp hàng đợi bị hỏng hoặc mất). ' +
      (pdf ? 'Bấm Gửi lại để gửi lại từ bản đã ký.' : job ? 'Bấm Ký lại.' : 'Hãy quét lại văn bản giấy.');
    await rec.try({ rule: 'outbox-item-lost', action: `${doc.state}→failed`, docId: doc.docId }, () =>
      deps.register.setState(doc.docId, 'failed', { actor: SYSTEM, detail: 'no outbox item at start-up', message }));
  }
}
