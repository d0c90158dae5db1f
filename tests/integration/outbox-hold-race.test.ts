import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCentralServer } from '../../appliance/central/server.js';
import { buildNewDocumentPackage } from '../../appliance/edxml/index.js';
import { EventBus } from '../../appliance/events.js';
import { emptyFields } from '../../appliance/extract/fields.js';
import { silentLogger } from '../../appliance/log.js';
import { Outbox } from '../../appliance/outbox/outbox.js';
import type { OutboxItem, OutboxStore } from '../../appliance/outbox/store.js';
import { listCentral } from '../helpers/central-process.js';
import { freePort } from '../helpers/free-port.js';

// The race fixed in 5a5c89c, played step by step: while the central system is down, a failed
// health probe saves the item's next backoff step; a technician's hold lands while that save is
// still under way. Before the fix the probe's write, taken from the item as it was before the
// hold, landed last and put the document back to 'queued' on disk: after a restart it was sent.
// The steps are ordered with promises (a gate on the real store's writes), never with sleeps; the
// outbox's per-item write order (store/per-key-order.ts) is what makes the hold win.

const TOKEN = 'hold-race-token';

function pkg(n: number, priority: number) {
  const built = buildNewDocumentPackage({
    from: { id: '000.00.00.H99', name: 'VĂN PHÒNG UBND TỈNH' }, to: [{ id: '000.00.00.H00', name: 'TRUNG TÂM' }],
    fields: { ...emptyFields(), numberNotation: `${n}/UBND-VP`, date: '2024-03-05', summary: `Văn bản ${n}`, urgency: priority ? 'Hỏa tốc' : null, pages: 1 },
    attachment: { fileName: `vb${n}.pdf`, pdf: new Uint8Array(Buffer.from(`%PDF-1.7 document ${n}\n%%EOF`)) },
  });
  return { docId: `2024-${String(n).padStart(6, '0')}`, documentId: built.documentId, xml: built.xml, priority: built.priority };
}


function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('outbox: a hold is never undone by a write begun before it', () => {
  let root: string;
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'sohoa-hold-race-')); });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  const outbox = (centralUrl: string, bus = new EventBus()) => {
    const ob = new Outbox({
      dir: join(root, 'outbox'), centralUrl, deviceToken: TOKEN, bus, log: silentLogger(), concurrency: 1,
      minDelayMs: 10, maxDelayMs: 20, retryRefillMs: 10, statusPollMs: 600_000, timeoutMs: 10_000,
    });
    cleanups.push(() => ob.stop());
    return ob;
  };

  it('a hold given while a failed probe is saving its backoff stays held, on disk too, and the document is not sent until released', async () => {
    const port = await freePort(); // the central system is down: nothing listens there yet
    const a = pkg(1, 3);
    const bus = new EventBus();
    const ob = outbox(`http://127.0.0.1:${port}`, bus);

    // A gate on the real store's writes of item A, armed once its first upload has failed: the
    // next write of A is then the failed health probe's backoff step (central-watch.ts).
    const store = (ob as unknown as { store: OutboxStore }).store;
    const realSave = store.save.bind(store);
    let armed = false;
    const probeSaving = deferred<OutboxItem>();
    const letProbeSave = deferred();
    let holdSaves = 0;
    store.save = async (item: OutboxItem) => {
      if (item.docId === a.docId && item.state === 'held') holdSaves++;
      if (armed && item.docId === a.docId) {
        armed = false;
        probeSaving.resolve({ ...item });
        await letProbeSave.promise;
      }
      return realSave(item);
    };
    const firstFailure = deferred();
    bus.on('outbox.changed', (e) => {
      if (e.docId === a.docId && e.state === 'queued' && e.attempts === 1 && e.lastError) {
        armed = true;
        firstFailure.resolve();
      }
    });

    await ob.start();
    await ob.enqueue(a.docId, a.documentId, a.xml, { priority: a.priority });
    await firstFailure.promise;
    const probeWrite = await probeSaving.promise;
    // the probe's write was taken while A was waiting: it moves only its next attempt time
    expect(probeWrite).toMatchObject({ state: 'queued', attempts: 1 });
    expect(probeWrite.nextAttemptAt).not.toBeNull();

    // The technician holds A while the probe's write is under way.
    const holding = ob.hold(a.docId);
    // The worst order the outbox allows: if the hold's write could start at once (no per-item
    // order), it is let finish first and the probe's older write lands after it; in order, the
    // hold's write waits for the probe's, which is let go now.
    if (holdSaves > 0) await holding;
    letProbeSave.resolve();
    await holding;
    expect(ob.get(a.docId)).toMatchObject({ state: 'held', attempts: 1 });
    await ob.stop(); // waits for the probe's work, its write included

    // What is on disk is what a restart sees: A still held.
    const data = join(root, 'central');
    const central = createCentralServer({ dataDir: data, tokens: [TOKEN] });
    await central.start(port);
    cleanups.push(() => central.stop());
    const delivered = new Map<string, { resolve: () => void }>();
    const bus2 = new EventBus();
    const whenDelivered = (docId: string) => {
      const d = deferred();
      delivered.set(docId, d);
      return d.promise;
    };
    bus2.on('outbox.changed', (e) => { if (e.state === 'delivered') delivered.get(e.docId)?.resolve(); });
    const again = outbox(`http://127.0.0.1:${port}`, bus2);
    await again.start();
    expect(again.get(a.docId)).toMatchObject({ state: 'held', attempts: 1 });

    // The central system answers; another document goes out (one upload at a time, A first were
    // it waiting: Hỏa tốc), and A is not sent until released.
    const b = pkg(2, 0);
    const bDelivered = whenDelivered(b.docId);
    await again.enqueue(b.docId, b.documentId, b.xml, { priority: b.priority });
    await bDelivered;
    expect(again.get(a.docId)).toMatchObject({ state: 'held', attempts: 1 });
    expect((await listCentral(data)).map((h) => h.documentId)).toEqual([b.documentId]);
    const aDelivered = whenDelivered(a.docId);
    await again.release(a.docId);
    await aDelivered;
    expect(again.get(a.docId)).toMatchObject({ state: 'delivered', attempts: 2 });
  });
});
