import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../pipeline/desk.js';
import type { Outbox } from '../outbox/outbox.js';
import { openBody } from '../outbox/package-body.js';
import { OUTBOX_STATES, type OutboxItem, type OutboxState } from '../outbox/store.js';
import type { AuditAction } from '../register/audit-log.js';
import { actorOf } from './actor.js';
import { notFound } from './http-errors.js';
import { requireRole } from './require-role.js';
import { emptyBody } from './schemas.js';

// The upload queue for the people who look after it: what waits and why (any logged-in person;
// the touchscreen's queue view and `sohoa queue`), and the technician's hands on it: retry now,
// hold, release, and the package and PDF of a document to carry by hand (`sohoa queue export`).
//
//   GET  /api/queue                      {counts, oldestWaitingSince, lastError, items: QueueItemView[]}
//   POST /api/queue/:docId/retry         technician: send now (a rejected one is packaged again from the register)
//   POST /api/queue/:docId/hold          technician: not sent until released
//   POST /api/queue/:docId/release       technician
//   GET  /api/queue/:docId/package       technician: the edXML exactly as it is sent
//   GET  /api/queue/:docId/pdf           technician: the signed PDF it carries

export interface QueueItemView {
  docId: string;
  documentId: string;
  arrivalNumber: number | null;
  state: OutboxState;
  priority: number;
  attempts: number;
  nextAttemptAt: string | null;
  statusCode: string | null;
  lastError: string | null;
  enqueuedAt: string;
  deliveredAt: string | null;
}

export interface QueueView {
  counts: Record<OutboxState, number>;
  /** When the oldest document still waiting (queued, sending, held) was queued. */
  oldestWaitingSince: string | null;
  /** The latest failure or rejection reason among documents not yet through. */
  lastError: string | null;
  items: QueueItemView[];
}

export interface QueueRoutesDeps {
  outbox: Pick<Outbox, 'list' | 'get' | 'retry' | 'hold' | 'release' | 'packageFiles'>;
  arrivalNumber(docId: string): number | null;
  /** Packages a rejected document again from the register (FilingQueue.retry, "Gửi lại"). */
  resend(docId: string, actor: Actor): Promise<unknown>;
  audit(actor: string, action: AuditAction, docId: string, detail: Record<string, unknown>): Promise<void>;
}

const WAITING: readonly OutboxState[] = ['queued', 'sending', 'held'];

export function queueView(items: OutboxItem[], arrivalNumber: (docId: string) => number | null): QueueView {
  const counts = Object.fromEntries(OUTBOX_STATES.map((s) => [s, 0])) as Record<OutboxState, number>;
  for (const i of items) counts[i.state]++;
  const waiting = items.filter((i) => WAITING.includes(i.state)).map((i) => i.enqueuedAt).sort();
  const failing = items.filter((i) => i.lastError && i.state !== 'accepted' && i.state !== 'delivered')
    .sort((a, b) => (b.lastAttemptAt ?? '').localeCompare(a.lastAttemptAt ?? ''));
  return {
    counts,
    oldestWaitingSince: waiting[0] ?? null,
    lastError: failing[0]?.lastError ?? null,
    items: items.map((i) => ({
      docId: i.docId, documentId: i.documentId, arrivalNumber: arrivalNumber(i.docId), state: i.state, priority: i.priority,
      attempts: i.attempts, nextAttemptAt: i.nextAttemptAt, statusCode: i.statusCode, lastError: i.lastError,
      enqueuedAt: i.enqueuedAt, deliveredAt: i.deliveredAt,
    })),
  };
}

type DocReq = { Params: { docId: string } };
const docParams = {
  type: 'object',
  additionalProperties: false,
  required: ['docId'],
  properties: { docId: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^/]+$' } },
} as const;

export function queueRoutes(app: FastifyInstance, deps: QueueRoutesDeps): void {
  const technician = requireRole('technician');
  const view = (i: OutboxItem) => queueView([i], deps.arrivalNumber).items[0]!;
  const current = (docId: string) => {
    const item = deps.outbox.get(docId);
    if (!item) throw notFound('Không tìm thấy văn bản này trong hàng đợi gửi.', `outbox: no item ${docId}`);
    return view(item);
  };

  app.get('/api/queue', async () => queueView(deps.outbox.list(), deps.arrivalNumber));

  app.post<DocReq>('/api/queue/:docId/retry', { onRequest: technician, schema: { params: docParams, body: emptyBody } }, async (req) => {
    const actor = actorOf(req);
    const { docId } = req.params;
    current(docId);
    if (deps.outbox.get(docId)?.state === 'rejected') {
      await deps.resend(docId, actor);
    } else {
      await deps.outbox.retry(docId);
    }
    await deps.audit(actor.name, 'retried', docId, { reason: 'queue retry' });
    return current(docId);
  });

  app.post<DocReq>('/api/queue/:docId/hold', { onRequest: technician, schema: { params: docParams, body: emptyBody } }, async (req) => {
    const actor = actorOf(req);
    await deps.outbox.hold(req.params.docId);
    await deps.audit(actor.name, 'held', req.params.docId, { reason: 'queue hold' });
    return current(req.params.docId);
  });

  app.post<DocReq>('/api/queue/:docId/release', { onRequest: technician, schema: { params: docParams, body: emptyBody } }, async (req) => {
    const actor = actorOf(req);
    await deps.outbox.release(req.params.docId);
    await deps.audit(actor.name, 'state', req.params.docId, { reason: 'queue release' });
    return current(req.params.docId);
  });

  app.get<DocReq>('/api/queue/:docId/package', { onRequest: technician, schema: { params: docParams } }, async (req, reply) => {
    const files = deps.outbox.packageFiles(req.params.docId);
    return reply.type('application/xml; charset=utf-8').header('cache-control', 'no-store').send(openBody(files));
  });

  app.get<DocReq>('/api/queue/:docId/pdf', { onRequest: technician, schema: { params: docParams } }, async (req, reply) => {
    const files = deps.outbox.packageFiles(req.params.docId);
    if (!files.pdf) return reply.code(204).send();
    return reply.type('application/pdf').header('cache-control', 'no-store').send(createReadStream(files.pdf));
  });
}
