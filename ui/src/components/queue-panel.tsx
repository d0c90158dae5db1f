import { useState } from 'preact/hooks';
import { api, ApiError, errorInfo } from '../api.js';
import { S } from '../strings.js';
import type { DocumentView, ErrorInfo } from '../types.js';
import { ErrorBanner } from './error-banner.js';
import { TechDetails } from './tech-details.js';

// The upload queue in plain Vietnamese: how many documents wait, are being sent, are held, went
// out and what the receiver said (đã gửi, đã tiếp nhận, bị từ chối + its reason). A technician
// may retry, hold or release one item. Technical identifiers stay behind "Chi tiết".
//
// Contract (GET /api/queue, POST /api/queue/:docId/retry|hold|release, technician only): when the
// appliance does not offer it yet (404), the counts come from the documents' own delivery info.

export type QueueState = 'queued' | 'sending' | 'held' | 'delivered' | 'accepted' | 'rejected';
export interface QueueItem {
  docId: string;
  documentId?: string | null;
  arrivalNumber: number | null;
  state: QueueState;
  priority?: number;
  attempts: number;
  nextAttemptAt: string | null;
  statusCode: string | null;
  lastError: string | null;
  enqueuedAt?: string | null;
  deliveredAt?: string | null;
}
export interface QueueReply {
  counts: Partial<Record<QueueState, number>>;
  oldestWaitingSince: string | null;
  lastError: string | null;
  items: QueueItem[];
}

const ORDER: QueueState[] = ['queued', 'sending', 'held', 'rejected', 'delivered', 'accepted'];
const OUTBOX_STATES = new Set<string>(ORDER);

/** The queue as the appliance reports it, or as the documents' delivery info shows it. */
export async function loadQueue(docs: DocumentView[]): Promise<{ queue: QueueReply; live: boolean }> {
  try {
    return { queue: await api.get<QueueReply>('/api/queue'), live: true };
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
  }
  const items: QueueItem[] = docs.filter((d) => OUTBOX_STATES.has(d.state) && d.delivery).map((d) => ({
    docId: d.docId, arrivalNumber: d.arrivalNumber, state: d.state as QueueState, attempts: d.delivery!.attempts,
    nextAttemptAt: d.delivery!.nextAttemptAt, statusCode: d.delivery!.statusCode, lastError: d.delivery!.lastError,
  }));
  const counts: Partial<Record<QueueState, number>> = {};
  for (const i of items) counts[i.state] = (counts[i.state] ?? 0) + 1;
  const waiting = docs.filter((d) => d.state === 'queued' || d.state === 'sending').map((d) => d.createdAt).sort();
  const lastError = items.find((i) => i.state === 'queued' && i.lastError)?.lastError ?? null;
  return { queue: { counts, oldestWaitingSince: waiting[0] ?? null, lastError, items }, live: false };
}

interface Props {
  queue: QueueReply;
  live: boolean;
  technician: boolean;
  time: (iso: string) => string;
  onChanged: () => void;
}

export function QueuePanel({ queue, live, technician, time, onChanged }: Props) {
  const [acting, setActing] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const counts = ORDER.filter((s) => (queue.counts[s] ?? 0) > 0);

  const act = async (item: QueueItem, what: 'retry' | 'hold' | 'release') => {
    setActing(item.docId);
    setError(null);
    try {
      await api.post(`/api/queue/${encodeURIComponent(item.docId)}/${what}`);
      onChanged();
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setActing(null);
    }
  };
  const open = queue.items.filter((i) => i.state === 'queued' || i.state === 'sending' || i.state === 'held' || i.state === 'rejected');

  return (
    <section class="queue" data-testid="queue" aria-label={S.queue.title}>
      <h2>{S.queue.title}</h2>
      <p class="queue-counts">
        {counts.length === 0 ? S.queue.empty : counts.map((s) => (
          <span class={`badge badge-${s}`} data-count={s} key={s}>{S.queue.count(S.queue.states[s], queue.counts[s] ?? 0)}</span>
        ))}
      </p>
      {queue.oldestWaitingSince && <p class="hint">{S.queue.oldest(time(queue.oldestWaitingSince))}</p>}
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {technician && open.length > 0 && (
        <table class="doc-table queue-table">
          <thead><tr><th>{S.status.arrival}</th><th>{S.status.state}</th><th>{S.queue.actions}</th></tr></thead>
          <tbody>
            {open.map((i) => (
              <tr key={i.docId} data-queue-doc={i.docId}>
                <td class="num">{i.arrivalNumber ?? '—'}</td>
                <td>
                  {S.queue.states[i.state]}{i.attempts > 0 && ` — ${S.status.attempts(i.attempts)}`}
                  {i.state === 'queued' && i.nextAttemptAt && <div class="row-note">{S.status.nextAttempt(time(i.nextAttemptAt))}</div>}
                </td>
                <td class="queue-actions">
                  {i.state !== 'sending' && <button class="btn btn-small" disabled={acting !== null} onClick={() => void act(i, 'retry')}>{S.queue.retry}</button>}
                  {i.state === 'held'
                    ? <button class="btn btn-small" disabled={acting !== null} onClick={() => void act(i, 'release')}>{S.queue.release}</button>
                    : i.state === 'queued' && <button class="btn btn-small" disabled={acting !== null} onClick={() => void act(i, 'hold')}>{S.queue.hold}</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <TechDetails rows={[
        [S.details.queueSource, live ? S.details.queueLive : S.details.queueFromDocuments],
        [S.details.lastError, queue.lastError],
      ]} />
    </section>
  );
}
