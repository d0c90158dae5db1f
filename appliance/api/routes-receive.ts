import type { FastifyInstance } from 'fastify';
import type { Actor, JobView } from '../pipeline/desk.js';
import type { MediaFile, ReceivedFile } from '../receive/types.js';
import { actorOf } from './actor.js';

// Received electronic documents (appliance/receive), a clerk's commands:
//   GET  /api/receive/media          PDF/edXML files on the mounted USB drives → MediaFile[]
//   POST /api/receive/media  {path}  opens one of them → JobView (in review), or 422 receive.refused with the reason
//   POST /api/receive                raw body (application/pdf, application/xml), the file's name in
//                                    X-File-Name (URI-encoded): an e-mail attachment saved by the technician
// Scoped to this plugin: the PDF and XML body parsers and their size limit apply to these routes only.

export interface ReceivePort {
  listMedia(): Promise<MediaFile[]>;
  openMedia(path: string, actor: Actor): Promise<JobView>;
  receive(file: ReceivedFile, actor: Actor): Promise<JobView>;
}

const mediaBody = {
  type: 'object', additionalProperties: false, required: ['path'],
  properties: { path: { type: 'string', minLength: 2, maxLength: 4096, pattern: '^/' } },
} as const;

export function receiveRoutes(app: FastifyInstance, receive: ReceivePort, maxBytes: number): void {
  void app.register(async (scope) => {
    const raw = (_req: unknown, body: Buffer, done: (err: Error | null, body?: Buffer) => void) => done(null, body);
    scope.addContentTypeParser(['application/pdf', 'application/xml', 'text/xml', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: maxBytes }, raw);

    scope.get('/api/receive/media', async () => receive.listMedia());
    scope.post<{ Body: { path: string } }>('/api/receive/media', { schema: { body: mediaBody } }, async (req) => receive.openMedia(req.body.path, actorOf(req)));
    scope.post<{ Body: Buffer }>('/api/receive', { bodyLimit: maxBytes }, async (req) => {
      const header = req.headers['x-file-name'];
      let fileName = 'van-ban-dien-tu';
      try { if (typeof header === 'string' && header) fileName = decodeURIComponent(header).slice(0, 255); } catch { /* kept as the default */ }
      return receive.receive({ fileName, data: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) }, actorOf(req));
    });
  });
}
