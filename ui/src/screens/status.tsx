import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, errorInfo } from '../api.js';
import { useEvents, useReconnect } from '../events.js';
import { S } from '../strings.js';
import type { DocumentView, ErrorInfo, HealthItem } from '../types.js';

interface StatusReply { health: Record<string, HealthItem> }
import { StateBadge } from '../components/state-badge.js';
import { ErrorBanner } from '../components/error-banner.js';

// Today's register, newest first, kept current by reloading whenever a document or its delivery
// changes (the API is the one source of truth; events only say "something changed"). "Today" is
// the day the clerk registered it: the official arrival date may be the next office day.

const VN_DAY = (iso: string) => new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Asia/Ho_Chi_Minh' });

export function StatusScreen() {
  const [docs, setDocs] = useState<DocumentView[] | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [health, setHealth] = useState<HealthItem[]>([]);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(async () => {
    api.get<StatusReply>('/api/status').then((st) => setHealth(Object.values(st.health)), () => setHealth([]));
    try {
      const all = await api.get<DocumentView[]>('/api/documents');
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

  return (
    <div class="screen">
      <div class="screen-head">
        <h1>{S.status.title}</h1>
        <button class="btn" onClick={() => void load()}>{S.status.refresh}</button>
      </div>
      <div class="health">
        {health.map((h) => <span class={`health-item ${h.ok ? 'health-ok' : 'health-bad'}`} key={h.message}>{h.message}</span>)}
      </div>
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
                  {d.message && <div class="row-note">{d.message}</div>}
                  {d.delivery && d.delivery.attempts > 1 && d.state !== 'delivered' && (
                    <div class="row-note">{S.status.attempts(d.delivery.attempts)}</div>
                  )}
                </td>
                <td><StateBadge doc={d} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
