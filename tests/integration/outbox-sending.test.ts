import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCentralServer } from '../../appliance/central/server.js';
import { buildNewDocumentPackage } from '../../appliance/edxml/index.js';
import { EventBus, type EventMap } from '../../appliance/events.js';
import { emptyFields } from '../../appliance/extract/fields.js';
import { silentLogger } from '../../appliance/log.js';
import { Outbox, type OutboxOptions } from '../../appliance/outbox/outbox.js';
import { splitAtAttachment } from '../../appliance/outbox/package-body.js';
import { listCentral, startCentralProcess } from '../helpers/central-process.js';
import { freePort } from '../helpers/free-port.js';

// The sending half of issue 10 against the reference receiver on loopback: an outage and its
// backlog, Retry-After, 409, hold/release, and a large PDF sent streamed.

const TOKEN = 'sending-test-token';
const FROM = { id: '000.00.00.H99', name: 'VĂN PHÒNG UBND TỈNH' };
const URGENCY = [null, 'Khẩn', 'Thượng khẩn', 'Hỏa tốc'] as const;

function pkg(n: number, priority = 0, pdf: Uint8Array = new Uint8Array(Buffer.from(`%PDF-1.7 document ${n}\n%%EOF`)), summary = `Văn bản ${n}`) {
  const numberNotation = `${n}/UBND-VP`;
  const built = buildNewDocumentPackage({
    from: FROM, to: [{ id: '000.00.00.H00', name: 'TRUNG TÂM' }],
    fields: { ...emptyFields(), numberNotation, date: '2024-03-05', summary, urgency: URGENCY[priority]!, pages: 1 },
    attachment: { fileName: `vb${n}.pdf`, pdf },
  });
  return { docId: `2024-${String(n).padStart(6, '0')}`, documentId: built.documentId, xml: built.xml, priority: built.priority };
}


