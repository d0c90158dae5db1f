import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, errorInfo } from '../api.js';
import { useEvents, useReconnect } from '../events.js';
import { S } from '../strings.js';
import type { DocumentFields, DocumentView, ErrorInfo, JobView, OutgoingConfirmation, PageView } from '../types.js';
import { OutgoingRecipients } from '../components/outgoing-recipients.js';
import { ErrorBanner } from '../components/error-banner.js';
import { anyDoubtful, fieldsOf, isDateValid } from './review-form.js';
import { BatchScreen } from './batch.js';
import { ReviewPane } from '../components/review-pane.js';
import { marksBody, NO_MARKS, type DeskMarks } from '../components/desk-marks.js';
import { useScannerBack } from '../components/profile-buttons.js';
import { ReceivedBanner } from '../components/receive-panel.js';
import { PendingList } from '../components/pending-list.js';
import { ScanSide } from '../components/scan-side.js';
import { Outcome } from '../components/scan-outcome.js';
import '../review.css';

// Quét → pages appear as they are scanned → Kiểm tra the extracted fields beside the page → Đăng
// ký. One job at a time on screen; a document waiting for review never blocks the next scan or a
// batch: it waits in the "Chờ kiểm tra" list (with the corrections typed so far) until the clerk
// opens it again. What is shown
// comes from the API; events only say when to look again. A scan cut short by the paper (jam,
// empty tray, open cover) keeps its pages: the screen says what happened after which page and
// offers "Quét tiếp", which scans the rest into the same job. "Quét cả tập" hands the screen to
// the batch view (batch.tsx) until the stack's documents are all reviewed.

const ACTIVE: JobView['state'][] = ['scanning', 'extracting', 'review', 'failed'];
/** A document waiting for the clerk: a single scan, or one of a batch the clerk left. */
const isPending = (j: JobView) => (j.state === 'review' || j.state === 'failed') && !j.batch && j.pages.length > 0;

/** The batch the desk is busy with (scanning, or documents of it still to review), if any, unless the clerk left it. */
function activeBatch(jobs: JobView[], left: Set<string>): string | null {
  const open = new Set(jobs.filter((j) => j.split && ACTIVE.includes(j.state)).map((j) => j.split!.batchId));
  const b = jobs.find((j) => j.batch && (j.state === 'scanning' || ((j.state === 'extracting' || open.has(j.jobId)) && !left.has(j.jobId))));
  return b?.jobId ?? null;
}

/** A paper problem that ended a scan with pages kept: shown in its own panel, not as a passing banner. */
const isPaperStop = (e: ErrorInfo | null, pagesKept: number) => !!e && pagesKept > 0 && e.code.startsWith('scanner.');

