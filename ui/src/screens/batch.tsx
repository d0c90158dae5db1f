import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, errorInfo } from '../api.js';
import { useEvents, useReconnect } from '../events.js';
import { S } from '../strings.js';
import type { DocumentFields, DocumentView, ErrorInfo, ExtractionResult, JobView } from '../types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { useScannerBack } from '../components/profile-buttons.js';
import { anyDoubtful, fieldsOf, isDateValid } from './review-form.js';
import { ReviewPane } from '../components/review-pane.js';

// "Quét cả tập": the walk-up user drops a stack and walks away; the screen counts pages and
// documents as they come, then lists the documents found (số/ký hiệu, trích yếu, pages, what to
// check). Tapping one opens the usual review form; Đăng ký moves on to the next one. A document
// the splitter doubts says "Kiểm tra chỗ tách" and can be merged with the previous one. All of it
// is read from the API (GET /api/jobs); events only say when to look again. What the clerk typed
// into a document is kept in the scan screen's drafts (by job, the same map a single scan's waiting
// review uses): it survives switching documents, a reload of the list, the appliance's restart and
// leaving the batch ("‹ Quét tiếp": its documents wait in the scan screen's "Chờ kiểm tra" list).

const OPEN: JobView['state'][] = ['extracting', 'review', 'failed'];
const isPaperStop = (e: ErrorInfo | null) => !!e && e.code.startsWith('scanner.');

interface Props {
  batchId: string;
  user: string | null;
  onNeedUser: () => void;
  /** Back to one-document scanning. */
  onDone: () => void;
  /** A new batch was started from this screen. */
  onBatch: (batchId: string) => void;
  /** Corrections typed so far, by job (shared with the scan screen). */
  drafts: Map<string, DocumentFields>;
  /** The document to open first (chosen in the "Chờ kiểm tra" list). */
  openFirst?: string | null;
}

/** What was read for a document: a new reading (after a merge) refills the form, a reload does not. */
const readingOf = (r: ExtractionResult) => JSON.stringify(r);

