import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Desk, DocumentView } from '../pipeline/desk.js';
import { actorOf } from './actor.js';
import { notFound } from './http-errors.js';
import { emptyBody, idParams } from './schemas.js';

// Registered documents: the list the status screen shows, one document (with `pdfParts`, how many
// signed PDF files it has: more than one for a document split under 50 MB each), its signed PDF
// (`?part=k` for part k, default 1), the
// clerk's confirmation that a secret document stays on paper, and what the clerk does when one is
// stuck: retry a failed one ("Ký lại" / "Gửi lại"), or have the queue try again now ("Gửi lại ngay").

/** One document as GET /api/documents/:id gives it: with how many signed PDF files it has (0 before signing). */
export type DocumentWithParts = DocumentView & { pdfParts: number };

type IdReq = { Params: { id: string } };
type PdfReq = IdReq & { Querystring: { part?: string } };
const pdfQuery = {
  type: 'object', additionalProperties: false,
  // a string (the API's schemas do not coerce types): 1…999
  properties: { part: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' } },
} as const;

export function documentRoutes(app: FastifyInstance, desk: Desk): void {
  const docOr404 = async (id: string) => {
    const doc = await desk.getDocument(id);
    if (!doc) throw notFound('Không tìm thấy văn bản này.', `document ${id} not found`);
    return doc;
  };

  app.get('/api/documents', async () => desk.listDocuments());

  app.get<IdReq>('/api/documents/:id', { schema: { params: idParams } }, async (req): Promise<DocumentWithParts> => {
    const doc = await docOr404(req.params.id);
    return { ...doc, pdfParts: (await desk.documentPdfs(req.params.id)).length };
  });

  app.get<PdfReq>('/api/documents/:id/pdf', { schema: { params: idParams, querystring: pdfQuery } }, async (req, reply) => {
    await docOr404(req.params.id);
    const part = Number(req.query.part ?? 1);
    const parts = await desk.documentPdfs(req.params.id);
    if (!parts.length) throw notFound('Văn bản này chưa có bản PDF đã ký.', `no signed PDF for ${req.params.id}`);
    const file = parts[part - 1];
    if (!file) throw notFound(`Văn bản này chỉ có ${parts.length} phần PDF đã ký.`, `no signed PDF part ${part} of ${req.params.id} (${parts.length} parts)`);
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
