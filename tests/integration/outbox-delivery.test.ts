import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCentralServer, type CentralServer } from '../../appliance/central/server.js';
import { buildNewDocumentPackage } from '../../appliance/edxml/index.js';
import { EventBus, type EventMap } from '../../appliance/events.js';
import { emptyFields } from '../../appliance/extract/fields.js';
import { silentLogger } from '../../appliance/log.js';
import { retryDelay } from '../../appliance/outbox/backoff.js';
import { Outbox } from '../../appliance/outbox/outbox.js';
import { freePort } from '../helpers/free-port.js';

const TOKEN = 'outbox-test-token';
const FROM = { id: '000.00.00.H99', name: 'VĂN PHÒNG UBND TỈNH' };

function pkg(n: number, extra = '') {
  const numberNotation = `${n}/UBND-VP`;
  const xml = buildNewDocumentPackage({
    from: FROM, to: [{ id: '000.00.00.H00', name: 'TRUNG TÂM' }],
    fields: { ...emptyFields(), numberNotation, date: '2024-03-05', summary: `Văn bản ${n} ${extra}`, pages: 1 },
    attachment: { fileName: `vb${n}.pdf`, pdf: new Uint8Array(Buffer.from(`%PDF-1.7 document ${n}\n%%EOF`)) },
  }).xml;
  return { docId: `2024-${String(n).padStart(6, '0')}`, documentId: `${FROM.id},2024/03/05,${numberNotation}`, xml };
}


