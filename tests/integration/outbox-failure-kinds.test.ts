import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStatusPackage } from '../../appliance/edxml/index.js';
import { deliver, failureOf, type DeliveryFailure } from '../../appliance/outbox/deliver.js';

// What each way an upload can fail counts as (sohoa_delivery_errors_total{kind}), against real
// HTTP servers on loopback that answer as a central system in trouble would.

const sockets = new Set<import('node:net').Socket>();
let server: Server;
let base: string;

const status = (statusCode: '01' | '02') => buildStatusPackage({
  from: { id: '000.00.00.H00', name: 'TRUNG TÂM' },
  responseFor: { organId: '000.00.00.H99', code: '1/UBND-VP', promulgationDate: '2024/03/05', documentId: '000.00.00.H99,2024/03/05,1/UBND-VP' },
  statusCode, ...(statusCode === '02' ? { description: 'Sai nơi nhận' } : {}), at: new Date('2024-03-05T08:00:00+07:00'),
});

const routes: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => res.writeHead(202, { 'content-type': 'application/xml' }).end(status('01')),
  '/refused': (res) => res.writeHead(202, { 'content-type': 'application/xml' }).end(status('02')),
  '/unauthorized': (res) => res.writeHead(401).end('{"reason":"bad token"}'),
  '/malformed': (res) => res.writeHead(400).end('{"reason":"not edXML"}'),
  '/busy': (res) => res.writeHead(429).end('slow down'),
  '/broken': (res) => res.writeHead(503).end('maintenance'),
  '/hang': () => { /* never answers */ },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    // each route plays its own central system: deliver() posts to <central>/edxml/v1/documents
    routes[new URL(req.url!, 'http://x').pathname.replace(/\/edxml\/v1\/documents$/, '')]?.(res);
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

async function kind(centralUrl: string, timeoutMs = 5000): Promise<DeliveryFailure | null> {
  return failureOf(await deliver({ centralUrl, deviceToken: 't', timeoutMs }, 'doc', '<edXMLEnvelope/>', new AbortController().signal));
}

describe('delivery failure kinds', () => {
  it('tells each failure apart', async () => {
    const at = (p: string) => `${base}${p}`;
    expect(await kind(at('/ok'))).toBeNull();
    expect(await kind(at('/refused'))).toBe('refused');
    expect(await kind(at('/unauthorized'))).toBe('auth');
    expect(await kind(at('/malformed'))).toBe('http_4xx');
    expect(await kind(at('/busy'))).toBe('http_4xx');
    expect(await kind(at('/broken'))).toBe('http_5xx');
    expect(await kind(at('/hang'), 300)).toBe('timeout');
    // a port nobody listens on: the central system is down or unreachable
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await kind(`http://127.0.0.1:${port}`)).toBe('network');
  });
});
