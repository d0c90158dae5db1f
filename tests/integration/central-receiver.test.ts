import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCentralServer, type CentralServer } from '../../appliance/central/server.js';
import { buildNewDocumentPackage, parseStatusPackage } from '../../appliance/edxml/index.js';
import { emptyFields } from '../../appliance/extract/fields.js';

const TOKEN = 'device-token-1';
const pdf = new Uint8Array(Buffer.from('%PDF-1.7\nreal bytes \u00e9\n%%EOF'));

function pkg(numberNotation: string, summary = 'Về việc kiểm thử') {
  return buildNewDocumentPackage({
    from: { id: '000.00.00.H99', name: 'VĂN PHÒNG UBND TỈNH' },
    to: [{ id: 'H37.02.02', name: 'TRUNG TÂM' }],
    fields: { ...emptyFields(), numberNotation, date: '2024-03-05', summary, place: 'Lào Cai', pages: 1 },
    attachment: { fileName: 'cong-van.pdf', pdf },
  }).xml;
}
const idOf = (numberNotation: string) => `000.00.00.H99,2024/03/05,${numberNotation}`;

describe('reference central receiver over HTTP', () => {
  let dir: string;
  let server: CentralServer;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sohoa-central-'));
    // status stays 01 here (no decision for 10 min): the 01 → 03/02 move is outbox-status.test.ts's
    server = createCentralServer({ dataDir: dir, tokens: [TOKEN], bodyLimit: 200_000, acceptAfterMs: 600_000 });
    ({ url } = await server.start(0, '127.0.0.1'));
  });
  afterAll(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (body: string | Buffer, key: string | null, token: string | null = TOKEN) => request(`${url}/edxml/v1/documents`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/xml',
      ...(key === null ? {} : { 'idempotency-key': encodeURIComponent(key) }),
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
  });

  it('answers /healthz', async () => {
    const r = await request(`${url}/healthz`);
    expect(r.statusCode).toBe(200);
    await r.body.dump();
  });

  it('accepts a new package with 202 + status 01, stores it, and repeats the byte-identical reply', async () => {
    const xml = pkg('15/UBND-VP');
    const first = await post(xml, idOf('15/UBND-VP'));
    expect(first.statusCode).toBe(202);
    const firstBody = await first.body.text();
    const status = parseStatusPackage(firstBody);
    expect(status.errors).toEqual([]);
    expect(status.value).toMatchObject({ statusCode: '01', responseFor: { documentId: idOf('15/UBND-VP'), code: '15/UBND-VP', organId: '000.00.00.H99' } });

    await new Promise((r) => setTimeout(r, 1100)); // a rebuilt reply would carry a new timestamp
    const again = await post(xml, idOf('15/UBND-VP'));
    expect(again.statusCode).toBe(202);
    expect(await again.body.text()).toBe(firstBody);

    const [folder] = await readdir(join(dir, 'documents'));
    expect(await readFile(join(dir, 'documents', folder!, 'package.edxml'), 'utf8')).toBe(xml);
    const [att] = await readdir(join(dir, 'documents', folder!, 'attachments'));
    expect(Buffer.compare(await readFile(join(dir, 'documents', folder!, 'attachments', att!)), Buffer.from(pdf))).toBe(0);
    const journal = (await readFile(join(dir, 'received.jsonl'), 'utf8')).trim().split('\n');
    expect(journal).toHaveLength(1);

    const st = await request(`${url}/edxml/v1/documents/${encodeURIComponent(idOf('15/UBND-VP'))}/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(st.statusCode).toBe(200);
    expect(await st.body.text()).toBe(firstBody);
  });

  it('stores a package once when the same upload arrives several times at once', async () => {
    const xml = pkg('30/UBND-VP');
    const replies = await Promise.all(Array.from({ length: 5 }, () => post(xml, idOf('30/UBND-VP'))));
    expect(replies.map((r) => r.statusCode)).toEqual([202, 202, 202, 202, 202]);
    const bodies = await Promise.all(replies.map((r) => r.body.text()));
    expect(new Set(bodies).size).toBe(1);
    const journal = (await readFile(join(dir, 'received.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).documentId);
    expect(journal.filter((d: string) => d === idOf('30/UBND-VP'))).toHaveLength(1);
  });

  it('answers 409 to the same key with a different body', async () => {
    expect((await post(pkg('16/UBND-VP'), idOf('16/UBND-VP'))).statusCode).toBe(202);
    const r = await post(pkg('16/UBND-VP', 'Nội dung khác'), idOf('16/UBND-VP'));
    expect(r.statusCode).toBe(409);
    expect((await r.body.json() as { reason: string }).reason).toMatch(/different package/);
  });

  it('answers 400 with a reason to a malformed package and stores nothing', async () => {
    const before = await readdir(join(dir, 'documents'));
    const broken = pkg('17/UBND-VP').replace(/<edXML:PromulgationDate>[^<]+</, '<edXML:PromulgationDate>2024-03-05<');
    const r = await post(broken, idOf('17/UBND-VP'));
    expect(r.statusCode).toBe(400);
    expect((await r.body.json() as { reason: string }).reason).toMatch(/PromulgationDate "2024-03-05" is not a yyyy\/MM\/dd date/);
    const notXml = await post('<edXML><unclosed></edXML>', 'x');
    expect(notXml.statusCode).toBe(400);
    expect((await notXml.body.json() as { reason: string }).reason).toMatch(/not well-formed/);
    expect(await readdir(join(dir, 'documents'))).toEqual(before);
  });

  it('answers 400 when the key is missing or is not the DocumentId', async () => {
    const noKey = await post(pkg('18/UBND-VP'), null);
    expect(noKey.statusCode).toBe(400);
    expect((await noKey.body.json() as { reason: string }).reason).toMatch(/Idempotency-Key header is missing/);
    const wrong = await post(pkg('18/UBND-VP'), idOf('19/UBND-VP'));
    expect(wrong.statusCode).toBe(400);
    expect((await wrong.body.json() as { reason: string }).reason).toMatch(/is not the package's DocumentId/);
  });

  it('answers 401 without credentials and 403 with a wrong token', async () => {
    const none = await post(pkg('20/UBND-VP'), idOf('20/UBND-VP'), null);
    expect(none.statusCode).toBe(401);
    await none.body.dump();
    const wrong = await post(pkg('20/UBND-VP'), idOf('20/UBND-VP'), 'not-the-token');
    expect(wrong.statusCode).toBe(403);
    await wrong.body.dump();
    const status = await request(`${url}/edxml/v1/documents/x/status`);
    expect(status.statusCode).toBe(401);
    await status.body.dump();
  });

  it('answers 413 over the size limit', async () => {
    const big = pkg('21/UBND-VP', 'x'.repeat(250_000));
    const r = await post(big, idOf('21/UBND-VP'));
    expect(r.statusCode).toBe(413);
    await r.body.dump();
  });

  it('answers 404 for the status of an unknown document', async () => {
    const r = await request(`${url}/edxml/v1/documents/${encodeURIComponent(idOf('99/X'))}/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.statusCode).toBe(404);
    await r.body.dump();
  });
});
