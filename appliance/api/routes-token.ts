import type { FastifyInstance } from 'fastify';
import type { AccountsPort } from '../accounts/types.js';
import type { Desk } from '../pipeline/desk.js';
import { actorOf } from './actor.js';
import { optionalSession, publicTokenState } from './public-view.js';
import { emptyBody, pinBody } from './schemas.js';

// The signing token: unlock with the PIN typed by the clerk, lock again. The PIN goes straight to
// the desk: it is never logged, echoed back or kept here.

export function tokenRoutes(app: FastifyInstance, desk: Desk, accounts: AccountsPort): void {
  // Open for the idle screen's pill (present, unlocked); label, serial and PIN flags with a session.
  app.get('/api/token', { config: { access: 'open' } }, async (req) =>
    ((await optionalSession(req, accounts)) ? desk.tokenState() : publicTokenState(desk.tokenState())));

  app.post<{ Body: { pin: string } }>('/api/token/unlock', { schema: { body: pinBody } }, async (req) => {
    const actor = actorOf(req);
    return desk.unlockToken(req.body.pin, actor);
  });

  app.post('/api/token/lock', { schema: { body: emptyBody } }, async (req) => desk.lockToken(actorOf(req)));
}
