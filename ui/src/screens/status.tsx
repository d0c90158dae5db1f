import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, errorInfo } from '../api.js';
import { useEvents, useReconnect } from '../events.js';
import { S } from '../strings.js';
import type { DocumentView, ErrorInfo, HealthItem } from '../types.js';
import { currentSession } from '../session.js';
import { StateBadge } from '../components/state-badge.js';
import { ErrorBanner } from '../components/error-banner.js';
import { TechDetails } from '../components/tech-details.js';
import { loadQueue, QueuePanel, type QueueReply } from '../components/queue-panel.js';

interface StatusReply { health: Record<string, HealthItem> }

// Today's register, newest first, kept current by reloading whenever a document or its delivery
// changes (the API is the one source of truth; events only say "something changed"). "Today" is
// the day the clerk registered it: the official arrival date may be the next office day. A stuck
// document carries the one thing the clerk can do about it (Ký lại / Gửi lại / Gửi lại ngay).
// Everything is in plain words; device names, status codes and signature levels are under
// "Chi tiết" folds. Below the list, the upload queue (components/queue-panel.tsx).

const VN_DAY = (iso: string) => new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Asia/Ho_Chi_Minh' });
const VN_TIME = (iso: string) => new Date(iso).toLocaleTimeString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function StatusScreen() {
  const [docs, setDocs] = useState<DocumentView[] | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [health, setHealth] = useState<HealthItem[]>([]);
  const [queue, setQueue] = useState<{ queue: QueueReply; live: boolean } | null>(null);
  const [acting, setActing] = useState<string | null>(null);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(async () => {
    api.get<StatusReply>('/api/status').then((st) => setHealth(Object.values(st.health)), () => setHealth([]));
    try {
      const all = await api.get<DocumentView[]>('/api/documents');
      loadQueue(all).then(setQueue, () => setQueue(null));
      const today = VN_DAY(new Date().toISOString());
      setDocs(all
        .filter((d) => VN_DAY(d.createdAt) === today && d.state !== 'discarded')
        .sort((a, b) => (b.arrivalNumber ?? 0) - (a.arrivalNumber ?? 0) || b.createdAt.localeCompare(a.createdAt)));
      setError(null);
    } catch (err) {
      setError(errorInfo(err));
    }
  }, []);

  useEffect(() => {
    void load();
    // The central system's reachability is not an event: look again every half minute.
    const timer = setInterval(() => void load(), 30_000);
    return () => clearInterval(timer);
  }, [load]);
  useReconnect(load);
  useEvents((e) => {
    if (e.event !== 'document.changed' && e.event !== 'outbox.changed') return;
    // Several events arrive together when a document moves on: reload once for the burst.
    if (pending.current) clearTimeout(pending.current);
    pending.current = setTimeout(() => void load(), 150);
  });

  const retry = async (d: DocumentView) => {
    setActing(d.docId);
    setError(null);
    try {
      await api.post<DocumentView>(`/api/documents/${encodeURIComponent(d.docId)}/${d.retry === 'send-now' ? 'send-now' : 'retry'}`);
      await load();
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setActing(null);
    }
  };

  return (
    <div class="screen">
      <div class="screen-head">
        <h1>{S.status.title}</h1>
        <button class="btn" onClick={() => void load()}>{S.status.refresh}</button>
      </div>
      <div class="health">
        {health.map((h) => <span class={`health-item ${h.ok ? 'health-ok' : 'health-bad'}`} key={h.message}>{splitHealth(h.message).plain}</span>)}
      </div>
      <TechDetails testId="health-details" rows={health.map((h) => [S.details.device, splitHealth(h.message).technical])} />
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {docs && docs.length === 0 && <p class="lead">{S.status.empty}</p>}
      {docs && docs.length > 0 && (
        <table class="doc-table">
          <thead>
            <tr><th>{S.status.arrival}</th><th>{S.status.notation}</th><th>{S.status.summary}</th><th>{S.status.state}</th></tr>
          </thead>
          <tbody>
            {docs.map((d) => (
              <tr key={d.docId} data-doc={d.docId}>
                <td class="num">{d.arrivalNumber ?? '—'}</td>
                <td>{d.fields.numberNotation ?? '—'}</td>
                <td class="summary">
                  {d.fields.summary ?? '—'}
                  {d.message && <div class="row-note row-note-strong" data-testid="doc-message">{d.message}</div>}
                  {d.state === 'queued' && d.delivery?.lastError && <div class="row-note row-note-strong">{S.status.notSentYet}</div>}
                  {d.delivery && d.delivery.attempts > 1 && !DONE.has(d.state) && (
                    <div class="row-note">
                      {S.status.attempts(d.delivery.attempts)}
                      {d.state === 'queued' && d.delivery.nextAttemptAt && `, ${S.status.nextAttempt(VN_TIME(d.delivery.nextAttemptAt))}`}
                    </div>
                  )}
                  {d.signature && d.signature.warnings.length > 0 && (
                    <div class="row-note row-note-warn">{S.status.signatureWarning}</div>
                  )}
                  <TechDetails rows={[
                    [S.details.docId, d.docId],
                    [S.details.statusCode, d.delivery?.statusCode],
                    [S.details.lastError, d.delivery?.lastError],
                    [S.details.signature, d.signature ? S.status.signature(d.signature.level) : null],
                    [S.details.signatureWarnings, d.signature?.warnings.join('; ')],
                  ]} />
                </td>
                <td class="state-cell">
                  <StateBadge doc={d} />
                  {d.retry && (
                    <button class={`btn ${d.retry === 'send-now' ? '' : 'btn-primary'} btn-retry`} data-retry={d.retry}
                      disabled={acting !== null} onClick={() => void retry(d)}>
                      {acting === d.docId ? S.status.retrying : S.status.retry[d.retry]}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {queue && (
        <QueuePanel queue={queue.queue} live={queue.live} technician={currentSession()?.role === 'technician'}
          time={VN_TIME} onChanged={() => void load()} />
      )}
    </div>
  );
}

const DONE = new Set(['delivered', 'accepted']);

// A scanner's SANE name ("airscan:e0:Canon DR-C230", "test:0") inside a health line: a backend
// name, a colon, then the rest, at the end of the line or in brackets.
const SANE_AT_END = /: ([a-z][\w-]*:\S.*)$/;
const SANE_IN_BRACKETS = / \(([a-z][\w-]*:[^)]+)\)/;

/** A health line in plain words, and the technical name taken out of it (shown under "Chi tiết"). */
function splitHealth(message: string): { plain: string; technical: string | null } {
  const end = SANE_AT_END.exec(message);
  if (end) return { plain: `${message.slice(0, end.index)}.`, technical: end[1]! };
  const inner = SANE_IN_BRACKETS.exec(message);
  if (inner) return { plain: message.replace(inner[0], ''), technical: inner[1]! };
  return { plain: message, technical: null };
}
