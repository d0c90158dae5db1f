import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { notFound } from './http-errors.js';

// The built touchscreen app (`dist/ui`) at `/`. Any other GET that is not an API call gets
// index.html (single-page app); unknown `/api/…` paths and missing assets get a JSON 404.

export async function serveUi(app: FastifyInstance, uiDir: string): Promise<void> {
  const built = existsSync(join(uiDir, 'index.html'));
  // wildcard: files are looked up per request, so a rebuilt UI (new hashed asset names) is served.
  if (built) await app.register(fastifyStatic, { root: uiDir, wildcard: true, index: ['index.html'] });

  app.setNotFoundHandler(async (req, reply) => {
    // A missing asset (a path with a file extension) is a 404, not the app page.
    if (req.method !== 'GET' || req.url.startsWith('/api/') || /\.[a-z0-9]+$/i.test(req.url.split('?')[0] ?? '')) {
      throw notFound('Không có chức năng này.', `no route ${req.method} ${req.url}`);
    }
    if (!built) {
      return reply.code(503).type('text/plain; charset=utf-8')
        .send('Giao diện chưa được dựng. Hãy chạy "npm run build" trong thư mục dự án.');
    }
    return reply.type('text/html; charset=utf-8').sendFile('index.html');
  });
}
