import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCentralServer, type CentralServer } from '../../appliance/central/server.js';
import { projectPath } from '../../appliance/config/paths.js';
import { EventBus } from '../../appliance/events.js';
import { emptyFields, type DocumentFields } from '../../appliance/extract/fields.js';
import type { OcrPage } from '../../appliance/ocr/ocr.js';
import { Outbox } from '../../appliance/outbox/outbox.js';
import { trackDelivery } from '../../appliance/pipeline/delivery-tracker.js';
import { createFiling } from '../../appliance/pipeline/filing.js';
import { FilingQueue } from '../../appliance/pipeline/filing-queue.js';
import type { FilingPort, JobsPort } from '../../appliance/pipeline/ports.js';
import { Register, type RegisterEntry } from '../../appliance/register/register.js';
import { AgencySigner } from '../../appliance/sign/agency-signer.js';
import { Pkcs11Token } from '../../drivers/token/pkcs11-token.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { eventually } from '../helpers/appliance.js';

// Issue 8: one document's failure in signing must not stop the others. Four registered documents
// go through the real filing queue — searchable PDF, SoftHSM token signature (verified), edXML,
// outbox, delivered to the reference receiver — in order. The second one's page image is corrupt
// on disk; the third one's PDF reaches the signer truncated (a corrupt PDF input). Those two end
// "Ký lỗi" with their reason and can be signed again; the first and the fourth are delivered.

const PAGE = projectPath('provisioning', 'demo-pages', 'doc-004', 'page-1.png');
const AGENCY = { id: '000.00.00.H99', name: 'VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH (THỬ NGHIỆM)', sealPath: '' };

let dir: string;
let dev: DevToken;
let token: Pkcs11Token;
let central: CentralServer;
let outbox: Outbox;
let register: Register;
let queue: FilingQueue | undefined;
let untrack: () => void = () => {};
const logLines: Record<string, unknown>[] = [];
const log = pino({ level: 'info' }, { write: (line: string) => { logLines.push(JSON.parse(line) as Record<string, unknown>); } });
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  dir = await mkdtemp(join(tmpdir(), 'sohoa-filing-failure-'));
  dev = await provisionDevToken();
  token = new Pkcs11Token({ module: dev.module, label: dev.label, env: dev.env, pollMs: 200 });
  await token.start();
  await token.login(dev.pin);
  central = createCentralServer({ dataDir: join(dir, 'central'), tokens: ['device-token'] });
  const { url } = await central.start(0, '127.0.0.1');
  const bus = new EventBus();
  register = new Register({ dir: join(dir, 'register'), officeHours: { start: '00:00', end: '23:59', days: [0, 1, 2, 3, 4, 5, 6] }, bus });
  await register.start();
  untrack = trackDelivery(bus, register, log);
  outbox = new Outbox({ dir: join(dir, 'outbox'), centralUrl: url, deviceToken: 'device-token', bus, log, minDelayMs: 200, maxDelayMs: 2000 });
  await outbox.start();
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await queue?.stop();
  untrack();
  await outbox?.stop();
  await register?.stop();
  await central?.stop();
  await token?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the filing queue with a document that cannot be signed', () => {
  it('marks that one "Ký lỗi" with the reason and files the others', async () => {
    const meta = await sharp(PAGE).metadata();
    const page = (imagePath: string): OcrPage => ({
      imagePath, width: meta.width!, height: meta.height!, dpi: 200, rotation: 0, blank: false, text: '', lines: [],
    });
    // the second document's scan: the page file was cut short on disk
    const torn = join(dir, 'torn-page.png');
    await writeFile(torn, (await readFile(PAGE)).subarray(0, 4000));

    const fields = (n: number): DocumentFields => ({
      ...emptyFields(), issuer: 'SỞ Y TẾ', numberNotation: `${n}/CV-SYT`, number: String(n), date: '2024-05-0' + n, summary: `Văn bản thử ${n}`, pages: 1,
    });
    const docs: RegisterEntry[] = [];
    for (const n of [1, 2, 3, 4]) docs.push(await register.register(fields(n), 'Lê Thị Hoa'));
    const [d1, d2, d3, d4] = docs.map((d) => d.docId) as [string, string, string, string];

    const removed: string[] = [];
    const jobs: JobsPort = {
      jobOf: (docId) => (docs.some((d) => d.docId === docId) && !removed.includes(`job-${docId}`) ? `job-${docId}` : undefined),
      keptPages: async (jobId) => [page(jobId === `job-${d2}` ? torn : PAGE)],
      remove: async (jobId) => { removed.push(jobId); },
    };
    const signer = new AgencySigner({
      token, agencyName: AGENCY.name, chainPath: join(dev.dir, 'chain.pem'), trustPath: join(dev.dir, 'ca.pem'), sealPath: dev.sealPath,
    });
    await signer.start();
    const real = createFiling({ agency: { ...AGENCY, sealPath: dev.sealPath }, central: { toId: '000.00.00.H00', toName: 'TRUNG TÂM' }, signer });
    // the third document's PDF reaches the signer truncated
    const filing: FilingPort = {
      ...real,
      buildPdf: async (pages, doc) => {
        const pdf = await real.buildPdf(pages, doc);
        return doc.docId === d3 ? pdf.subarray(0, 600) : pdf;
      },
      // (the filing queue builds through buildParts: one file for these small documents)
      buildParts: async (pages, doc) => {
        const parts = await real.buildParts!(pages, doc);
        return doc.docId === d3 ? [parts[0]!.subarray(0, 600)] : parts;
      },
    };
    const documentsDir = join(dir, 'documents');
    queue = new FilingQueue({ register, jobs, filing, outbox, log, documentsDir });
    queue.start();
    for (const d of docs) queue.submit(d.docId);

    const settled = (id: string) => eventually(async () => {
      const d = register.get(id)!;
      return d.state === 'delivered' || d.state === 'failed' ? d : undefined;
    }, `document ${id} to be delivered or failed`, 120_000);
    const [r1, r2, r3, r4] = [await settled(d1), await settled(d2), await settled(d3), await settled(d4)];

    expect([r1.state, r2.state, r3.state, r4.state]).toEqual(['delivered', 'failed', 'failed', 'delivered']);
    expect(r2.message).toMatch(/^Ký lỗi: Ảnh trang quét bị hỏng/);
    expect(r3.message).toMatch(/^Ký lỗi: Tệp PDF bị hỏng/);
    for (const r of [r2, r3]) expect(r.history.at(-1)).toMatchObject({ state: 'failed' });
    // Ký lại is offered: the scan is still there, no signed PDF was written
    expect(queue.retryKind(r2)).toBe('sign');
    expect(queue.retryKind(r3)).toBe('sign');
    expect([d1, d2, d3, d4].map((id) => existsSync(join(documentsDir, `${id}.pdf`)))).toEqual([true, false, false, true]);
    expect(removed.sort()).toEqual([`job-${d1}`, `job-${d4}`].sort());
    // in the log, each with its reason, and the queue went on
    const failures = logLines.filter((l) => l.msg === 'filing failed: the queue goes on');
    expect(failures.map((l) => [l.docId, (l.err as { code: string }).code, l.stage])).toEqual([[d2, 'pdf.build', 'sign'], [d3, 'sign.failed', 'sign']]);
    expect(unhandled).toEqual([]);
  }, 180_000);
});
