import { useEffect, useState } from 'preact/hooks';
import { api, errorInfo } from '../api.js';
import { S } from '../strings.js';
import type { ErrorInfo } from '../types.js';
import type { RemovableDrive } from '../../../appliance/register/removable-drives.js';
import { ErrorBanner } from './error-banner.js';

// "Xuất ra USB" (register-book.tsx): the kiosk's browser downloads nothing, so the appliance itself
// writes the book (Excel, CSV or the printed PDF) onto a USB drive plugged into it
// (POST /api/register/export). The drives are listed by the appliance; none plugged in says so.

type Format = 'xlsx' | 'csv' | 'pdf';
const FORMATS: Format[] = ['xlsx', 'csv', 'pdf'];

/** The book shown (incoming unless 'outgoing') and its filter. */
export interface BookFilterValues { from: string; to: string; q: string; book: 'incoming' | 'outgoing' }

const bookParam = (f: BookFilterValues): Record<string, string> => (f.book === 'outgoing' ? { book: 'outgoing' } : {});

const dmy = (d: string) => (d ? d.split('-').reverse().join('/') : '');

export function BookExportDialog({ filter, onClose }: { filter: BookFilterValues; onClose: () => void }) {
  const [format, setFormat] = useState<Format>('xlsx');
  const [drives, setDrives] = useState<RemovableDrive[] | null>(null);
  const [drive, setDrive] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const look = async () => {
    setDrives(null);
    setError(null);
    try {
      const { drives: found } = await api.get<{ drives: RemovableDrive[] }>('/api/register/drives');
      setDrives(found);
      setDrive((d) => (found.some((x) => x.path === d) ? d : found[0]?.path ?? null));
    } catch (err) {
      setDrives([]);
      setError(errorInfo(err));
    }
  };
  useEffect(() => void look(), []);

  const save = async () => {
    if (!drive) return;
    setBusy(true);
    setDone(null);
    setError(null);
    try {
      const q = filter.q.trim();
      const r = await api.post<{ drive: string; file: string }>('/api/register/export', {
        format, drive, ...(filter.from ? { from: filter.from } : {}), ...(filter.to ? { to: filter.to } : {}), ...(q ? { q } : {}), ...bookParam(filter),
      });
      setDone(S.book.usbDone(r.file, r.drive));
    } catch (err) {
      setError(errorInfo(err));
      void look();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="book-dialog" role="dialog" aria-modal="true" aria-labelledby="book-export-title" data-testid="book-export">
      <h2 id="book-export-title">{S.book.usbTitle}</h2>
      <p class="hint">{S.book.usbRange(dmy(filter.from), dmy(filter.to), filter.q.trim())}</p>
      <fieldset class="opt-row">
        <legend>{S.book.usbFormat}</legend>
        {FORMATS.map((f) => (
          <label key={f} class={`opt ${format === f ? 'opt-on' : ''}`}>
            <input type="radio" name="export-format" value={f} checked={format === f} onChange={() => setFormat(f)} />
            {S.book.usbFormats[f]}
          </label>
        ))}
      </fieldset>
      <fieldset class="opt-row" data-testid="drives">
        <legend>{S.book.usbDrive}</legend>
        {drives === null && <p class="hint">{S.book.usbLooking}</p>}
        {drives?.length === 0 && <p class="banner banner-warn" role="status" data-testid="no-drive">{S.book.usbNone}</p>}
        {drives?.map((d) => (
          <label key={d.path} class={`opt ${drive === d.path ? 'opt-on' : ''}`}>
            <input type="radio" name="export-drive" value={d.path} checked={drive === d.path} onChange={() => setDrive(d.path)} />
            {S.book.usbFree(d.label, d.freeMB)}
          </label>
        ))}
      </fieldset>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {done && <p class="banner banner-ok" role="status" data-testid="export-done">{done}</p>}
      <div class="dialog-actions">
        <button type="button" class="btn" disabled={busy || drives === null} onClick={() => void look()}>{S.book.usbRescan}</button>
        <button type="button" class="btn btn-primary" data-action="usb-save" disabled={busy || !drive} onClick={() => void save()}>{busy ? S.book.usbSaving : S.book.usbSave}</button>
        <button type="button" class="btn" data-action="close" onClick={onClose}>{S.book.close}</button>
      </div>
    </div>
  );
}

/** "In sổ": the printed book shown in the browser's own PDF viewer, and sent to CUPS on request. */
export function BookPrintDialog({ filter, onClose }: { filter: BookFilterValues; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const q = filter.q.trim();
  const body = { ...(filter.from ? { from: filter.from } : {}), ...(filter.to ? { to: filter.to } : {}), ...(q ? { q } : {}), ...bookParam(filter) };
  // A plain GET in the session's cookie: the viewer loads it from the appliance's own address,
  // the one the kiosk's policy allows.
  const src = `/api/register.pdf?${new URLSearchParams(body).toString()}`;

  const print = async () => {
    setBusy(true);
    setSent(false);
    setError(null);
    try {
      await api.post('/api/register/print', body);
      setSent(true);
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="book-dialog book-dialog-print" role="dialog" aria-modal="true" aria-labelledby="book-print-title" data-testid="book-print">
      <div class="book-doc-head">
        <h2 id="book-print-title">{S.book.printTitle}</h2>
        <button type="button" class="btn btn-primary" data-action="print-now" disabled={busy} onClick={() => void print()}>{busy ? S.book.printing : S.book.printNow}</button>
        <button type="button" class="btn" data-action="close" onClick={onClose}>{S.book.close}</button>
      </div>
      <p class="hint">{S.book.printHint}</p>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {sent && <p class="banner banner-ok" role="status" data-testid="print-sent">{S.book.printSent}</p>}
      <iframe class="book-pdf book-print-view" title={S.book.printTitle} src={src} />
    </div>
  );
}
