import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Desk } from '../pipeline/desk.js';
import { actorOf } from './actor.js';
import { notFound } from './http-errors.js';
import { emptyBody, idParams } from './schemas.js';

// Registered documents: the list the status screen shows, one document, its signed PDF, the
// clerk's confirmation that a secret document stays on paper, and what the clerk does when one is
// stuck: retry a failed one ("Ký lại" / "Gửi lại"), or have the queue try again now ("Gửi lại ngay").

type IdReq = { Params: { id: string } };

export function documentRoutes(app: FastifyInstance, desk: Desk): void {
  const docOr404 = async (id: string) => {
    const doc = await desk.getDocument(id);
    if (!doc) throw notFound('Không tìm thấy văn bản này.', `document ${id} not found`);
    return doc;
  };

  app.get('/api/documents', async () => desk.listDocuments());

  app.get<IdReq>('/api/documents/:id', { schema: { params: idParams } }, async (req) => docOr404(req.params.id));

  app.get<IdReq>('/api/documents/:id/pdf', { schema: { params: idParams } }, async (req, reply) => {
    await docOr404(req.params.id);
    const file = await desk.documentPdf(req.params.id);
    if (!file) throw notFound('Văn bản này chưa có bản PDF đã ký.', `no signed PDF for ${req.params.id}`);
    let pdf: Buffer;
    try {
      pdf = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      throw notFound('Văn bản này chưa có bản PDF đã ký.', `signed PDF ${file} is gone`);
    }
    return reply.type('application/pdf').header('cache-control', 'no-store').send(pdf);
  });

  app.post<IdReq>('/api/documents/:id/confirm-secret', { schema: { params: idParams, body: emptyBody } }, async (req) => {
    const actor = actorOf(req);
    await docOr404(req.params.id);
    return desk.confirmSecretHeld(req.params.id, actor);
  });

  app.post<IdReq>('/api/documents/:id/retry', { schema: { params: idParams, body: emptyBody } }, async (req) => {
    const actor = actorOf(req);
    await docOr404(req.params.id);
    return desk.retryDocument(req.params.id, actor);
  });

  app.post<IdReq>('/api/documents/:id/send-now', { schema: { params: idParams, body: emptyBody } }, async (req) => {
    const actor = actorOf(req);
    await docOr404(req.params.id);
    return desk.sendNow(req.params.id, actor);
  });
}
