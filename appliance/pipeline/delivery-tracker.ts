import type { DocumentState } from '../events.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { RegisterPort } from './ports.js';

// Carries the outbox's word back into the register (architecture: central status → outbox →
// register): arrived (01) → delivered, accepted (03) → accepted, rejected (02 with the receiver's
// reason, or a final 4xx) → rejected, which the clerk can fix and send again. Retries, holds and
// status reads in between stay in the outbox's own events: the register records outcomes.

const SYSTEM = 'hệ thống';
/** Register states the outbox may still move on (a document sent again after a rejection is 'queued' again). */
const IN_FLIGHT: readonly DocumentState[] = ['queued', 'sending', 'delivered'];

export function trackDelivery(bus: EventBus, register: RegisterPort, log: Logger): () => void {
  return bus.on('outbox.changed', (e) => {
    const doc = register.get(e.docId);
    if (!doc || !IN_FLIGHT.includes(doc.state)) return;
    let done: Promise<unknown> | undefined;
    if (e.state === 'delivered' && doc.state !== 'delivered') {
      done = register.setState(e.docId, 'delivered', { actor: SYSTEM, detail: `StatusCode ${e.statusCode ?? '?'}`, message: null });
    } else if (e.state === 'accepted') {
      done = register.setState(e.docId, 'accepted', { actor: SYSTEM, detail: `StatusCode ${e.statusCode ?? '03'}`, message: null });
    } else if (e.state === 'rejected') {
      done = register.setState(e.docId, 'rejected', {
        actor: SYSTEM, detail: e.statusCode ? `StatusCode ${e.statusCode}` : (e.lastError ?? 'rejected'),
        message: e.lastError ?? 'Hệ thống trung tâm từ chối văn bản (không nêu lý do).',
      });
    }
    done?.catch((err: unknown) => log.error({ err, docId: e.docId }, 'could not record the delivery outcome'));
  });
}