export function ScanScreen({ user, onNeedUser }: { user: string | null; onNeedUser: () => void }) {
  const [job, setJob] = useState<JobView | null>(null);
  const [starting, setStarting] = useState(false);
  const [fields, setFields] = useState<DocumentFields | null>(null);
  const [outcome, setOutcome] = useState<DocumentView | null>(null);
  const [secretDone, setSecretDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [discardArmed, setDiscardArmed] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [batchId, setBatchId] = useState<string | null>(null);
  /** Batches the clerk left with documents still to review (they wait in the list below). */
  const leftBatches = useRef(new Set<string>());
  const [batchFirst, setBatchFirst] = useState<string | null>(null);
  const [pending, setPending] = useState<JobView[]>([]);
  // Complaint mark and late entry of the document under review: never carried over to another one.
  const [marks, setMarks] = useState<DeskMarks>(NO_MARKS);
  useEffect(() => setMarks(NO_MARKS), [job?.jobId]);
  /** "Văn bản đi": the clerk's recipient picks for an outgoing scan. */
  const [outgoing, setOutgoing] = useState<OutgoingConfirmation>({});
  // reset for another document only: the same job shown again (its OCR done, an event) keeps the picks
  useEffect(() => setOutgoing({}), [job?.jobId]);
  /** Corrections typed into documents left waiting, by job. */
  const drafts = useRef(new Map<string, DocumentFields>());
  const jobRef = useRef(job);
  jobRef.current = job;
  const fieldsRef = useRef(fields);
  fieldsRef.current = fields;

  /** Keeps what was typed into the document on screen before another takes its place. */
  const park = () => {
    const j = jobRef.current;
    if (j && fieldsRef.current && (j.state === 'review' || j.state === 'failed')) drafts.current.set(j.jobId, fieldsRef.current);
  };
  const listPending = useCallback(async () => {
    try {
      setPending((await api.get<JobView[]>('/api/jobs')).filter(isPending).sort((a, b) => a.startedAt.localeCompare(b.startedAt)));
    } catch {
      // the list comes back with the next event or reconnect
    }
  }, []);

  // A job's error (jam with pages kept, OCR failure…) is shown once, not again after each refresh.
  const errorShownFor = useRef<string | null>(null);
  const show = useCallback((j: JobView) => {
    // A batch and its documents belong to the batch view.
    if (j.batch || j.split) return;
    setJob(j);
    if (j.state === 'review' && j.result) setFields((f) => f ?? drafts.current.get(j.jobId) ?? fieldsOf(j.result!));
    if (j.error && !isPaperStop(j.error, j.pages.length) && errorShownFor.current !== j.jobId) {
      errorShownFor.current = j.jobId;
      setError(j.error);
    }
  }, []);

  const refresh = useCallback(async (jobId: string) => {
    try {
      show(await api.get<JobView>(`/api/jobs/${encodeURIComponent(jobId)}`));
    } catch (err) {
      // A job that scanned nothing is removed by the appliance; its job.failed event carries the reason.
      if (!(err instanceof ApiError && err.status === 404)) setError(errorInfo(err));
    }
  }, [show]);

  // On load and after a reconnect: resume the job the desk is working on, if any.
  const resume = useCallback(async () => {
    try {
      const jobs = await api.get<JobView[]>('/api/jobs');
      const b = activeBatch(jobs, leftBatches.current);
      if (b) setBatchId(b);
      const active = jobs.find((j) => ACTIVE.includes(j.state) && !j.batch && !j.split);
      // the one on screen stays; else the scan running, else the oldest waiting
      const cur = jobRef.current && jobs.find((j) => j.jobId === jobRef.current!.jobId && ACTIVE.includes(j.state));
      const next = cur ?? jobs.find((j) => (j.state === 'scanning' || j.state === 'extracting') && !j.batch && !j.split) ?? active;
      if (next) show(next);
      else setJob((j) => (j && ACTIVE.includes(j.state) ? null : j));
      setPending(jobs.filter(isPending).sort((a, b) => a.startedAt.localeCompare(b.startedAt)));
    } catch (err) {
      setError(errorInfo(err));
    }
  }, [show]);
  useEffect(() => void resume(), [resume]);
  useReconnect(resume);

  useEvents((e) => {
    if (!('jobId' in e.data)) return;
    const { jobId } = e.data;
    if (e.event === 'job.extracted' || e.event === 'job.failed' || e.event === 'scan.finished' || e.event === 'scan.failed') void listPending();
    // A batch started elsewhere (another screen): show it when this screen is idle.
    if (e.event === 'batch.progress' && !batchId && !job && !leftBatches.current.has(jobId)) setBatchId(jobId);
    if (batchId) return;
    if (e.event === 'scan.started' && (starting || !job)) {
      void refresh(jobId);
      return;
    }
    if (!job || job.jobId !== jobId) return;
    if (e.event === 'scan.page') {
      // Show the thumbnail at once; the refresh confirms the job's state.
      const p: PageView = { page: e.data.page, imageUrl: e.data.imageUrl, blank: e.data.blank };
      setJob((j) => (j && !j.pages.some((x) => x.page === p.page) ? { ...j, pages: [...j.pages, p] } : j));
    }
    if (e.event === 'job.failed' || (e.event === 'scan.failed' && !isPaperStop(e.data.error, e.data.pagesKept))) {
      errorShownFor.current = jobId;
      setError(e.data.error);
    }
    void refresh(jobId);
  });

  /** Opens a document of the waiting list (the one on screen waits in its place). */
  const open = (j: JobView) => {
    park();
    if (j.split) {
      // one of a batch's documents: back to its batch, this one selected
      leftBatches.current.delete(j.split.batchId);
      setBatchFirst(j.jobId);
      setBatchId(j.split.batchId);
      return;
    }
    setOutcome(null);
    setSecretDone(false);
    setError(null);
    setFields(j.result ? drafts.current.get(j.jobId) ?? fieldsOf(j.result) : null);
    setJob(j);
    void refresh(j.jobId);
  };

  const scan = async (profile?: string) => {
    if (!user) return onNeedUser();
    park();
    setError(null);
    setOutcome(null);
    setSecretDone(false);
    setFields(null);
    setJob(null);
    setStarting(true);
    try {
      show(await api.post<JobView>('/api/scan', profile ? { profile } : {}));
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setStarting(false);
    }
  };

  const continueScan = async () => {
    if (!job) return;
    if (!user) return onNeedUser();
    setError(null);
    // The fields are extracted again over all pages: the new ones will fill the form.
    setFields(null);
    setBusy(true);
    try {
      show(await api.post<JobView>(`/api/jobs/${encodeURIComponent(job.jobId)}/continue`, {}));
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };

  const register = async () => {
    if (!job || !fields) return;
    if (!user) return onNeedUser();
    if (!isDateValid(fields.date)) {
      setError({ code: 'request.invalid', message: S.review.dateInvalid });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const extra = marksBody(marks);
      if ('error' in extra) { setError({ code: 'request.invalid', message: extra.error }); return; }
      const doc = await api.post<DocumentView>(`/api/jobs/${encodeURIComponent(job.jobId)}/register`,
        { ...fields, ...extra.body, ...(job.book === 'outgoing' ? { outgoing } : {}) });
      setMarks(NO_MARKS);
      setOutcome(doc);
      drafts.current.delete(job.jobId);
      setJob({ ...job, state: 'registered', docId: doc.docId });
      void listPending();
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };

  const discard = async () => {
    if (!job) return;
    if (!discardArmed) {
      // Two touches: a stray touch must not throw away a scanned document.
      setDiscardArmed(true);
      setTimeout(() => setDiscardArmed(false), 4000);
      return;
    }
    setDiscardArmed(false);
    setBusy(true);
    try {
      await api.post(`/api/jobs/${encodeURIComponent(job.jobId)}/discard`);
      drafts.current.delete(job.jobId);
      void listPending();
      setJob(null);
      setFields(null);
      setError(null);
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };

  const startBatch = async (profile?: string) => {
    if (!user) return onNeedUser();
    park();
    setError(null);
    setStarting(true);
    try {
      const b = await api.post<JobView>('/api/batch', profile ? { profile } : {});
      setOutcome(null);
      setJob(null);
      setFields(null);
      setBatchFirst(null);
      setBatchId(b.jobId);
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setStarting(false);
    }
  };

  const confirmSecret = async () => {
    if (!outcome) return;
    setBusy(true);
    try {
      setOutcome(await api.post<DocumentView>(`/api/documents/${encodeURIComponent(outcome.docId)}/confirm-secret`));
      setSecretDone(true);
      setJob(null);
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };

  const working = starting || (!!job && (job.state === 'scanning' || job.state === 'extracting'));
  // A secret document must be confirmed (its pages deleted) before the next scan can hide it.
  const secretPending = outcome?.state === 'held-secret' && !secretDone;
  // A job waiting for review (or stopped with pages) does not block: it waits in the list.
  const canScan = !working && !secretPending;
  const reviewing = !outcome && job?.state === 'review' && !!job.result && !!fields;
  const waiting = pending.filter((j) => j.jobId !== job?.jobId);
  // nothing on screen: the waiting documents take the main area (all of them visible at 1024×600)
  const idleWithWaiting = !working && !outcome && !reviewing && !(job?.state === 'failed' && job.pages.length > 0) && waiting.length > 0;
  const paperStop = job && (job.state === 'review' || job.state === 'failed') && isPaperStop(job.error, job.pages.length) ? job.error : null;
  const scannerBack = useScannerBack(paperStop?.code === 'scanner.disconnected');
  const stopped = paperStop && job && (
    <div class="banner banner-warn banner-stop" role="alert" data-testid="scan-stopped" data-code={paperStop.code}>
      <span class="banner-text">
        <strong>{S.scan.interrupted(paperStop, job.pages.at(-1)?.page ?? job.pages.length)}</strong>
        {' '}{S.scan.pagesSafe}
      </span>
    </div>
  );
  const discardButton = (
    <button class="btn btn-ghost" disabled={busy} onClick={discard}>{discardArmed ? S.scan.discardConfirm : S.scan.discard}</button>
  );
  // unplugged mid-run: "Tiếp tục" once the scanner answers again
  const unplugged = paperStop?.code === 'scanner.disconnected';
  const continueButton = (
    <button class={`btn ${paperStop ? 'btn-primary' : ''} btn-continue`} data-testid="continue" disabled={busy || (unplugged && !scannerBack)} onClick={continueScan}>
      {unplugged ? (scannerBack ? S.scan.resume : S.scan.waitingScanner) : S.scan.continue}
    </button>
  );

  if (batchId) {
    const leave = () => {
      leftBatches.current.add(batchId);
      setBatchId(null);
      void listPending();
    };
    return <BatchScreen key={`${batchId}:${batchFirst ?? ''}`} batchId={batchId} user={user} onNeedUser={onNeedUser} drafts={drafts.current} openFirst={batchFirst}
      onBatch={(b) => { setBatchFirst(null); setBatchId(b); }} onDone={leave} />;
  }

  return (
    <div class={`scan-screen ${reviewing ? 'reviewing' : ''}`}>
      <ScanSide disabled={!canScan || busy} noUser={!user} progress={paperStop ? S.scan.stopped : progressText(starting, job, outcome)}
        waiting={waiting} waitingInMain={idleWithWaiting} job={job} reviewing={reviewing} onScan={scan} onBatch={startBatch} onOpen={open} onError={setError}
        onReceived={(j) => { park(); setOutcome(null); setFields(null); show(j); }} />

      <div class={`scan-main ${reviewing ? 'scan-main-review' : ''}`}>
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
        {outcome ? (
          <Outcome doc={outcome} secretDone={secretDone} busy={busy} onConfirmSecret={confirmSecret} onNext={() => scan()} />
        ) : reviewing && job?.result && fields ? (
          <ReviewPane key={job.jobId} job={job} fields={fields} onChange={setFields} disabled={busy} onError={setError} marks={marks} onMarks={setMarks}
            head={<>
              {stopped}
              <div class="review-head">
                <h1>{job.book === 'outgoing' ? S.outgoing.title : S.review.title}</h1>
                {anyDoubtful(job.result) && <p class="hint doubt-hint">{S.review.doubtful}</p>}
              </div>
              {fields.confidentiality && <p class="banner banner-secret">{S.outcome.secretTitle}</p>}
              {marks.complaint && <p class="banner banner-secret" data-testid="complaint-banner">{S.desk.complaintBanner}</p>}
              {job.received && <ReceivedBanner received={job.received} />}
            </>}
            below={job.book === 'outgoing' && <OutgoingRecipients lines={fields.recipients} value={outgoing} onChange={setOutgoing} disabled={busy} />}
            actions={<>
              {discardButton}
              {continueButton}
              <button class={`btn ${paperStop ? '' : 'btn-primary'} btn-register`} data-testid="register" disabled={busy} onClick={register}>
                {busy ? S.review.registering : S.review.register}
              </button>
            </>} />
        ) : job?.state === 'failed' && job.pages.length > 0 ? (
          // Recognition failed (or the paper stopped and nothing could be read): keep, continue or discard.
          <>
            {stopped}
            <p class="lead placeholder">{S.scan.failed} {S.scan.pagesSafe}</p>
            <div class="actions">
              {discardButton}
              {continueButton}
            </div>
          </>
        ) : (
          idleWithWaiting ? <PendingList waiting={waiting} onOpen={open} wide /> : (
            <div class="placeholder">
              <p class="lead">{working ? progressText(starting, job, null) : S.scan.startHint}</p>
              {!working && <p class="hint">{S.batch.startHint}</p>}
            </div>
          )
        )}
      </div>
    </div>
  );
}

function progressText(starting: boolean, job: JobView | null, outcome: DocumentView | null): string {
  if (starting) return S.scan.starting;
  if (outcome || !job) return '';
  switch (job.state) {
    case 'scanning': return S.scan.scanningPage(job.pages.length + 1);
    case 'extracting': return S.scan.recognising;
    case 'review': return S.scan.review;
    case 'failed': return S.scan.failed;
    default: return '';
  }
}
