import { S } from '../strings.js';
import type { ErrorInfo, JobView } from '../types.js';
import { ProfileButtons } from './profile-buttons.js';
import { ReceivePanel } from './receive-panel.js';
import { PendingList } from './pending-list.js';

// The scan screen's left panel: the profile buttons, "Mở văn bản điện tử", what the scanner is
// doing, the "Chờ kiểm tra" list and, outside the review, the thumbnails of the job's pages. It
// only shows; the scan screen (screens/scan.tsx) owns the state and does the work.

export interface ScanSideProps {
  /** Scanning (and opening a received file) is not possible now. */
  disabled: boolean;
  /** No clerk logged in: a received file cannot be opened. */
  noUser: boolean;
  /** The line under the buttons (what is happening). */
  progress: string;
  /** Documents waiting for review, other than the one on screen. */
  waiting: JobView[];
  /** The waiting documents are shown in the main area (idle screen), not here. */
  waitingInMain: boolean;
  /** The job on screen (its pages as thumbnails unless reviewing). */
  job: JobView | null;
  reviewing: boolean;
  onScan: (profile?: string) => void;
  onBatch: (profile?: string) => void;
  onOpen: (job: JobView) => void;
  onReceived: (job: JobView) => void;
  onError: (e: ErrorInfo | null) => void;
}

export function ScanSide(props: ScanSideProps) {
  const { job, waiting, reviewing } = props;
  const kept = job ? job.pages.filter((p) => !p.blank).length : 0;
  return (
    <aside class="scan-side">
      <ProfileButtons disabled={props.disabled} onScan={props.onScan} onBatch={props.onBatch} />
      <ReceivePanel disabled={props.disabled || props.noUser} onError={props.onError} onOpened={props.onReceived} />
      <p class="progress" role="status" data-testid="progress">{props.progress}</p>
      {!props.waitingInMain && <PendingList waiting={waiting} onOpen={props.onOpen} />}
      {!reviewing && job && job.pages.length > 0 && <p class="hint">{S.scan.pagesKept(kept)}</p>}
      {!reviewing && <div class="thumbs" data-testid="thumbs">
        {job?.pages.map((p) => (
          <figure class={`thumb ${p.blank ? 'thumb-blank' : ''}`} key={p.page} data-page={p.page}>
            <img src={p.imageUrl} alt={S.scan.page(p.page)} loading="lazy" />
            {p.blank && <strong class="thumb-flag">{S.scan.blank}</strong>}
            <figcaption>{S.scan.page(p.page)}</figcaption>
          </figure>
        ))}
      </div>}
    </aside>
  );
}
