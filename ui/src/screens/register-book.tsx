import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, errorInfo } from '../api.js';
import { currentSession } from '../session.js';
import { S } from '../strings.js';
import type { DocumentView, DocumentWithParts, ErrorInfo, FieldKey } from '../types.js';
import type { BookEntry } from '../../../appliance/register/book-view.js';
import type { OutgoingBookEntry } from '../../../appliance/register/outgoing-book.js';
import { StateBadge } from '../components/state-badge.js';
import { ErrorBanner } from '../components/error-banner.js';
import { RegisterStatsView } from './register-stats.js';
import { BookExportDialog, BookPrintDialog } from '../components/book-export.js';
import './register-book.css';

// "Sổ đăng ký": the register books (Decree 30 App. IV) — "Sổ đến" or "Sổ đi" — over any date range, today by default,
// searched by number, issuer or words of the summary (with or without tones). A row reopens its
// document: fields, state, and the signed PDF. "In sổ" shows the book as the paper one (the PDF the
// appliance lays out) and sends it to the printer; "Xuất ra USB" has the appliance save it onto a
// USB drive (the kiosk downloads nothing); "Xuất CSV" / "Tải Excel" download it in a browser
// elsewhere on the desk's network.

const PAGE = 50;
const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Ho_Chi_Minh' });
const vnDay = (iso: string | null) => (iso ? iso.slice(0, 10).split('-').reverse().join('/') : '—');
/** A document of the book by its number: its số đến, or the printed số/ký hiệu of an outgoing one. */
const docName = (d: DocumentView) => (d.arrivalNumber === null ? d.fields.numberNotation ?? '—' : `${S.book.cols.number} ${d.arrivalNumber}`);
const SHOWN: FieldKey[] = ['issuer', 'numberNotation', 'date', 'type', 'summary', 'signer', 'signerTitle', 'recipients', 'urgency', 'pages'];

/** A GET of a file (PDF, CSV) in the session, as a Blob; the appliance's message on refusal. */
export async function fetchBlob(path: string): Promise<Blob> {
  const token = currentSession()?.token;
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: ErrorInfo } | null;
    throw new ApiError(body?.error ?? { code: 'internal', message: S.errors.network, detail: `HTTP ${res.status}` }, res.status);
  }
  return res.blob();
}

