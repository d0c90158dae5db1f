import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from '../log.js';
import { decodeAttachment, parsePackage } from '../edxml/parse-document.js';
import { MAX_ATTACHMENT_BYTES } from '../edxml/build-document.js';
import { buildStatusPackage } from '../edxml/status.js';
import type { Organ } from '../edxml/types.js';
import { drawFault, NO_FAULTS, type CentralFaults } from './faults.js';
import { CentralStore, sha256, type ReceivedMeta } from './store.js';

// The reference central receiver: the contract of interfaces.md ("The central receiver"), used by
// the demo, the tests and `sohoa central`. A province's platform is reached the same way.
// A package arrives (01); after `acceptAfterMs` its status read says 03 (accepted), or 02 with a
// reason when `reject` matches it — the decision a province's clerks make, played by a rule here.

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
  /** How long after arrival (01) the status becomes 03 or 02 (default 2 s). */
  acceptAfterMs?: number;
  /** Packages whose DocumentId or Subject matches are rejected (02) with this reason. */
  reject?: { match: RegExp; reason: string } | null;
  /** Trouble to play (tests, demos); changeable while running with setFaults(). */
  faults?: Partial<CentralFaults>;
  random?: () => number;
}

export interface CentralServer {
  start(port?: number, host?: string): Promise<{ url: string }>;
  stop(): Promise<void>;
  setFaults(f: Partial<CentralFaults>): void;
}

/**
 * A 50 MB attachment (the edXML limit) is ~67 MB as base64, plus the envelope; a document split
 * into parts under 50 MB each (Tuyên Quang art. 8.4) comes as one package of several: room for
 * a document of about 300 MB.
 */
export const DEFAULT_BODY_LIMIT = 400 * 1024 * 1024;
export const DEFAULT_ACCEPT_AFTER_MS = 2000;
const DEFAULT_ORGAN: Organ = { id: '000.00.00.H00', name: 'HỆ THỐNG QUẢN LÝ VĂN BẢN VÀ ĐIỀU HÀNH TỈNH (THỬ NGHIỆM)' };

function tokenMatches(given: string, tokens: string[]): boolean {
  const g = Buffer.from(given);
  return tokens.some((t) => {
    const b = Buffer.from(t);
    return b.length === g.length && timingSafeEqual(b, g);
  });
}