export function BatchScreen({ batchId, user, onNeedUser, onDone, onBatch, drafts, openFirst }: Props) {
  const [batch, setBatch] = useState<JobView | null>(null);
  const [docs, setDocs] = useState<JobView[]>([]);
  const [selected, setSelected] = useState<string | null>(openFirst ?? null);
  const [fields, setFieldsState] = useState<DocumentFields | null>(null);
  const [busy, setBusy] = useState(false);
  const [discardArmed, setDiscardArmed] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [done, setDone] = useState<DocumentView | null>(null);

  const reload = useCallback(async () => {
    try {
      const all = await api.get<JobView[]>('/api/jobs');
      const b = all.find((j) => j.jobId === batchId) ?? null;
      setBatch(b);
      const byId = new Map(all.map((j) => [j.jobId, j]));
      const order = b?.batch?.documents ?? [];
      setDocs(order.map((id) => byId.get(id)).filter((j): j is JobView => !!j && OPEN.includes(j.state)));
    } catch (err) {
      setError(errorInfo(err));
    }
  }, [batchId]);
  useEffect(() => void reload(), [reload]);
  useReconnect(reload);

  useEvents((e) => {
    if (e.event === 'batch.progress' && e.data.jobId === batchId) {
      // Counts at once; the list itself is reloaded from the API.
      const { pagesScanned, found, documents } = e.data;
      setBatch((b) => (b?.batch ? { ...b, batch: { pagesScanned, found, documents } } : b));
      void reload();
    } else if ((e.event === 'job.extracted' || e.event === 'job.failed') && (e.data.jobId === batchId || docs.some((d) => d.jobId === e.data.jobId))) {
      void reload();
    } else if (e.event === 'scan.failed' && e.data.jobId === batchId) {
      void reload();
    }
  });

  // Keep a document selected while there is one to review: the next one after each registration.
  const current = docs.find((d) => d.jobId === selected) ?? null;
  useEffect(() => {
    if (current || busy) return;
    const next = docs.find((d) => d.state === 'review') ?? docs.find((d) => d.state === 'failed');
    if (next) select(next);
  }, [docs, current, busy]);

  /** Every change of the form goes to the drafts at once: nothing typed depends on leaving cleanly. */
  const setFields = (f: DocumentFields | null) => {
    setFieldsState(f);
    if (f && selectedRef.current) drafts.set(selectedRef.current, f);
  };
  const selectedRef = useRef(selected);
  selectedRef.current = selected;

  // The form is filled once per document (from its draft, if any), and again when its fields were
  // re-read (after a merge); a reload that brings the same reading keeps what was typed.
  const filledFrom = useRef<{ jobId: string; reading: string } | null>(null);
  useEffect(() => {
    if (current?.state !== 'review' || !current.result) return;
    const reading = readingOf(current.result);
    const was = filledFrom.current;
    if (was?.jobId === current.jobId && was.reading === reading) return;
    if (was?.jobId === current.jobId) drafts.delete(current.jobId); // re-read: the old corrections were of another reading
    filledFrom.current = { jobId: current.jobId, reading };
    setFieldsState(drafts.get(current.jobId) ?? fieldsOf(current.result));
  }, [current]);

  function select(d: JobView) {
    setSelected(d.jobId);
    setDiscardArmed(false);
    filledFrom.current = d.result ? { jobId: d.jobId, reading: readingOf(d.result) } : null;
    setFieldsState(d.result ? drafts.get(d.jobId) ?? fieldsOf(d.result) : null);
  }

  const command = async (fn: () => Promise<void>) => {
    if (!user) return onNeedUser();
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };

  const register = () => command(async () => {
    if (!current || !fields) return;
    if (!isDateValid(fields.date)) {
      setError({ code: 'request.invalid', message: S.review.dateInvalid });
      return;
    }
    setDone(await api.post<DocumentView>(`/api/jobs/${encodeURIComponent(current.jobId)}/register`, fields));
    drafts.delete(current.jobId);
    setSelected(null);
    await reload();
  });

  const discard = () => {
    if (!discardArmed) {
      // Two touches: a stray touch must not throw away a scanned document.
      setDiscardArmed(true);
      setTimeout(() => setDiscardArmed(false), 4000);
      return;
    }
    setDiscardArmed(false);
    void command(async () => {
      if (!current) return;
      await api.post(`/api/jobs/${encodeURIComponent(current.jobId)}/discard`);
      drafts.delete(current.jobId);
      setDone(null);
      setSelected(null);
      await reload();
    });
  };

  const merge = () => command(async () => {
    if (!current) return;
    const into = await api.post<JobView>(`/api/jobs/${encodeURIComponent(current.jobId)}/merge`);
    setDone(null);
    setSelected(into.jobId);
    await reload();
  });

  const confirmSecret = () => command(async () => {
    if (!done) return;
    setDone(await api.post<DocumentView>(`/api/documents/${encodeURIComponent(done.docId)}/confirm-secret`));
  });

  const startBatch = () => command(async () => {
    setDone(null);
    onBatch((await api.post<JobView>('/api/batch', {})).jobId);
  });

  const continueBatch = () => command(async () => {
    setBatch(await api.post<JobView>(`/api/jobs/${encodeURIComponent(batchId)}/continue`, {}));
  });

  // "Tài liệu tiếp theo": the document under way ends at the page scanned last.
  const [marked, setMarked] = useState<number | null>(null);
  const nextDocument = () => command(async () => {
    const b = await api.post<JobView>(`/api/jobs/${encodeURIComponent(batchId)}/next-document`);
    setMarked(b.batch?.pagesScanned ?? null);
  });

  const info = batch?.batch ?? { pagesScanned: 0, found: 0, documents: [] };
  const working = !batch || batch.state === 'scanning' || batch.state === 'extracting';
  const reading = docs.filter((d) => d.state === 'extracting').length;
  const waiting = docs.filter((d) => d.state !== 'extracting').length;
  const stop = batch?.state === 'split' && isPaperStop(batch.error) ? batch.error : null;
  const scannerBack = useScannerBack(stop?.code === 'scanner.disconnected');
  const secretPending = done?.state === 'held-secret';
  const status = !batch || (batch.state === 'scanning' && info.pagesScanned === 0) ? S.batch.starting
    : batch.state === 'scanning' ? S.batch.progress(info.pagesScanned, info.found)
    : working || reading ? S.batch.reading(info.documents.length - reading, info.found)
    : waiting ? S.batch.waiting(waiting)
    : info.documents.length ? S.batch.allDone : S.batch.noneFound;
  const first = docs[0]?.jobId;
  const reviewing = !secretPending && current?.state === 'review' && !!current.result && !!fields;

  return (
    <div class={`scan-screen batch-screen ${reviewing ? 'reviewing' : ''}`}>
      <aside class="scan-side">
        <p class="progress batch-progress" role="status" data-testid="batch-progress">{status}</p>
        <ul class="batch-list" data-testid="batch-list">
          {docs.map((d) => (
            <li key={d.jobId}>
              <button class={`batch-item ${d.jobId === selected ? 'batch-item-on' : ''}`} data-job={d.jobId}
                disabled={busy || d.state === 'extracting' || secretPending} onClick={() => { setDone(null); select(d); }}>
                <strong class="batch-notation">{d.state === 'extracting' ? S.batch.reading1 : d.result?.numberNotation ?? S.batch.noNotation}</strong>
                {d.result?.summary && <span class="batch-summary">{d.result.summary}</span>}
                <span class="batch-meta">
                  {S.batch.pages(d.pages.filter((p) => !p.blank).length)}
                  {d.split?.doubtful && <em class="batch-flag" data-flag="split">⚠ {S.batch.splitDoubt}</em>}
                  {d.result && anyDoubtful(d.result) && <em class="batch-flag" data-flag="fields">⚠ {S.batch.fieldDoubt}</em>}
                  {d.state === 'failed' && <em class="batch-flag" data-flag="failed">⚠ {S.batch.failed}</em>}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {batch && batch.state !== 'scanning' && docs.length > 0 && !secretPending && (
          <div class="batch-leave">
            <button class="btn" data-testid="batch-leave" disabled={busy} onClick={onDone}>{S.batch.leave}</button>
            <p class="hint">{S.batch.leaveHint}</p>
          </div>
        )}
        {!working && docs.length === 0 && !secretPending && (
          <div class="batch-end">
            <button class="btn btn-primary" data-testid="batch-again" disabled={busy} onClick={startBatch}>{S.batch.start}</button>
            <button class="btn" disabled={busy} onClick={onDone}>{S.batch.single}</button>
          </div>
        )}
      </aside>

      <div class={`scan-main ${reviewing ? 'scan-main-review' : ''}`}>
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
        {stop && (
          <div class="banner banner-warn banner-stop" role="alert" data-testid="scan-stopped" data-code={stop.code}>
            <span class="banner-text"><strong>{S.scan.interrupted(stop, info.pagesScanned)}</strong> {S.scan.pagesSafe}</span>
            <button class="btn btn-primary btn-continue" data-testid="continue" disabled={busy || (stop.code === 'scanner.disconnected' && !scannerBack)} onClick={continueBatch}>
              {stop.code === 'scanner.disconnected' ? (scannerBack ? S.scan.resume : S.scan.waitingScanner) : S.scan.continue}
            </button>
          </div>
        )}
        {done && (
          secretPending ? (
            <div class="outcome outcome-secret" data-testid="secret">
              <h1>{S.outcome.secretTitle}</h1>
              <p class="lead">{done.message ?? S.outcome.secretBody}</p>
              <button class="btn btn-primary btn-wide" disabled={busy} onClick={confirmSecret}>{S.outcome.secretConfirm}</button>
            </div>
          ) : (
            <p class="banner banner-ok" role="status" data-testid="batch-registered">{S.batch.registered(done.arrivalNumber, done.fields.numberNotation)}</p>
          )
        )}
        {secretPending ? null : reviewing && current?.result && fields ? (
          // the document beside its pages, as for a single scan (components/review-pane.tsx)
          <ReviewPane key={current.jobId} job={current} fields={fields} onChange={setFields} disabled={busy} onError={setError}
            head={<>
              <div class="review-head">
                <h1>{S.review.title}</h1>
                {anyDoubtful(current.result) && <p class="hint doubt-hint">{S.review.doubtful}</p>}
              </div>
              {current.split?.doubtful && <p class="banner banner-warn" data-testid="split-hint">{S.batch.splitHint}</p>}
              {fields.confidentiality && <p class="banner banner-secret">{S.outcome.secretTitle}</p>}
            </>}
            actions={<>
              <button class="btn btn-ghost" disabled={busy} onClick={discard}>{discardArmed ? S.scan.discardConfirm : S.scan.discard}</button>
              {current.jobId !== first && (
                <button class="btn btn-merge" data-testid="merge" disabled={busy} onClick={merge}>{S.batch.merge}</button>
              )}
              <button class="btn btn-primary btn-register" data-testid="register" disabled={busy} onClick={register}>
                {busy ? S.review.registering : S.review.register}
              </button>
            </>} />
        ) : current?.state === 'failed' ? (
          <>
            <p class="lead placeholder">{S.batch.failed}</p>
            <div class="actions">
              <button class="btn btn-ghost" disabled={busy} onClick={discard}>{discardArmed ? S.scan.discardConfirm : S.scan.discard}</button>
              {current.jobId !== first && <button class="btn btn-merge" data-testid="merge" disabled={busy} onClick={merge}>{S.batch.merge}</button>}
            </div>
          </>
        ) : (
          <div class="placeholder batch-wait" data-testid="batch-wait">
            <p class="batch-big">{status}</p>
            {(working || docs.length > 0) && <p class="lead">{working ? S.batch.walkAway : S.batch.choose}</p>}
            {batch?.state === 'scanning' && info.pagesScanned > 0 && (
              <div class="batch-next">
                <button class="btn btn-primary btn-wide" data-testid="next-document" disabled={busy} onClick={nextDocument}>{S.batch.nextDocument}</button>
                <p class="hint" data-testid="next-document-note">{marked === null ? S.batch.nextDocumentHint : S.batch.nextDocumentDone(marked)}</p>
              </div>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
