import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../appliance/events.js';
import { emptyFields, type DocumentFields } from '../../appliance/extract/fields.js';
import { silentLogger } from '../../appliance/log.js';
import { Outbox } from '../../appliance/outbox/outbox.js';
import { trackDelivery } from '../../appliance/pipeline/delivery-tracker.js';
import { createFiling } from '../../appliance/pipeline/filing.js';
import { FilingQueue } from '../../appliance/pipeline/filing-queue.js';
import { Register } from '../../appliance/register/register.js';
import { eventually } from '../helpers/appliance.js';
import { listCentral, startCentralProcess, type CentralProcess } from '../helpers/central-process.js';

// After 01 the outbox reads the document's status until the central system decides: 03 reaches the
// register as "accepted" (and the local copy goes, retention 0 days here), 02 as "rejected" with
// the receiver's reason, which the clerk can send again. The receiver is `sohoa central` in its
// own process, deciding by its rule (--reject-match) after --accept-after-ms.

const TOKEN = 'status-test-token';
const REASON = 'Thiếu chữ ký của người có thẩm quyền';
let dir: string;
let central: CentralProcess;
let register: Register;
let outbox: Outbox;
let queue: FilingQueue;
let untrack: () => void = () => {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-status-'));
  central = await startCentralProcess(['--port', '0', '--data-dir', join(dir, 'central'), '--token', TOKEN,
    '--accept-after-ms', '300', '--reject-match', 'TRẢ LẠI', '--reject-reason', REASON]);
  const bus = new EventBus();
  const log = silentLogger();
  register = new Register({ dir: join(dir, 'register'), officeHours: { start: '00:00', end: '23:59', days: [0, 1, 2, 3, 4, 5, 6] }, bus });
  await register.start();
  untrack = trackDelivery(bus, register, log);
  const documentsDir = join(dir, 'documents');
  await mkdir(documentsDir);
  outbox = new Outbox({
    dir: join(dir, 'outbox'), centralUrl: central.url, deviceToken: TOKEN, bus, log, minDelayMs: 100, maxDelayMs: 1000,
    statusPollMs: 200, keepAcceptedDays: 0, removeLocalCopy: (docId) => rm(join(documentsDir, `${docId}.pdf`), { force: true }),
  });
  await outbox.start();
  // documents arrive here signed (their PDF on disk): signing itself is not what this test is about
  const filing = createFiling({
    agency: { id: '000.00.00.H99', name: 'VĂN PHÒNG UBND TỈNH', sealPath: '' }, central: { toId: '000.00.00.H00', toName: 'TRUNG TÂM' },
    signer: { sign: async () => { throw new Error('these documents are signed already'); } },
  });
  queue = new FilingQueue({
    register, outbox, log, documentsDir, filing,
    jobs: { jobOf: () => undefined, keptPages: async () => [], remove: async () => undefined },
  });
  queue.start();
});

afterAll(async () => {
  await queue?.stop();
  untrack();
  await outbox?.stop();
  await register?.stop();
  await central?.kill();
  await rm(dir, { recursive: true, force: true });
});

async function signedDocument(n: number, summary: string): Promise<string> {
  const fields: DocumentFields = { ...emptyFields(), issuer: 'SỞ Y TẾ', numberNotation: `${n}/CV-SYT`, number: String(n), date: '2024-05-02', summary, pages: 1 };
  const doc = await register.register(fields, 'Lê Thị Hoa');
  await register.setState(doc.docId, 'signing', { actor: 'hệ thống' });
  await writeFile(queue.signedPdfPath(doc.docId), `%PDF-1.7\n% document ${n}\n%%EOF\n`);
  await register.setState(doc.docId, 'signed', { actor: 'hệ thống' });
  queue.submit(doc.docId);
  return doc.docId;
}

const settledIn = (docId: string, state: string) => eventually(async () => (register.get(docId)?.state === state ? register.get(docId) : undefined), `${docId} ${state}`, 60_000);

describe('status after arrival (01): accepted (03) or rejected (02) reach the register', () => {
  it('03: the register says accepted, then the local copy is removed (retention 0 days)', async () => {
    const docId = await signedDocument(1, 'Về việc tiếp nhận');
    const doc = await settledIn(docId, 'accepted');
    expect(doc.history.map((h) => h.state)).toEqual(expect.arrayContaining(['queued', 'delivered', 'accepted']));
    await eventually(async () => (outbox.get(docId)?.localCopyRemovedAt ? true : undefined), 'retention', 30_000);
    expect(outbox.get(docId)).toMatchObject({ state: 'accepted', statusCode: '03', deliveredAt: expect.any(String), acceptedAt: expect.any(String) });
    expect(existsSync(queue.signedPdfPath(docId))).toBe(false);
    expect((await readdir(join(dir, 'outbox', 'items', docId))).sort()).toEqual(['receipt.edxml', 'state.json', 'status.edxml']);
  });

  it('02: the register says rejected with the receiver\'s reason; the clerk sends it again, the copy is kept', async () => {
    const docId = await signedDocument(2, 'Về việc TRẢ LẠI hồ sơ');
    const doc = await settledIn(docId, 'rejected');
    expect(doc.message).toBe(`Hệ thống trung tâm từ chối tiếp nhận văn bản: ${REASON}`);
    expect(doc.history.map((h) => h.state)).toContain('delivered');
    expect(outbox.get(docId)).toMatchObject({ state: 'rejected', statusCode: '02' });
    expect(existsSync(queue.signedPdfPath(docId))).toBe(true); // removed only after 03

    expect(queue.retryKind(doc)).toBe('send');
    await queue.retry(docId, 'Lê Thị Hoa');
    await eventually(async () => (register.get(docId)?.history.filter((h) => h.state === 'rejected').length === 2 ? true : undefined), 'the second rejection', 60_000);
    const listed = (await listCentral(join(dir, 'central'))).find((d) => d.documentId === outbox.get(docId)!.documentId);
    expect(listed).toMatchObject({ versions: 2, received: 2, status: '02', statusReason: REASON });
  });
});
