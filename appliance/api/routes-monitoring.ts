import type { FastifyInstance } from 'fastify';
import { SohoaError } from '../errors.js';
import type { HealthReport } from '../health/health.js';
import { addressAllowList } from './allow-list.js';

// The fleet's view of the appliance, outside the desk's API and its sessions:
//   GET /metrics   Prometheus text format (appliance/metrics)
//   GET /healthz   {ok, checks: {scanner, token, disk, central, lastDelivery}}: 200 when every
//                  part is ok, 503 otherwise (appliance/health)
// Only addresses in `monitoring.allow` may read them (default: this machine only); others get 403.
// An encapsulated plugin: its access hook covers these two routes and nothing else.

export interface MonitoringOptions {
  /** Addresses and CIDR ranges allowed to read (config `monitoring.allow`). */
  allow: string[];
  metrics: () => Promise<{ contentType: string; text: string }>;
  health: () => Promise<HealthReport>;
}

const FORBIDDEN_VI = 'Máy này không được phép đọc thông tin giám sát của thiết bị. Hãy nhờ kỹ thuật viên thêm địa chỉ vào cấu hình monitoring.allow.';

export async function monitoringRoutes(app: FastifyInstance, opts: MonitoringOptions): Promise<void> {
  const allowed = addressAllowList(opts.allow);
  app.addHook('onRequest', async (req) => {
    if (!allowed.allows(req.socket.remoteAddress)) {
      throw new SohoaError('request.forbidden', FORBIDDEN_VI, `monitoring: ${req.socket.remoteAddress ?? 'unknown address'} is not in monitoring.allow`);
    }
  });

  app.get('/metrics', async (_req, reply) => {
    const { contentType, text } = await opts.metrics();
    return reply.header('cache-control', 'no-store').type(contentType).send(text);
  });

  app.get('/healthz', async (_req, reply) => {
    const report = await opts.health();
    return reply.code(report.ok ? 200 : 503).header('cache-control', 'no-store').send(report);
  });
}
