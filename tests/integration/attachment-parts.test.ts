import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCentralServer, type CentralServer } from '../../appliance/central/server.js';
import { MAX_ATTACHMENT_BYTES } from '../../appliance/edxml/build-document.js';
import { EventBus } from '../../appliance/events.js';
import { emptyFields } from '../../appliance/extract/fields.js';
import type { OcrPage } from '../../appliance/ocr/ocr.js';
import { Outbox } from '../../appliance/outbox/outbox.js';
import { trackDelivery } from '../../appliance/pipeline/delivery-tracker.js';
import { createFiling } from '../../appliance/pipeline/filing.js';
import { FilingQueue } from '../../appliance/pipeline/filing-queue.js';
import type { JobsPort } from '../../appliance/pipeline/ports.js';
import { Register } from '../../appliance/register/register.js';
import { AgencySigner } from '../../appliance/sign/agency-signer.js';
import { Pkcs11Token } from '../../drivers/token/pkcs11-token.js';
import { eventually } from '../helpers/appliance.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';

// Tuyên Quang art. 8.4: each attached file at most 50 MB, "split rather than fail", names kept to
// the ASCII rule, never recompressed below legibility. A 120+ MB scan (high-entropy colour pages
// at 300 dpi, made here in a temp folder) goes through the real filing queue — searchable PDF,
// SoftHSM signature of each part, edXML, the outbox streaming every part from its file — to the
// reference receiver on loopback, which stores each attachment as it decoded it.

const PAGES = 24;
const run = promisify(execFile);
const AGENCY = { id: '000.00.00.H99', name: 'VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH (THỬ NGHIỆM)', sealPath: '' };

let dir: string;
let dev: DevToken;
let token: Pkcs11Token;
let central: CentralServer;
let outbox: Outbox;
let register: Register;
let queue: FilingQueue | undefined;
let untrack: () => void = () => {};
const log = pino({ level: 'silent' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-parts-'));
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
  outbox = new Outbox({ dir: join(dir, 'outbox'), centralUrl: url, deviceToken: 'device-token', bus, log, minDelayMs: 200, maxDelayMs: 2000, timeoutMs: 300_000 });
  await outbox.start();
}, 120_000);

afterAll(async () => {
  await queue?.stop();
  untrack();
  await outbox?.stop();
  await register?.stop();
  await central?.stop();
  await token?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a document over 50 MB', () => {
  it('arrives as signed parts under 50 MB each, ASCII-named in order, that reassemble to every page', async () => {
    // the scan: colour noise pages (no JPEG quality makes them small), A4 at 300 dpi
    const pagesDir = join(dir, 'pages');
    await mkdir(pagesDir);
    const [w, h] = [2480, 3508];
    const pages: OcrPage[] = [];
    let scanBytes = 0;
    for (let i = 1; i <= PAGES; i++) {
      const imagePath = join(pagesDir, `page-${i}.jpg`);
      await sharp(randomBytes(w * h * 3), { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 80 }).toFile(imagePath);
      scanBytes += (await stat(imagePath)).size;
      pages.push({ imagePath, width: w, height: h, dpi: 300, rotation: 0, blank: false, text: '', lines: [] });
    }
    expect(scanBytes).toBeGreaterThan(120 * 1024 * 1024);

    const doc = await register.register({
      ...emptyFields(), issuer: 'SỞ XÂY DỰNG', numberNotation: '77/QĐ-SXD', number: '77', date: '2024-06-03',
      type: 'Quyết định', summary: 'Phê duyệt hồ sơ thiết kế (kèm bản vẽ)', pages: PAGES,
    }, 'Lê Thị Hoa');
    const jobs: JobsPort = { jobOf: () => 'job-1', keptPages: async () => pages, remove: async () => undefined };
    const signer = new AgencySigner({
      token, agencyName: AGENCY.name, chainPath: join(dev.dir, 'chain.pem'), trustPath: join(dev.dir, 'ca.pem'), sealPath: dev.sealPath,
    });
    await signer.start();
    const filing = createFiling({ agency: { ...AGENCY, sealPath: dev.sealPath }, central: { toId: '000.00.00.H00', toName: 'TRUNG TÂM' }, signer });
    queue = new FilingQueue({ register, jobs, filing, outbox, log, documentsDir: join(dir, 'documents') });
    queue.start();
    queue.submit(doc.docId);
    const done = await eventually(async () => {
      const d = register.get(doc.docId)!;
      if (d.state === 'failed') throw new Error(`filing failed: ${d.message}`);
      return d.state === 'delivered' ? d : undefined;
    }, 'the large document to be delivered', 800_000);
    expect(done.history.some((c) => /\d+ phần/.test(c.detail ?? ''))).toBe(true);

    // the outbox kept the parts as files around the package text: nothing of it whole in memory
    const item = outbox.get(doc.docId)!;
    expect(item.attachments).toBeGreaterThanOrEqual(3);
    // (the parts re-encode the noise pages at the scan's quality: over 100 MB of PDF, base64 in the body)
    expect(item.bodyBytes).toBeGreaterThan(4 * Math.ceil((100 * 1024 * 1024) / 3));

    // what the receiver decoded
    const docsDir = join(dir, 'central', 'documents');
    const [folder] = readdirSync(docsDir);
    const names = readdirSync(join(docsDir, folder!, 'attachments')).sort();
    expect(names).toHaveLength(item.attachments!);
    // (the receiver stores each under "<position>-<name as sent>")
    expect(names).toEqual(names.map((_, i) => `${i + 1}-77QDSXD20240603P${String(i + 1).padStart(2, '0')}.pdf`));
    const merged = await PDFDocument.create();
    for (const name of names) {
      expect(name.replace(/^\d+-/, '')).toMatch(/^[A-Za-z0-9]{1,46}\.pdf$/);
      const file = join(docsDir, folder!, 'attachments', name);
      expect((await stat(file)).size).toBeLessThanOrEqual(MAX_ATTACHMENT_BYTES);
      // each part is a PDF of its own, signed by the agency: poppler checks every one
      const sig = await run('pdfsig', [file], { timeout: 120_000 }).catch((e: { stdout: string }) => e);
      expect(sig.stdout, name).toContain('Signature is Valid');
      const part = await PDFDocument.load(await readFile(file));
      for (const p of await merged.copyPages(part, part.getPageIndices())) merged.addPage(p);
    }
    // reassembled: every page, in order, each at the size it was scanned (no downscaling)
    expect(merged.getPageCount()).toBe(PAGES);
    for (const p of merged.getPages()) expect(Math.round(p.getWidth())).toBe(Math.round((w * 72) / 300));
  }, 1_100_000);
});