async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('sending: outage, Retry-After, 409, hold, streaming', () => {
  let root: string;
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'sohoa-sending-')); });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  function outbox(centralUrl: string, o: Partial<OutboxOptions> = {}) {
    const bus = new EventBus();
    const events: EventMap['outbox.changed'][] = [];
    bus.on('outbox.changed', (e) => events.push({ ...e }));
    const ob = new Outbox({
      dir: join(root, 'outbox'), centralUrl, deviceToken: TOKEN, bus, log: silentLogger(),
      minDelayMs: 100, maxDelayMs: 1000, retryRefillMs: 100, statusPollMs: 600_000, timeoutMs: 10_000, ...o,
    });
    cleanups.push(() => ob.stop());
    return { ob, events };
  }

  it('outage: documents queued while the receiver is down drain on its return in priority-then-FIFO order, each received once', async () => {
    const port = await freePort();
    const data = join(root, 'central');
    const args = ['--port', String(port), '--data-dir', data, '--token', TOKEN, '--accept-after-ms', '600000'];
    let central = await startCentralProcess(args);
    cleanups.push(() => central.kill());
    // one upload at a time: the receiver's arrival journal then shows the queue's order exactly
    // (with two, neighbours may arrive swapped however they were started)
    const { ob, events } = outbox(central.url, { concurrency: 1 });
    await ob.start();
    const before = pkg(100);
    await ob.enqueue(before.docId, before.documentId, before.xml);
    await waitFor('the first one delivered', () => ob.get(before.docId)?.state === 'delivered');

    await central.kill(); // the central system goes away while the desk keeps registering
    const priorities = [0, 0, 3, 1, 0, 2, 3, 0, 1];
    const docs = priorities.map((p, i) => pkg(i + 1, p));
    for (const d of docs) {
      await ob.enqueue(d.docId, d.documentId, d.xml, { priority: d.priority });
      await new Promise((r) => setTimeout(r, 30));
    }
    await waitFor('every one tried and failed', () => docs.every((d) => ob.get(d.docId)?.state === 'queued' && ob.get(d.docId)!.attempts >= 1));
    const uploadsDuringOutage = events.filter((e) => e.state === 'sending').length;
    await new Promise((r) => setTimeout(r, 1500)); // several backoff periods of 100…1000 ms pass
    // while it is down, retries are /healthz probes: no document is uploaded again
    expect(events.filter((e) => e.state === 'sending').length).toBe(uploadsDuringOutage);

    const mark = events.length;
    central = await startCentralProcess(args);
    await waitFor('the backlog delivered', () => docs.every((d) => ob.get(d.docId)?.state === 'delivered'));
    const order = events.slice(mark).filter((e) => e.state === 'sending').map((e) => e.docId);
    const expected = docs.map((d, i) => ({ d, i })).sort((a, b) => b.d.priority - a.d.priority || a.i - b.i).map(({ d }) => d.docId);
    expect(order).toEqual(expected);
    const journal = (await readFile(join(data, 'received.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { documentId: string }).documentId);
    const byDoc = new Map(docs.map((d) => [d.docId, d.documentId]));
    expect(journal).toEqual([before.documentId, ...expected.map((id) => byDoc.get(id))]);
    const held = await listCentral(data);
    expect(held.map((h) => h.documentId).sort()).toEqual([before, ...docs].map((d) => d.documentId).sort());
    expect(held.every((h) => h.received === 1 && h.conflicts === 0)).toBe(true);
  });

  it('honours Retry-After on 503: nothing is sent before the time the central system named', async () => {
    const central = createCentralServer({ dataDir: join(root, 'central'), tokens: [TOKEN], faults: { failRate: 1, retryAfterSeconds: 2 } });
    const { url } = await central.start(0);
    cleanups.push(() => central.stop());
    const { ob } = outbox(url, { minDelayMs: 10, maxDelayMs: 20 }); // its own backoff alone would retry within 20 ms
    await ob.start();
    const p = pkg(1);
    await ob.enqueue(p.docId, p.documentId, p.xml);
    await waitFor('the 503', () => ob.get(p.docId)?.attempts === 1 && ob.get(p.docId)?.state === 'queued');
    const first = ob.get(p.docId)!;
    expect(first.lastError).toMatch(/HTTP 503/);
    expect(Date.parse(first.nextAttemptAt!) - Date.parse(first.lastAttemptAt!)).toBeGreaterThanOrEqual(2000);
    central.setFaults({ failRate: 0 });
    await waitFor('delivered', () => ob.get(p.docId)?.state === 'delivered');
    const second = ob.get(p.docId)!;
    expect(second.attempts).toBe(2);
    expect(Date.parse(second.lastAttemptAt!) - Date.parse(first.lastAttemptAt!)).toBeGreaterThanOrEqual(2000);
  });

  it('same DocumentId and body: the same reply; another body under it: 409; the receiver counts both', async () => {
    const data = join(root, 'central');
    const central = await startCentralProcess(['--port', '0', '--data-dir', data, '--token', TOKEN]);
    cleanups.push(() => central.kill());
    const { ob } = outbox(central.url);
    await ob.start();
    const p = pkg(7);
    await ob.enqueue(p.docId, p.documentId, p.xml);
    await waitFor('delivered', () => ob.get(p.docId)?.state === 'delivered');
    const receipt = await readFile(join(root, 'outbox', 'items', p.docId, 'receipt.edxml'), 'utf8');
    const post = (body: string) => request(`${central.url}/edxml/v1/documents`, {
      method: 'POST', body, headers: { 'content-type': 'application/xml', 'idempotency-key': encodeURIComponent(p.documentId), authorization: `Bearer ${TOKEN}` },
    });
    const repeat = await post(p.xml);
    expect(repeat.statusCode).toBe(202);
    expect(await repeat.body.text()).toBe(receipt);
    const other = await post(pkg(7, 0, undefined, 'Trích yếu đã sửa').xml);
    expect(other.statusCode).toBe(409);
    await other.body.dump();
    expect(await listCentral(data)).toEqual([expect.objectContaining({ documentId: p.documentId, received: 2, conflicts: 1, versions: 1 })]);
  });

  it('a held document is not sent until released; the rest go on', async () => {
    const port = await freePort();
    const { ob } = outbox(`http://127.0.0.1:${port}`, { concurrency: 1 });
    await ob.start();
    const a = pkg(1, 3);
    const b = pkg(2);
    await ob.enqueue(a.docId, a.documentId, a.xml, { priority: a.priority });
    await ob.enqueue(b.docId, b.documentId, b.xml);
    await waitFor('both tried', () => [a, b].every((d) => ob.get(d.docId)?.state === 'queued' && ob.get(d.docId)!.attempts === 1));
    expect((await ob.hold(a.docId)).state).toBe('held');
    await expect(ob.hold(a.docId)).rejects.toMatchObject({ code: 'register.state' });

    const data = join(root, 'central');
    const central = createCentralServer({ dataDir: data, tokens: [TOKEN] });
    await central.start(port);
    cleanups.push(() => central.stop());
    ob.kick();
    await waitFor('the other one delivered', () => ob.get(b.docId)?.state === 'delivered');
    expect(ob.get(a.docId)).toMatchObject({ state: 'held', attempts: 1 });
    expect((await listCentral(data)).map((h) => h.documentId)).toEqual([b.documentId]);
    await ob.release(a.docId);
    await waitFor('the held one delivered after release', () => ob.get(a.docId)?.state === 'delivered');
    expect(ob.get(a.docId)!.attempts).toBe(2);
  });

  it('streams a large signed PDF (head + base64 on the fly + tail): the receiver gets exactly its bytes', async () => {
    const big = join(root, 'signed.pdf');
    await writeFile(big, Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(24 * 1024 * 1024 + 1), Buffer.from('\n%%EOF\n')]));
    const digest = async (path: string) => {
      const h = createHash('sha256');
      for await (const c of createReadStream(path)) h.update(c as Buffer);
      return h.digest('hex');
    };
    const data = join(root, 'central');
    const central = createCentralServer({ dataDir: data, tokens: [TOKEN] });
    const { url } = await central.start(0);
    cleanups.push(() => central.stop());
    const { ob } = outbox(url);
    await ob.start();
    // the parts around a placeholder attachment, the large PDF in between
    const p = pkg(50);
    const cut = splitAtAttachment(p.xml)!;
    await ob.enqueue(p.docId, p.documentId, { head: cut.head, tail: cut.tail }, { pdfPath: big });
    // kept as a hard link to the signed PDF, not a second copy
    expect((await stat(join(root, 'outbox', 'items', p.docId, 'attachment.pdf'))).ino).toBe((await stat(big)).ino);
    await waitFor('delivered', () => ob.get(p.docId)?.state === 'delivered', 120_000);
    const [folder] = await readdir(join(data, 'documents'));
    const [att] = await readdir(join(data, 'documents', folder!, 'attachments'));
    expect(await digest(join(data, 'documents', folder!, 'attachments', att!))).toBe(await digest(big));
    const bodyOnReceiver = createHash('sha256').update(await readFile(join(data, 'documents', folder!, 'package.edxml'))).digest('hex');
    expect(ob.get(p.docId)!.bodySha256).toBe(bodyOnReceiver);

    // a whole package given with its PDF's path is kept as parts too, when they give back the same bytes
    const small = join(root, 'small.pdf');
    const smallPdf = Buffer.from('%PDF-1.7\nsmall\n%%EOF\n');
    await writeFile(small, smallPdf);
    const q = pkg(51, 0, smallPdf);
    await ob.enqueue(q.docId, q.documentId, q.xml, { pdfPath: small });
    expect(ob.get(q.docId)).toMatchObject({ attachment: true, bodySha256: createHash('sha256').update(q.xml).digest('hex') });
    // …and kept whole when the PDF is not the one inside
    const r = pkg(52);
    await ob.enqueue(r.docId, r.documentId, r.xml, { pdfPath: small });
    expect(ob.get(r.docId)).toMatchObject({ attachment: false, bodySha256: createHash('sha256').update(r.xml).digest('hex') });
    await waitFor('both delivered', () => [q, r].every((d) => ob.get(d.docId)?.state === 'delivered'));
  });
});
