import { S } from '../strings.js';
import type { DocumentView } from '../types.js';
import { StateBadge } from './state-badge.js';

// After Đăng ký on the scan screen: the arrival (or outgoing) number given, or, for a document
// held on paper (secret, or a complaint the clerk flagged), the touch that deletes its pages.

export function Outcome(props: { doc: DocumentView; secretDone: boolean; busy: boolean; onConfirmSecret: () => void; onNext: () => void }) {
  const { doc } = props;
  if (doc.state === 'held-secret' || props.secretDone) {
    return (
      <div class="outcome outcome-secret" data-testid="secret">
        {/* (a held document keeps its secrecy mark; one without is a complaint the clerk flagged) */}
        <h1>{doc.fields.confidentiality ? S.outcome.secretTitle : S.desk.complaintTitle}</h1>
        <p class="lead">{doc.message ?? S.outcome.secretBody}</p>
        {props.secretDone
          ? <p class="lead text-ok">{doc.fields.confidentiality ? S.outcome.secretDone : S.desk.complaintDone}</p>
          : <button class="btn btn-primary btn-wide" disabled={props.busy} onClick={props.onConfirmSecret}>{S.outcome.secretConfirm}</button>}
      </div>
    );
  }
  return (
    <div class="outcome" data-testid="outcome">
      <h1>{doc.outgoing ? S.outgoing.registered(doc.outgoing.number) : S.outcome.registered(doc.arrivalNumber)}</h1>
      <p class="lead">{doc.fields.numberNotation ?? ''} — {doc.fields.summary ?? ''}</p>
      <p><StateBadge doc={doc} /></p>
      {doc.duplicateOf && <p class="banner banner-warn" data-testid="duplicate">{S.outcome.duplicate(doc.duplicateOf)}</p>}
      {doc.message && <p>{doc.message}</p>}
      <p>{doc.outgoing ? S.outgoing.queued(doc.outgoing.recipients.filter((r) => r.organId && !r.copyOnly).length) : S.outcome.queued}</p>
      <button class="btn btn-primary btn-wide" onClick={props.onNext}>{S.scan.newScan}</button>
    </div>
  );
}
