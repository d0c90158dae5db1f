import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCentralServer, type CentralServer } from '../../appliance/central/server.js';
import { projectPath } from '../../appliance/config/paths.js';
import { EventBus, type DocumentState } from '../../appliance/events.js';
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
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { eventually } from '../helpers/appliance.js';

// Issue 10: signing that hit a full disk left the document "đang ký" with no retry until a restart.
// The documents folder is a real 64 KiB tmpfs (the signed PDF cannot be written: ENOSPC from the
// kernel); the document must go back to waiting with a Vietnamese reason, never 'failed', never
// stuck 'signing', and be signed and delivered by itself once the folder has room (tmpfs grown).

const run = promisify(execFile);
const PAGE = projectPath('provisioning', 'demo-pages', 'doc-004', 'page-1.png');
const AGENCY = { id: '000.00.00.H99', name: 'VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH (THỬ NGHIỆM)', sealPath: '' };

let dir: string;
let documentsDir: string;
let mounted = false;
let dev: DevToken;
let token: Pkcs11Token;
let central: CentralServer;
let outbox: Outbox;
let register: Register;
let queue: FilingQueue | undefined;
let untrack: () => void = () => {};
const bus = new EventBus();
const log = pino({ level: 'silent' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-disk-full-'));
  documentsDir = join(dir, 'documents');
  await mkdir(documentsDir);
  // needs root (mount): the appliance's test machine runs the suite as root
  mounted = await run('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', documentsDir], { timeout: 10_000 }).then(() => true, () => false);
  dev = await provisionDevToken();
  token = new Pkcs11Token({ module: dev.module, label: dev.label, env: dev.env, pollMs: 200 });
  await token.start();
  await token.login(dev.pin);
  central = createCentralServer({ dataDir: join(dir, 'central'), tokens: ['device-token'] });
  const { url } = await central.start(0, '127.0.0.1');
  register = new Register({ dir: join(dir, 'register'), officeHours: { start: '00:00', end: '23:59', days: [0, 1, 2, 3, 4, 5, 6] }, bus });
  await register.start();
  untrack = trackDelivery(bus, register, log);
  outbox = new Outbox({ dir: join(dir, 'outbox'), centralUrl: url, deviceToken: 'device-token', bus, log, minDelayMs: 200, maxDelayMs: 2000 });
  await outbox.start();
}, 180_000);

afterAll(async () => {
  await queue?.stop();
  untrack();
  await outbox?.stop();
  await register?.stop();
  await central?.stop();
  await token?.close();
  if (mounted) await run('umount', [documentsDir], { timeout: 10_000 });
  await rm(dir, { recursive: true, force: true });
});

describe('signing on a full disk', () => {
  it('waits with the reason instead of staying "đang ký", and signs and delivers by itself once there is room', async () => {
    expect(mounted, 'a tmpfs could be mounted (root)').toBe(true);
    const meta = await sharp(PAGE).metadata();
    const page: OcrPage = { imagePath: PAGE, width: meta.width!, height: meta.height!, dpi: 200, rotation: 0, blank: false, text: '', lines: [] };
    const doc = await register.register({ ...emptyFields(), issuer: 'SỞ Y TẾ', numberNotation: '7/CV-SYT', number: '7', date: '2024-05-07', summary: 'Văn bản thử', pages: 1 }, 'Lê Thị Hoa');
    let removed = false;
    const jobs: JobsPort = {
      jobOf: (docId) => (docId === doc.docId && !removed ? 'job-1' : undefined),
      keptPages: async () => [page],
      remove: async () => { removed = true; },
    };
    const signer = new AgencySigner({ token, agencyName: AGENCY.name, chainPath: join(dev.dir, 'chain.pem'), trustPath: join(dev.dir, 'ca.pem'), sealPath: dev.sealPath });
    await signer.start();
    const filing = createFiling({ agency: { ...AGENCY, sealPath: dev.sealPath }, central: { toId: '000.00.00.H00', toName: 'TRUNG TÂM' }, signer });
    const seen: DocumentState[] = [];
    bus.on('document.changed', (e) => { if (e.docId === doc.docId) seen.push(e.state); });

    queue = new FilingQueue({ register, jobs, filing, outbox, log, documentsDir, diskRetryMs: 300, diskNeedBytes: 1024 * 1024 });
    queue.start();
    queue.submit(doc.docId);

    const waiting = await eventually(async () => {
      const d = register.get(doc.docId)!;
      return d.message?.includes('Ổ đĩa đã đầy') ? d : undefined;
    }, 'the document to say the disk is full', 120_000);
    expect(waiting.state).toBe('registered');
    expect(waiting.message).toMatch(/^Chưa ký được văn bản: Ổ đĩa đã đầy.*sẽ được ký tự động khi ổ đĩa có chỗ trống/);
    // several retry periods later, still full: still waiting, not failed, not signing
    await new Promise((r) => setTimeout(r, 1500));
    expect(register.get(doc.docId)!.state).toBe('registered');
    expect(seen).not.toContain('failed');

    // The technician frees space (the folder grows): no restart, the queue goes on by itself.
    await run('mount', ['-o', 'remount,size=64m', documentsDir], { timeout: 10_000 });
    const delivered = await eventually(async () => (register.get(doc.docId)!.state === 'delivered' ? register.get(doc.docId)! : undefined), 'delivered after space returned', 180_000);
    expect(delivered.history.map((h) => h.state)).toEqual(['registered', 'signing', 'registered', 'signing', 'signed', 'queued', 'delivered']);
    expect(delivered.message).toBeNull();
    expect(removed).toBe(true);
  }, 300_000);
});
