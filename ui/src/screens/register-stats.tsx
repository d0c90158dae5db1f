import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorInfo } from '../api.js';
import { S } from '../strings.js';
import type { ErrorInfo } from '../types.js';
import type { RegisterStats, StatsBy, StatsCounts } from '../../../appliance/register/stats.js';
import { ErrorBanner } from '../components/error-banner.js';
import { fetchBlob } from './register-book.js';

// "Thống kê" in the register book (Lào Cai art. 11.2b): documents received, sent, entered late,
// refused, still being handled and held on paper, per day, week, month or issuer over the book's
// date range, counted by the appliance from the register (GET /api/register/stats). "In thống kê"
// prints the appliance's PDF from a hidden frame, "Xuất CSV" downloads the table for Excel.

const BYS: StatsBy[] = ['day', 'week', 'month', 'issuer'];
const KEYS: (keyof StatsCounts)[] = ['received', 'sent', 'late', 'refused', 'waiting', 'withheld'];

export function RegisterStatsView({ from, to }: { from: string; to: string }) {
  const [by, setBy] = useState<StatsBy>('day');
  const [stats, setStats] = useState<RegisterStats | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState<'print' | 'csv' | null>(null);
  const printFrame = useRef<HTMLIFrameElement>(null);
  const query = () => new URLSearchParams({ ...(from ? { from } : {}), ...(to ? { to } : {}), by }).toString();

  useEffect(() => {
    if (from && to && from > to) { setError({ code: 'request.invalid', message: S.book.badRange }); return; }
    // A range changed again before the answer came: that older answer is not shown.
    let stale = false;
    api.get<RegisterStats>(`/api/register/stats?${query()}`).then(
      (s) => { if (!stale) { setStats(s); setError(null); } },
      (err: unknown) => { if (!stale) setError(errorInfo(err)); });
    return () => { stale = true; };
  }, [from, to, by]);

  const file = async (kind: 'print' | 'csv') => {
    setBusy(kind);
    try {
      const url = URL.createObjectURL(await fetchBlob(`/api/register/stats.${kind === 'print' ? 'pdf' : 'csv'}?${query()}`));
      if (kind === 'print') {
        const frame = printFrame.current!;
        frame.onload = () => { try { frame.contentWindow?.print(); } catch { /* the viewer shows it: print from there */ } };
        frame.src = url;
        frame.dataset.loaded = url;
      } else {
        const a = document.createElement('a');
        a.href = url;
        a.download = `thong-ke_${by}_${from || 'dau'}_${to || 'nay'}.csv`;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      }
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div class="book-stats" data-testid="stats">
      <div class="book-actions">
        <div class="segmented" role="radiogroup" aria-label={S.desk.statsTitle}>
          {BYS.map((b) => (
            <button type="button" role="radio" key={b} data-by={b} aria-checked={by === b} class={`seg ${by === b ? 'seg-on' : ''}`} onClick={() => setBy(b)}>{S.desk.by[b]}</button>
          ))}
        </div>
        <span class="lead" />
        <button class="btn" data-action="stats-print" disabled={busy !== null} onClick={() => void file('print')}>{busy === 'print' ? S.book.working : S.desk.statsPrint}</button>
        <button class="btn" data-action="stats-csv" disabled={busy !== null} onClick={() => void file('csv')}>{busy === 'csv' ? S.book.working : S.book.csv}</button>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {stats && stats.rows.length === 0 && <p class="lead">{S.desk.statsEmpty}</p>}
      {stats && stats.rows.length > 0 && (
        <table class="doc-table stats-table">
          <thead><tr><th>{S.desk.byCol[stats.by]}</th>{KEYS.map((k) => <th key={k} class="num">{S.desk.cols[k]}</th>)}</tr></thead>
          <tbody>
            {stats.rows.map((r) => (
              <tr key={r.key} data-key={r.key}><td>{r.label}</td>{KEYS.map((k) => <td key={k} class="num" data-col={k}>{r[k]}</td>)}</tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-key="total"><th>{S.desk.total}</th>{KEYS.map((k) => <th key={k} class="num" data-col={k}>{stats.total[k]}</th>)}</tr>
          </tfoot>
        </table>
      )}
      <iframe ref={printFrame} class="book-print-frame" title={S.desk.statsPrint} aria-hidden="true" tabIndex={-1} />
    </div>
  );
}