/** `Content-Digest: sha-256=:<base64>:` (RFC 9530) → the hex digest, or null when absent. */
function claimedDigest(header: string | string[] | undefined): string | null | 'invalid' {
  if (typeof header !== 'string') return null;
  const m = /sha-256=:([A-Za-z0-9+/=]+):/.exec(header);
  return m ? Buffer.from(m[1]!, 'base64').toString('hex') : 'invalid';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createCentralServer(opts: CentralOptions): CentralServer {
  const store = new CentralStore(opts.dataDir);
  const organ = opts.organ ?? DEFAULT_ORGAN;
  const clock = opts.clock ?? (() => new Date());
  const random = opts.random ?? Math.random;
  const acceptAfterMs = opts.acceptAfterMs ?? DEFAULT_ACCEPT_AFTER_MS;
  let faults: CentralFaults = { ...NO_FAULTS, ...opts.faults };
  /** Requests with the same key are handled one after the other. */
  const inFlight = new Map<string, Promise<unknown>>();
  const app = Fastify({
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    ...(opts.log ? { loggerInstance: opts.log } : { logger: false }),
  });

  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const refuse = (reply: FastifyReply, status: number, reason: string) => reply.code(status).send({ statusCode: status, reason });
  const resetConnection = (req: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    req.raw.socket.destroy();
    return reply;
  };

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/edxml/')) return;
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return refuse(reply.header('www-authenticate', 'Bearer'), 401, 'missing device credentials (Authorization: Bearer <device token>)');
    if (!tokenMatches(m[1]!, opts.tokens)) return refuse(reply, 403, 'device token refused');
  });

  // Played trouble comes after the body is read: a reset then cuts an upload that really arrived.
  app.addHook('preHandler', async (req, reply) => {
    if (!req.url.startsWith('/edxml/')) return;
    if (faults.delayMs > 0) await sleep(faults.delayMs);
    const draw = drawFault(faults, random);
    (req as FastifyRequest & { fault?: string }).fault = draw;
    if (draw === 'fail') {
      if (faults.retryAfterSeconds > 0) reply.header('retry-after', String(faults.retryAfterSeconds));
      return refuse(reply, 503, 'the central system is busy (played fault)');
    }
    if (draw === 'reset-before' || (draw === 'reset-after' && req.method !== 'POST')) return resetConnection(req, reply);
  });

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/edxml/v1/documents/:documentId/status', async (req: FastifyRequest<{ Params: { documentId: string } }>, reply) => {
    const meta = await store.meta(req.params.documentId);
    if (!meta) return refuse(reply, 404, 'no document with this DocumentId was received');
    await decide(meta);
    return reply.code(200).type('application/xml; charset=utf-8').send(await store.status(meta.documentId));
  });

  app.post('/edxml/v1/documents', async (req, reply) => {
    const raw = req.headers['idempotency-key'];
    if (typeof raw !== 'string' || raw === '') return refuse(reply, 400, 'Idempotency-Key header is missing');
    let key: string;
    try { key = decodeURIComponent(raw); } catch { return refuse(reply, 400, 'Idempotency-Key is not valid percent-encoding'); }
    if (!Buffer.isBuffer(req.body)) return refuse(reply, 400, 'body must be an edXML package (application/xml)');
    const body = req.body;
    const claimed = claimedDigest(req.headers['content-digest']);
    if (claimed === 'invalid') return refuse(reply, 400, 'Content-Digest must be sha-256=:<base64>:');
    if (claimed !== null && claimed !== createHash('sha256').update(body).digest('hex')) {
      return refuse(reply, 400, 'the body does not match its Content-Digest (damaged on the way)');
    }

    const previous = inFlight.get(key) ?? Promise.resolve();
    const turn = previous.catch(() => undefined).then(() => receive(key, body, req, reply));
    inFlight.set(key, turn);
    try {
      return await turn;
    } finally {
      if (inFlight.get(key) === turn) inFlight.delete(key);
    }
  });

  /** 01 → 03 (or 02 by the rule) once `acceptAfterMs` has passed since arrival. */
  async function decide(meta: ReceivedMeta): Promise<void> {
    if (meta.status !== '01' || clock().getTime() - Date.parse(meta.receivedAt) < acceptAfterMs) return;
    const rejected = opts.reject && (opts.reject.match.test(meta.documentId) || opts.reject.match.test(meta.subject));
    const status = rejected ? '02' : '03';
    const reason = rejected ? opts.reject!.reason : null;
    const xml = buildStatusPackage({ from: organ, responseFor: meta.responseFor, statusCode: status, ...(reason ? { description: reason } : {}), at: clock() });
    await store.setStatus(meta, status, xml, reason);
  }

  async function receive(key: string, body: Buffer, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const seen = await store.meta(key);
    const now = clock();
    // a package rejected with 02 may come again, fixed: it replaces the rejected one
    if (seen && seen.status !== '02') {
      if (seen.bodySha256 !== sha256(body)) {
        await store.count(seen, 'conflicts', now.toISOString());
        return refuse(reply, 409, 'a different package was already received with this Idempotency-Key');
      }
      await store.count(seen, 'received', now.toISOString());
      if ((req as FastifyRequest & { fault?: string }).fault === 'reset-after') return resetConnection(req, reply);
      return reply.code(202).type('application/xml; charset=utf-8').send(await store.status(key));
    }
    let xml: string;
    try { xml = utf8.decode(body); } catch { return refuse(reply, 400, 'body is not UTF-8 text'); }
    const parsed = parsePackage(xml);
    // network trouble does not read the package: a played reset cuts a malformed upload too
    if (!parsed.ok && (req as FastifyRequest & { fault?: string }).fault === 'reset-after') return resetConnection(req, reply);
    if (!parsed.ok) return reply.code(400).send({ statusCode: 400, reason: parsed.errors.join('; '), errors: parsed.errors });
    const pkg = parsed.value;
    if (pkg.documentId !== key) return refuse(reply, 400, `Idempotency-Key "${key}" is not the package's DocumentId "${pkg.documentId}"`);

    // each file at most 50 MB (Tuyên Quang art. 8.4): a larger one is refused, as the province's system does
    const tooBig = pkg.attachments.find((a) => Math.floor((a.base64.length * 3) / 4) > MAX_ATTACHMENT_BYTES);
    if (tooBig) return refuse(reply, 400, `attachment ${tooBig.name} is over ${MAX_ATTACHMENT_BYTES} bytes`);

    const responseFor = {
      organId: pkg.from.id,
      code: pkg.code.notation ? `${pkg.code.number}/${pkg.code.notation}` : pkg.code.number,
      promulgationDate: pkg.promulgation.date,
      documentId: pkg.documentId,
    };
    const statusXml = buildStatusPackage({ from: organ, responseFor, statusCode: '01', at: now });
    await store.save({
      documentId: pkg.documentId, body, from: pkg.from.id, subject: pkg.subject, responseFor, statusXml, receivedAt: now.toISOString(), to: pkg.to, toPlaces: pkg.toPlaces,
      attachments: pkg.attachments.map((a) => ({ name: a.name, bytes: decodeAttachment(a) })),
    }, seen);
    // stored, but the answer never reaches the sender: it must send again and get the same reply
    if ((req as FastifyRequest & { fault?: string }).fault === 'reset-after') return resetConnection(req, reply);
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
    setFaults(f) {
      faults = { ...faults, ...f };
    },
  };
}