export function RegisterBookScreen() {
  const [from, setFrom] = useState(today());
  const [to, setTo] = useState(today());
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [book, setBook] = useState<'incoming' | 'outgoing'>('incoming');
  const [page, setPage] = useState<{ total: number; entries: (BookEntry | OutgoingBookEntry)[] } | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState<'csv' | 'xlsx' | null>(null);
  const [dialog, setDialog] = useState<'usb' | 'print' | null>(null);
  const [open, setOpen] = useState<DocumentWithParts | null>(null);
  const [pdfUrl, setPdfUrl] = useState<string | null>(null);
  /** Which signed part is shown (a document over 50 MB is signed as several PDFs). */
  const [pdfPart, setPdfPart] = useState(1);
  const [statsOn, setStatsOn] = useState(false);

  const filter = (extra: Record<string, string> = {}) =>
    new URLSearchParams({ ...(from ? { from } : {}), ...(to ? { to } : {}), ...(q.trim() ? { q: q.trim() } : {}), ...(book === 'outgoing' ? { book } : {}), ...extra }).toString();

  // Only the newest request's answer is shown: a date change loads the book, and a search typed
  // meanwhile loads it again; the first answer arriving last must not overwrite the search.
  const latest = useRef(0);
  const load = useCallback(async (at: number) => {
    const ticket = ++latest.current;
    if (from && to && from > to) { setError({ code: 'request.invalid', message: S.book.badRange }); return; }
    try {
      const answer = await api.get<{ total: number; entries: (BookEntry | OutgoingBookEntry)[] }>(`/api/register?${filter({ limit: String(PAGE), offset: String(at) })}`);
      if (ticket !== latest.current) return;
      setPage(answer);
      setOffset(at);
      setError(null);
    } catch (err) {
      if (ticket === latest.current) setError(errorInfo(err));
    }
  }, [from, to, q, book]);

  useEffect(() => { void load(0); }, [from, to, book]);
  useEffect(() => () => { if (pdfUrl) URL.revokeObjectURL(pdfUrl); }, [pdfUrl]);

  const reopen = async (docId: string) => {
    try {
      setPdfUrl(null);
      setOpen(await api.get<DocumentWithParts>(`/api/documents/${encodeURIComponent(docId)}`));
    } catch (err) {
      setError(errorInfo(err));
    }
  };

  const showPdf = async (part = 1) => {
    if (!open) return;
    try {
      setPdfUrl(URL.createObjectURL(await fetchBlob(`/api/documents/${encodeURIComponent(open.docId)}/pdf?part=${part}`)));
      setPdfPart(part);
    } catch (err) {
      setError(errorInfo(err));
    }
  };

  const download = async (ext: 'csv' | 'xlsx') => {
    setBusy(ext);
    try {
      const url = URL.createObjectURL(await fetchBlob(`/api/register.${ext}?${filter()}`));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${book === 'outgoing' ? 'so-di' : 'so-den'}_${from || 'dau'}_${to || 'nay'}.${ext}`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div class="screen book">
      <div class="screen-head">
        <h1>{book === 'outgoing' ? S.book.titleOutgoing : S.book.title}</h1>
        <div class="book-switch" role="group" aria-label={S.book.which}>
          {(['incoming', 'outgoing'] as const).map((b) => (
            <button key={b} class={`btn ${book === b ? 'btn-primary' : ''}`} data-book={b} aria-pressed={book === b}
              onClick={() => { setPage(null); setOpen(null); setStatsOn(false); setBook(b); }}>{b === 'outgoing' ? S.book.outgoing : S.book.incoming}</button>
          ))}
        </div>
      </div>
      <form class="book-filter" onSubmit={(e) => { e.preventDefault(); void load(0); }}>
        <label class="field"><span class="field-label">{S.book.from}</span>
          <input type="date" name="from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} /></label>
        <label class="field"><span class="field-label">{S.book.to}</span>
          <input type="date" name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} /></label>
        <button type="button" class="btn" onClick={() => { setFrom(today()); setTo(today()); }}>{S.book.today}</button>
        <label class="field book-q"><span class="field-label">{S.book.search}</span>
          <input name="q" value={q} maxLength={200} placeholder={S.book.searchHint} onInput={(e) => setQ(e.currentTarget.value)} /></label>
        <button type="submit" class="btn btn-primary">{S.book.searchButton}</button>
      </form>
      <div class="book-actions">
        <span class="lead" data-testid="book-total">{page && !statsOn ? S.book.total(page.total) : ''}</span>
        {book === 'incoming' && <button class={`btn ${statsOn ? 'btn-primary' : ''}`} data-action="stats" onClick={() => setStatsOn(!statsOn)}>{statsOn ? S.desk.statsClose : S.desk.statsOpen}</button>}
        {!statsOn && <>
        <button class="btn" data-action="print" onClick={() => setDialog('print')}>{S.book.print}</button>
        <button class="btn btn-primary" data-action="usb" onClick={() => setDialog('usb')}>{S.book.usb}</button>
        <button class="btn" data-action="csv" disabled={busy !== null} onClick={() => void download('csv')}>{busy === 'csv' ? S.book.working : S.book.csv}</button>
        <button class="btn" data-action="xlsx" disabled={busy !== null} onClick={() => void download('xlsx')}>{busy === 'xlsx' ? S.book.working : S.book.xlsx}</button>
        </>}
      </div>
      {statsOn && <RegisterStatsView from={from} to={to} />}
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {!statsOn && <>
      {page && page.total === 0 && <p class="lead">{S.book.empty}</p>}
      {page && page.entries.length > 0 && (book === 'outgoing'
        ? <OutgoingTable entries={page.entries as OutgoingBookEntry[]} onOpen={(id) => void reopen(id)} />
        : <IncomingTable entries={page.entries as BookEntry[]} onOpen={(id) => void reopen(id)} />)}
      {page && page.total > PAGE && (
        <div class="book-pager">
          <button class="btn" disabled={offset === 0} onClick={() => void load(Math.max(0, offset - PAGE))}>{S.book.prev}</button>
          <span>{S.book.page(offset + 1, Math.min(offset + PAGE, page.total), page.total)}</span>
          <button class="btn" disabled={offset + PAGE >= page.total} onClick={() => void load(offset + PAGE)}>{S.book.next}</button>
        </div>
      )}
      </>}
      {open && (
        <div class="book-doc" role="dialog" aria-modal="true" aria-label={docName(open)} data-testid="book-doc">
          <div class="book-doc-head">
            <h2>{docName(open)} — {vnDay(open.arrivalDate)}</h2>
            <StateBadge doc={open} />
            <button class="btn" onClick={() => { setOpen(null); setPdfUrl(null); }}>{S.book.close}</button>
          </div>
          {open.message && <p class="row-note row-note-strong">{open.message}</p>}
          <dl class="book-fields">
            {SHOWN.map((k) => {
              const v = open.fields[k];
              return [<dt key={`${k}-t`}>{S.fields[k]}</dt>, <dd key={`${k}-d`}>{Array.isArray(v) ? v.join('; ') : (k === 'date' ? vnDay(v as string | null) : String(v ?? '—'))}</dd>];
            })}
          </dl>
          {open.pdfParts > 1
            ? (
              <div class="book-pdf-parts" data-testid="pdf-parts">
                <span>{S.book.pdfParts(open.pdfParts)}</span>
                {Array.from({ length: open.pdfParts }, (_, i) => i + 1).map((k) => (
                  <button key={k} class={`btn${pdfUrl && pdfPart === k ? ' btn-primary' : ''}`} data-action="pdf" data-part={k}
                    aria-pressed={!!pdfUrl && pdfPart === k} onClick={() => void showPdf(k)}>{S.book.showPdfPart(k, open.pdfParts)}</button>
                ))}
              </div>
            )
            : !pdfUrl && <button class="btn btn-primary" data-action="pdf" onClick={() => void showPdf()}>{S.book.showPdf}</button>}
          {pdfUrl && <iframe class="book-pdf" title={open.pdfParts > 1 ? S.book.showPdfPart(pdfPart, open.pdfParts) : S.book.showPdf} src={pdfUrl} />}
        </div>
      )}
      {dialog === 'usb' && <BookExportDialog filter={{ from, to, q, book }} onClose={() => setDialog(null)} />}
      {dialog === 'print' && <BookPrintDialog filter={{ from, to, q, book }} onClose={() => setDialog(null)} />}
    </div>
  );
}

function IncomingTable({ entries, onOpen }: { entries: BookEntry[]; onOpen: (docId: string) => void }) {
  return (
    <table class="doc-table book-table">
      <thead><tr>
        <th>{S.book.cols.number}</th><th>{S.book.cols.arrival}</th><th>{S.book.cols.issuer}</th>
        <th>{S.book.cols.notation}</th><th>{S.book.cols.summary}</th><th>{S.book.cols.state}</th>
      </tr></thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.docId} data-doc={e.docId} class="book-row" onClick={() => onOpen(e.docId)}>
            <td class="num">{e.arrivalNumber}</td>
            <td>{vnDay(e.arrivalDate)}</td>
            <td>{e.issuer ?? '—'}</td>
            <td>{e.numberNotation ?? '—'}</td>
            <td class="summary">{[e.type, e.summary].filter(Boolean).join(': ')}
              {e.duplicateOf && <div class="row-note row-note-warn">{S.book.duplicateOf(e.duplicateOf)}</div>}
              {e.late && <div class="row-note" data-testid="late-mark">{S.desk.lateMark(vnDay(e.late.enteredAt), e.late.enteredBy, e.late.paperRecord)}</div>}</td>
            <td class="state-cell"><StateBadge doc={{ state: e.state }} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Sổ đi: the printed số/ký hiệu, the day it was entered, what it is, where it went. */
function OutgoingTable({ entries, onOpen }: { entries: OutgoingBookEntry[]; onOpen: (docId: string) => void }) {
  return (
    <table class="doc-table book-table book-table-out">
      <thead><tr>
        <th>{S.book.cols.notation}</th><th>{S.book.cols.registered}</th><th>{S.book.cols.summary}</th>
        <th>{S.book.cols.recipients}</th><th>{S.book.cols.state}</th>
      </tr></thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.docId} data-doc={e.docId} class="book-row" onClick={() => onOpen(e.docId)}>
            <td>{e.numberNotation || '—'}</td>
            <td>{vnDay(e.registeredAt)}</td>
            <td class="summary">{[e.type, e.summary].filter(Boolean).join(': ')}</td>
            <td class="summary">{e.recipients.filter((r) => !r.copyOnly).map((r) => r.name ?? r.text.replace(/^\s*[-–•+]\s*|[\s;.,]+$/g, '')).join('; ') || '—'}</td>
            <td class="state-cell"><StateBadge doc={{ state: e.state }} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
