import type { FastifyInstance } from 'fastify';
import type { AccountsPort, Role } from '../accounts/types.js';
import { actorOf } from './actor.js';
import { requireRole } from './require-role.js';
import { accountBody, emptyBody, nameParams, pinResetBody } from './schemas.js';

// The technician's account management on the touchscreen (the same as `sohoa users`), technician
// role only. Every change is in the audit log under the technician's name; removing a person or
// setting a new PIN ends that person's sessions at once. PINs are never echoed or logged.
//   GET    /api/accounts                 [{name, role}]
//   POST   /api/accounts                 {name, role, pin} → {name, role}
//   DELETE /api/accounts/:name           → {name, role}
//   POST   /api/accounts/:name/pin       {pin} → {name, role}

type NameReq = { Params: { name: string } };

export function accountRoutes(app: FastifyInstance, accounts: AccountsPort): void {
  const technician = { onRequest: requireRole('technician') };

  app.get('/api/accounts', technician, async () => accounts.accounts());

  app.post<{ Body: { name: string; role: Role; pin: string } }>('/api/accounts', { ...technician, schema: { body: accountBody } }, async (req) =>
    accounts.addAccount(req.body.name, req.body.role, req.body.pin, actorOf(req).name));

  app.delete<NameReq>('/api/accounts/:name', { ...technician, schema: { params: nameParams, body: emptyBody } }, async (req) =>
    accounts.removeAccount(req.params.name, actorOf(req).name));

  app.post<NameReq & { Body: { pin: string } }>('/api/accounts/:name/pin', { ...technician, schema: { params: nameParams, body: pinResetBody } }, async (req) =>
    accounts.resetPin(req.params.name, req.body.pin, actorOf(req).name));
}
