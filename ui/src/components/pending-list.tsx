import { S } from '../strings.js';
import type { JobView } from '../types.js';

// "Chờ kiểm tra": the documents scanned and read that wait for the clerk's check. On the idle scan
// screen the list fills the main area as cards (number, summary, pages), so a clerk with thirty
// documents waiting sees them all on a 1024×600 screen; beside a document under review it is the
// narrow list of the side panel. A tap opens the document.

interface Props {
  waiting: JobView[];
  onOpen: (job: JobView) => void;
  /** Cards in the main area (idle screen) rather than the side panel's list. */
  wide?: boolean;
}

export function PendingList({ waiting, onOpen, wide = false }: Props) {
  if (waiting.length === 0) return null;
  return (
    <div class={`pending ${wide ? 'pending-wide' : ''}`} data-testid="pending">
      <p class="pending-title">{S.scan.pendingTitle(waiting.length)}</p>
      <div class="pending-items">
        {waiting.map((j) => (
          <button type="button" class="btn pending-item" key={j.jobId} data-job={j.jobId} onClick={() => onOpen(j)}>
            <strong>{j.result?.numberNotation ?? S.scan.pendingUnnamed(j.startedAt)}</strong>
            {wide && j.result?.summary && <span class="pending-summary">{j.result.summary}</span>}
            <span class="pending-sub">{j.state === 'failed' ? S.scan.pendingFailed : S.batch.pages(j.pages.length)}</span>
          </button>
        ))}
      </div>
    </div>
  );
}
