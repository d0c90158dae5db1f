import type { FastifyInstance } from 'fastify';
import type { Desk } from '../pipeline/desk.js';
import { actorOf } from './actor.js';
import { pinBody } from './schemas.js';

// The signing token: unlock with the PIN typed by the clerk, lock again. The PIN goes straight to
// the desk: it is never logged, echoed back or kept here.

export function tokenRoutes(app: FastifyInstance, desk: Desk): void {
  // Open: the idle screen's token pill (present, unlocked, locked) says nothing about documents.
  app.get('/api/token', { config: { access: 'open' } }, async () => desk.tokenState());

  app.post<{ Body: { pin: string } }>('/api/token/unlock', { schema: { body: pinBody } }, async (req) => {
    const actor = actorOf(req);
    return desk.unlockToken(req.body.pin, actor);
  });

  app.post('/api/token/lock', async (req) => desk.lockToken(actorOf(req)));
}
