import type { FastifyInstance } from 'fastify';
import type { ScannerPresence } from '../capture/scanner-presence.js';
import { actorOf } from './actor.js';
import { requireRole } from './require-role.js';
import { emptyBody } from './schemas.js';

// The scanner itself, apart from scan jobs:
//   GET  /api/scanner           is the configured scanner there now? (the scan screen's "Tiếp tục" after an unplug)
//   POST /api/scanner/refresh   technician: discovery again ("Tìm lại máy quét"), the scanners SANE lists

export type ScannerRoutesDeps = Pick<ScannerPresence, 'status' | 'refresh'>;

export function scannerRoutes(app: FastifyInstance, deps: ScannerRoutesDeps): void {
  app.get('/api/scanner', async () => deps.status());

  app.post('/api/scanner/refresh', { onRequest: requireRole('technician'), schema: { body: emptyBody } }, async (req) => {
    actorOf(req);
    const { scanners, status } = await deps.refresh();
    return {
      status,
      scanners: scanners.map((s) => ({
        device: s.device, vendor: s.vendor, model: s.model, type: s.type,
        sources: s.options?.sourceKinds ?? [], sensors: s.options?.sensors ?? [], error: s.error ?? null,
      })),
    };
  });
}
