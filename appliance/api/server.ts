import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../log.js';
import { apiPlugin, type ApiOptions } from './plugin.js';

// The HTTP server of the appliance, configured once: the composition root calls this, then
// `listen()` / `close()`. Fastify's request log lines carry method, URL and status only — never
// bodies or headers — so a PIN cannot reach the log through them.
// Request schemas are strict: fastify's ajv by default coerces types (`{"pin":123456}` became the
// string "123456") and silently drops unknown properties; here a wrong type or an unknown property
// is a 400 request.invalid instead (http-errors.ts). Route params are strings, and say so (schemas.ts).

export function createHttpServer(opts: ApiOptions & { logger: Logger }): FastifyInstance {
  const { logger, ...api } = opts;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  }) as unknown as FastifyInstance;
  void app.register(apiPlugin, api);
  return app;
}
