import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../log.js';
import { apiPlugin, type ApiOptions } from './plugin.js';

// The HTTP server of the appliance, configured once: the composition root calls this, then
// `listen()` / `close()`. Fastify's request log lines carry method, URL and status only — never
// bodies or headers — so a PIN cannot reach the log through them.

export function createHttpServer(opts: ApiOptions & { logger: Logger }): FastifyInstance {
  const { logger, ...api } = opts;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: 1024 * 1024,
  }) as unknown as FastifyInstance;
  void app.register(apiPlugin, api);
  return app;
}
