import type { FastifyInstance } from 'fastify';
import type { Desk } from '../pipeline/desk.js';
import { actorOf } from './actor.js';
import { resolveBody } from './schemas.js';

// What the review of an outgoing document ("Văn bản đi") asks besides the scan job:
//   GET  /api/agencies            the provisioned agencies with identifiers, for the clerk to pick a recipient
//   POST /api/recipients/resolve  {recipients: string[]} → ResolvedRecipient[] (organId null = unresolved; copyOnly = "Lưu")

export function outgoingRoutes(app: FastifyInstance, desk: Desk): void {

  app.get('/api/agencies', async () => ({ agencies: desk.agencies() }));

  app.post<{ Body: { recipients: string[] } }>('/api/recipients/resolve', { schema: { body: resolveBody } }, async (req) => {
    actorOf(req);
    return { recipients: desk.resolveRecipients(req.body.recipients) };
  });
}
