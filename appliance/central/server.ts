import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from '../log.js';
import { decodeAttachment, parsePackage } from '../edxml/parse-document.js';
import { buildStatusPackage } from '../edxml/status.js';
import type { Organ } from '../edxml/types.js';
import { CentralStore, sha256 } from './store.js';

// The reference central receiver: the contract of interfaces.md ("The central receiver"), used by
// the demo, the tests and `sohoa central`. A province's platform is reached the same way.

export interface CentralOptions {
  dataDir: string;
  /** Accepted device tokens (Authorization: Bearer …). */
  tokens: string[];
  /** Largest accepted body in bytes (413 above). */
  bodyLimit?: number;
  log?: Logger;
  /** Who signs the status replies. */
  organ?: Organ;
  clock?: () => Date;
}

export interface CentralServer {
  start(port?: number, host?: string): Promise<{ url: string }>;
  stop(): Promise<void>;
}

export const DEFAULT_BODY_LIMIT = 60 * 1024 * 1024;
const DEFAULT_ORGAN: Organ = { id: '000.00.00.H00', name: 'HỆ THỐNG QUẢN LÝ VĂN BẢN VÀ ĐIỀU HÀNH TỈNH (THỬ NGHIỆM)' };

function tokenMatches(given: string, tokens: string[]): boolean {
  const g = Buffer.from(given);
  return tokens.some((t) => {
    const b = Buffer.from(t);
    return b.length === g.length && timingSafeEqual(b, g);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function createCentralServer(opts: CentralOptions): CentralServer {
  const store = new CentralStore(opts.dataDir);
  const organ = opts.organ ?? DEFAULT_ORGAN;
  const clock = opts.clock ?? (() => new Date());
  /** Requests with the same key are handled one after the other. */
  const inFlight = new Map<string, Promise<unknown>>();
  const app = Fastify({
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    ...(opts.log ? { loggerInstance: opts.log } : { logger: false }),
  });

  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const refuse = (reply: FastifyReply, status: number, reason: string) => reply.code(status).send({ statusCode: status, reason });

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/edxml/')) return;
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return refuse(reply.header('www-authenticate', 'Bearer'), 401, 'missing device credentials (Authorization: Bearer <device token>)');
    if (!tokenMatches(m[1]!, opts.tokens)) return refuse(reply, 403, 'device token refused');
  });

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/edxml/v1/documents/:documentId/status', async (req: FastifyRequest<{ Params: { documentId: string } }>, reply) => {
    const xml = await store.status(req.params.documentId);
    if (xml === null) return refuse(reply, 404, 'no document with this DocumentId was received');
    return reply.code(200).type('application/xml; charset=utf-8').send(xml);
  });

  app.post('/edxml/v1/documents', async (req, reply) => {
    const raw = req.headers['idempotency-key'];
    if (typeof raw !== 'string' || raw === '') return refuse(reply, 400, 'Idempotency-Key header is missing');
    let key: string;
    try { key = decodeURIComponent(raw); } catch { return refuse(reply, 400, 'Idempotency-Key is not valid percent-encoding'); }
    if (!Buffer.isBuffer(req.body)) return refuse(reply, 400, 'body must be an edXML package (application/xml)');
    const body = req.body;

    const previous = inFlight.get(key) ?? Promise.resolve();
    const turn = previous.catch(() => undefined).then(() => receive(key, body, reply));
    inFlight.set(key, turn);
    try {
      return await turn;
    } finally {
      if (inFlight.get(key) === turn) inFlight.delete(key);
    }
  });

  async function receive(key: string, body: Buffer, reply: FastifyReply): Promise<FastifyReply> {
    const seen = await store.meta(key);
    if (seen) {
      if (seen.bodySha256 !== sha256(body)) return refuse(reply, 409, 'a different package was already received with this Idempotency-Key');
      return reply.code(202).type('application/xml; charset=utf-8').send(await store.status(key));
    }
    let xml: string;
    try { xml = utf8.decode(body); } catch { return refuse(reply, 400, 'body is not UTF-8 text'); }
    const parsed = parsePackage(xml);
    if (!parsed.ok) return reply.code(400).send({ statusCode: 400, reason: parsed.errors.join('; '), errors: parsed.errors });
    const pkg = parsed.value;
    if (pkg.documentId !== key) return refuse(reply, 400, `Idempotency-Key "${key}" is not the package's DocumentId "${pkg.documentId}"`);

    const now = clock();
    const statusXml = buildStatusPackage({
      from: organ,
      responseFor: {
        organId: pkg.from.id,
        code: pkg.code.notation ? `${pkg.code.number}/${pkg.code.notation}` : pkg.code.number,
        promulgationDate: pkg.promulgation.date,
        documentId: pkg.documentId,
      },
      statusCode: '01',
      at: now,
    });
    await store.save({
      documentId: pkg.documentId, body, from: pkg.from.id, statusXml, receivedAt: now.toISOString(),
      attachments: pkg.attachments.map((a) => ({ name: a.name, bytes: decodeAttachment(a) })),
    });
    return reply.code(202).type('application/xml; charset=utf-8').send(statusXml);
  }

  return {
    async start(port = 0, host = '127.0.0.1') {
      await store.start();
      const address = await app.listen({ port, host });
      return { url: address };
    },
    async stop() {
      await app.close();
    },
  };
}
