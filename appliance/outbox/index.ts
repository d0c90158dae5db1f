// The delivery stage's public surface.
export { Outbox, type OutboxOptions } from './outbox.js';
export type { OutboxItem, OutboxState } from './store.js';
