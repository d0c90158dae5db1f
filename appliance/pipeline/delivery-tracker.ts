import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { RegisterPort } from './ports.js';

// Carries the outbox's final word back into the register (architecture: central status → outbox →
// register). Retries in between stay in the outbox's own events: the register records outcomes.
export function trackDelivery(bus: EventBus, register: RegisterPort, log: Logger): () => void {
  return bus.on('outbox.changed', (e) => {
    const doc = register.get(e.docId);
    if (!doc) return;
    let done: Promise<unknown> | undefined;
    if (e.state === 'delivered' && doc.state !== 'delivered') {
      done = register.setState(e.docId, 'delivered', { actor: 'hệ thống', detail: `StatusCode ${e.statusCode ?? '?'}`, message: null });
    } else if (e.state === 'rejected' && doc.state !== 'failed') {
      done = register.setState(e.docId, 'failed', {
        actor: 'hệ thống', detail: e.lastError ?? 'rejected',
        message: `Hệ thống quản lý văn bản từ chối văn bản: ${e.lastError ?? 'không rõ lý do'}`,
      });
    }
    done?.catch((err: unknown) => log.error({ err, docId: e.docId }, 'could not record the delivery outcome'));
  });
}
