// A central system answers only once it has read and stored the whole package: the wait for its
// answer grows with the package (deliver.ts answerTimeoutMs), so a slow receiver does not time out
// on every try of a large document. Real HTTP on loopback; the receiver is slow on purpose.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { deliver } from '../../appliance/outbox/deliver.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** A receiver that reads the whole body, then thinks for `thinkMs` before it answers 200. */
async function slowReceiver(thinkMs: number): Promise<string> {
  server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => setTimeout(() => res.writeHead(200, { 'content-type': 'application/xml' }).end('<ok/>'), thinkMs));
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', () => done()));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('waiting for the central system to answer an upload', () => {
  it('a 3 MiB package waits longer than the base time limit for its answer, and is delivered', async () => {
    const url = await slowReceiver(1_800);
    const xml = `<pkg>${'A'.repeat(3 * 1024 * 1024)}</pkg>`;
    const outcome = await deliver({ centralUrl: url, deviceToken: 't', timeoutMs: 1_000 }, 'doc-1', xml, new AbortController().signal);
    expect(outcome.kind).toBe('delivered');
  });

  it('a small package still times out at the base limit and is retried', async () => {
    const url = await slowReceiver(2_500);
    const outcome = await deliver({ centralUrl: url, deviceToken: 't', timeoutMs: 1_000 }, 'doc-2', '<pkg/>', new AbortController().signal);
    expect(outcome).toMatchObject({ kind: 'retry', failure: 'timeout' });
  });
});
