import type { DocumentView } from '../types.js';
import { S } from '../strings.js';

/** A document's state as a coloured Vietnamese badge (the receiver's status code is under "Chi tiết", not here). */
export function StateBadge({ doc }: { doc: Pick<DocumentView, 'state'> }) {
  const text: string = S.states[doc.state];
  return <span class={`badge badge-${doc.state}`} data-state={doc.state}>{text}</span>;
}