async function waitFor(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Outbox delivering to the reference receiver over loopback HTTP', () => {
  let root: string;
  const cleanups: (() => Promise<void>)[] = [];

  beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'sohoa-outbox-')); });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await rm(root, { recursive: true, force: true });
  });

  async function central(port = 0): Promise<{ url: string; server: CentralServer; received: () => Promise<string[]> }> {
    const dataDir = join(root, 'central');
    const server = createCentralServer({ dataDir, tokens: [TOKEN] });
    const { url } = await server.start(port, '127.0.0.1');
    cleanups.push(() => server.stop());
    const received = async () => (await readFile(join(dataDir, 'received.jsonl'), 'utf8').catch(() => ''))
      .split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { documentId: string }).documentId);
    return { url, server, received };
  }

  function outbox(centralUrl: string, opts: { token?: string; minDelayMs?: number; maxDelayMs?: number; dir?: string; concurrency?: number } = {}) {
    const bus = new EventBus();
    const events: (EventMap['outbox.changed'] & { t: number })[] = [];
    bus.on('outbox.changed', (e) => events.push({ ...e, t: Date.now() }));
    const ob = new Outbox({
      dir: opts.dir ?? join(root, 'outbox'), centralUrl, deviceToken: opts.token ?? TOKEN, bus, log: silentLogger(),
      minDelayMs: opts.minDelayMs ?? 50, maxDelayMs: opts.maxDelayMs ?? 2000, timeoutMs: 5000, concurrency: opts.concurrency,
    });
    let stopped = false;
    const stop = async () => { if (!stopped) { stopped = true; await ob.stop(); } };
    cleanups.push(stop);
    return { ob, events, stop };
  }

  it('delivers a package: 202 → delivered with StatusCode 01, receipt kept, events emitted', async () => {
    const c = await central();
    const { ob, events } = outbox(c.url);
    await ob.start();
    const p = pkg(1);
    await ob.enqueue(p.docId, p.documentId, p.xml);
    await waitFor('delivery', () => ob.get(p.docId)?.state === 'delivered');
    expect(ob.get(p.docId)).toMatchObject({ statusCode: '01', attempts: 1, lastError: null });
    expect(await c.received()).toEqual([p.documentId]);
    expect(await readFile(join(root, 'outbox', 'items', p.docId, 'receipt.edxml'), 'utf8')).toContain('<edXML:StatusCode>01</edXML:StatusCode>');
    expect(events.map((e) => e.state)).toEqual(['queued', 'sending', 'delivered']);
  });

  it('while central is down, sends once, then probes /healthz on a backoff instead of re-uploading; delivers when it comes up on that port', async () => {
    const port = await freePort();
    const probes: number[] = [];
    const { ob, events } = outbox(`http://127.0.0.1:${port}`, { minDelayMs: 50, maxDelayMs: 400 });
    await ob.start();
    const p = pkg(2);
    await ob.enqueue(p.docId, p.documentId, p.xml);
    // each failed probe sets a new next attempt time for the item, never more than maxDelayMs ahead
    await waitFor('several failed probes', () => {
      const i = ob.get(p.docId);
      if (i?.nextAttemptAt && !probes.includes(Date.parse(i.nextAttemptAt))) probes.push(Date.parse(i.nextAttemptAt));
      return probes.length >= 5;
    });
    expect(ob.get(p.docId)).toMatchObject({ state: 'queued', attempts: 1 }); // one upload; the rest were probes
    expect(events.filter((e) => e.state === 'sending')).toHaveLength(1);
    for (const e of events.filter((x) => x.nextAttemptAt)) expect(Date.parse(e.nextAttemptAt!) - e.t).toBeLessThanOrEqual(400 + 5);
    expect(ob.get(p.docId)!.lastError).toMatch(/Không kết nối được hệ thống trung tâm \(ECONNREFUSED/);

    const c = await central(port); // no kick: the next probe finds it
    await waitFor('delivery after the outage', () => ob.get(p.docId)?.state === 'delivered');
    expect(ob.get(p.docId)).toMatchObject({ statusCode: '01', attempts: 2 });
    expect(await c.received()).toEqual([p.documentId]);
  });

  it('loses nothing across a restart mid-queue, resends an interrupted upload, keeps order (urgent first)', async () => {
    const port = await freePort();
    const first = outbox(`http://127.0.0.1:${port}`, { minDelayMs: 5000 });
    await first.ob.start();
    const docs = [pkg(11), pkg(12), pkg(13)];
    for (const d of docs) await first.ob.enqueue(d.docId, d.documentId, d.xml);
    const urgent = pkg(14, 'HỎA TỐC');
    await first.ob.enqueue(urgent.docId, urgent.documentId, urgent.xml, { priority: 3 });
    await waitFor('a failed attempt', () => first.ob.list().some((i) => i.attempts > 0 && i.state === 'queued'));
    await first.stop();

    // A power cut during an upload leaves an item marked "sending" on disk.
    const statePath = join(root, 'outbox', 'items', docs[1]!.docId, 'state.json');
    const st = JSON.parse(await readFile(statePath, 'utf8'));
    await writeFile(statePath, JSON.stringify({ ...st, state: 'sending' }));
    // …and an enqueue interrupted before its state file leaves a folder without one.
    await mkdir(join(root, 'outbox', 'items', 'half-written'));
    await writeFile(join(root, 'outbox', 'items', 'half-written', 'package.edxml'), '<edXML/>');

    const c = await central(port);
    const second = outbox(c.url, { concurrency: 1 }); // one at a time: the receiver sees exactly the queue's order
    await second.ob.start();
    expect(second.ob.list().map((i) => i.docId).slice(0, 4)).toEqual([urgent.docId, ...docs.map((d) => d.docId)]);
    second.ob.kick(); // the first instance scheduled retries 5 s ahead: "Gửi lại" sends now
    await waitFor('all four delivered', () => second.ob.list().filter((i) => i.state === 'delivered').length === 4);
    expect(await c.received()).toEqual([urgent.documentId, ...docs.map((d) => d.documentId)]);
    expect(await readdir(join(root, 'outbox', 'items'))).not.toContain('half-written');
  });

  it('marks a package the receiver refuses (400) as rejected with its reason, does not retry it, and goes on', async () => {
    const c = await central();
    const { ob } = outbox(c.url);
    await ob.start();
    const bad = pkg(21);
    const good = pkg(22);
    await ob.enqueue(bad.docId, `${FROM.id},2024/03/05,999/SAI`, bad.xml); // key ≠ DocumentId → 400
    await ob.enqueue(good.docId, good.documentId, good.xml);
    await waitFor('the good one delivered', () => ob.get(good.docId)?.state === 'delivered');
    const rejected = ob.get(bad.docId)!;
    expect(rejected).toMatchObject({ state: 'rejected', attempts: 1, nextAttemptAt: null });
    expect(rejected.lastError).toMatch(/Hệ thống trung tâm không nhận văn bản \(HTTP 400\): Idempotency-Key .* is not the package's DocumentId/);
    await new Promise((r) => setTimeout(r, 300));
    expect(ob.get(bad.docId)!.attempts).toBe(1);
    expect(await readFile(join(root, 'outbox', 'items', bad.docId, 'package.edxml'), 'utf8')).toBe(bad.xml);
    await expect(ob.enqueue(good.docId, good.documentId, good.xml)).rejects.toMatchObject({ code: 'request.invalid' });
  });

  it('keeps retrying when the device credentials are refused, and says so', async () => {
    const c = await central();
    const { ob } = outbox(c.url, { token: 'wrong-token', minDelayMs: 30, maxDelayMs: 60 });
    await ob.start();
    const p = pkg(31);
    await ob.enqueue(p.docId, p.documentId, p.xml);
    await waitFor('several refused attempts', () => (ob.get(p.docId)?.attempts ?? 0) >= 3);
    expect(ob.get(p.docId)).toMatchObject({ credentialsRefused: true });
    expect(['queued', 'sending']).toContain(ob.get(p.docId)!.state);
    expect(ob.get(p.docId)!.lastError).toMatch(/từ chối thông tin xác thực của thiết bị \(HTTP 403\)/);
    expect(await c.received()).toEqual([]);
  });

  it('refuses an enqueue on a full disk with storage.full and leaves nothing half-written', async (ctx) => {
    const mnt = join(root, 'small');
    await mkdir(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128k', 'tmpfs', mnt], { stdio: 'ignore' });
    } catch {
      ctx.skip(); // needs root to mount a small tmpfs; reported as skipped, not passed
      return;
    }
    cleanups.push(async () => { execFileSync('umount', [mnt]); });
    const c = await central();
    const { ob } = outbox(c.url, { dir: join(mnt, 'outbox') });
    await ob.start();
    const small = pkg(41);
    await ob.enqueue(small.docId, small.documentId, small.xml);
    const big = pkg(42, 'x'.repeat(200_000));
    await expect(ob.enqueue(big.docId, big.documentId, big.xml)).rejects.toMatchObject({ code: 'storage.full', vi: expect.stringContaining('Ổ đĩa đã đầy') });
    expect(await readdir(join(mnt, 'outbox', 'items'))).toEqual([small.docId]);
    await waitFor('the small one delivered', () => ob.get(small.docId)?.state === 'delivered');
    expect(ob.get(big.docId)).toBeUndefined();
  });

  it('an answer it cannot record (disk filled during the upload) leaves the item queued, not stuck sending; sent again, the receiver holds it once', async () => {
    const c = await central();
    const { ob } = outbox(c.url, { minDelayMs: 200 });
    // The disk fills between the upload and the write of its receipt: a real tmpfs cannot be timed
    // to fill inside that window, so the store's write fails once with the error a full disk gives.
    const store = (ob as unknown as { store: { saveReceipt: (...a: unknown[]) => Promise<void> } }).store;
    const saveReceipt = store.saveReceipt.bind(store);
    let failed = 0;
    store.saveReceipt = async (...a: unknown[]) => {
      if (failed++ === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return saveReceipt(...a);
    };
    await ob.start();
    const p = pkg(51);
    await ob.enqueue(p.docId, p.documentId, p.xml);
    await waitFor('delivery after the unrecorded answer', () => ob.get(p.docId)?.state === 'delivered');
    expect(failed).toBe(2);
    expect(ob.get(p.docId)).toMatchObject({ statusCode: '01', attempts: 2 });
    // one package held: the second upload was the same body, answered with the stored reply
    expect(await c.received()).toEqual([p.documentId]);
  });
});

describe('retryDelay', () => {
  it('doubles its ceiling from the minimum, capped at the maximum, with full jitter (0 … ceiling)', () => {
    const low = () => 0;
    const high = () => 1;
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 1000, 60_000, low))).toEqual([0, 0, 0, 0]);
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 1000, 60_000, high))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 1000, 60_000, mid))).toEqual([500, 1000, 2000, 4000]);
    expect(retryDelay(30, 1000, 60_000, high)).toBe(60_000);
    expect(retryDelay(3000, 1000, 60_000, high)).toBe(60_000);
  });
});
