import type { DocumentView } from '../types.js';
import { S } from '../strings.js';

/** A document's state as a coloured Vietnamese badge; "Đã gửi (01)" carries the central's status code. */
export function StateBadge({ doc }: { doc: Pick<DocumentView, 'state' | 'delivery'> }) {
  let text: string = S.states[doc.state];
  if (doc.state === 'delivered' && doc.delivery?.statusCode) text = `${text} (${doc.delivery.statusCode})`;
  return <span class={`badge badge-${doc.state}`} data-state={doc.state}>{text}</span>;
}
