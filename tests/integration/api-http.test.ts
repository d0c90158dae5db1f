// Tests the HTTP/WebSocket layer ONLY (routing, validation, actor header, error mapping, PIN never
// logged, event relay, UI serving) over real HTTP on loopback. The Desk below is a small scripted
// stand-in written for this test, because what is under test is how the API talks to *a* Desk; the
// real pipeline has its own tests and the end-to-end test (tests/e2e/ui.test.ts) drives both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import sharp from 'sharp';
import { request, WebSocket } from 'undici';
import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../../appliance/api/server.js';
import { EventBus, type TokenState } from '../../appliance/events.js';
import { SohoaError } from '../../appliance/errors.js';
import { emptyFields, type DocumentFields } from '../../appliance/extract/fields.js';
import type { Actor, Desk, DocumentView, JobView, ScanOptions } from '../../appliance/pipeline/desk.js';

const GOOD_PIN = '739184';
const WRONG_PIN = '402615';

/** Records the calls it gets; `failNext` makes the next call throw what a real stage would. */
class ScriptedDesk implements Desk {
  calls: { method: string; actor?: Actor; arg?: unknown }[] = [];
  failNext: unknown = null;
  previewPath = '';
  private token: TokenState = {
    present: true, label: 'SOHOA DEV', serial: '1', loggedIn: false,
    pinCountLow: false, pinFinalTry: false, pinLocked: false, error: null,
  };
  private job: JobView = {
    jobId: 'job-1', state: 'review', startedAt: '2026-11-22T08:00:00+07:00',
    pages: [{ page: 1, imageUrl: '/api/jobs/job-1/pages/1.jpg', blank: false }],
    result: null, error: null, docId: null,
  };

  private maybeFail(method: string, actor?: Actor, arg?: unknown): void {
    this.calls.push({ method, actor, arg });
    const f = this.failNext;
    this.failNext = null;
    if (f) throw f;
  }

  async startScan(opts: ScanOptions, actor: Actor) { this.maybeFail('startScan', actor, opts); return this.job; }
  async startBatch(opts: ScanOptions, actor: Actor) { this.maybeFail('startBatch', actor, opts); return this.job; }
  async mergeJob(id: string, actor: Actor) { this.maybeFail('mergeJob', actor, id); return this.job; }
  async continueScan(id: string, opts: ScanOptions, actor: Actor) { this.maybeFail('continueScan', actor, { id, opts }); return { ...this.job, state: 'scanning' as const }; }
  listJobs() { return [this.job]; }
  getJob(id: string) { return id === this.job.jobId ? this.job : undefined; }
  pagePreview(id: string, page: number) { return id === this.job.jobId && page === 1 ? this.previewPath : undefined; }
  async discardJob(id: string, actor: Actor) { this.maybeFail('discardJob', actor, id); }
  async registerJob(id: string, fields: DocumentFields, actor: Actor): Promise<DocumentView> {
    this.maybeFail('registerJob', actor, fields);
    return this.doc(fields);
  }
  private doc(f: DocumentFields = fields, over: Partial<DocumentView> = {}): DocumentView {
    return {
      docId: 'doc-1', arrivalNumber: 1, arrivalDate: '2026-11-22T08:01:00+07:00', state: 'registered', fields: f,
      delivery: null, message: null, duplicateOf: null, createdAt: '2026-11-22T08:01:00+07:00', signature: null, retry: null, ...over,
    };
  }
  async listDocuments() { return []; }
  async getDocument(id: string) { return id === 'doc-1' ? this.doc(fields, { state: 'failed', retry: 'send' }) : undefined; }
  async retryDocument(id: string, actor: Actor) { this.maybeFail('retryDocument', actor, id); return this.doc(fields, { state: 'signed' }); }
  async sendNow(id: string, actor: Actor) { this.maybeFail('sendNow', actor, id); return this.doc(fields, { state: 'queued' }); }
  async documentPdf() { return undefined; }
  async confirmSecretHeld(id: string, actor: Actor): Promise<DocumentView> { this.maybeFail('confirmSecretHeld', actor, id); throw new Error('unreachable'); }
  tokenState() { return this.token; }
  async unlockToken(pin: string, actor: Actor) {
    this.calls.push({ method: 'unlockToken', actor });
    if (pin !== GOOD_PIN) {
      // What the token stage reports on a wrong PIN; it must not echo the PIN.
      throw new SohoaError('token.pin-incorrect', 'Mã PIN không đúng. Còn 2 lần thử.', 'C_Login: CKR_PIN_INCORRECT');
    }
    this.token = { ...this.token, loggedIn: true };
    return this.token;
  }
  async lockToken(actor: Actor) { this.calls.push({ method: 'lockToken', actor }); this.token = { ...this.token, loggedIn: false }; return this.token; }
}

const fields: DocumentFields = {
  ...emptyFields(), issuer: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI', numberNotation: '48/2017/QĐ-UBND', number: '48',
  date: '2017-12-29', type: 'Quyết định', summary: 'Ban hành Quy chế', pages: 1, recipients: ['Như Điều 3;'],
};

let dir: string;
let app: FastifyInstance;
let base: string;
let logText = '';
const desk = new ScriptedDesk();
const bus = new EventBus();
const USER = { 'x-sohoa-user': encodeURIComponent('Nguyễn Thị Lan') };

async function call(method: 'GET' | 'POST', path: string, opts: { headers?: Record<string, string>; body?: unknown; raw?: string } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.raw !== undefined) { body = opts.raw; headers['content-type'] = 'application/json'; }
  else if (opts.body !== undefined) { body = JSON.stringify(opts.body); headers['content-type'] = 'application/json'; }
  const res = await request(base + path, { method, headers, body });
  const type = String(res.headers['content-type'] ?? '');
  const data = type.includes('json') ? await res.body.json() as any : type.includes('image') ? await res.body.arrayBuffer() : await res.body.text();
  return { status: res.statusCode, type, data };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-api-'));
  desk.previewPath = join(dir, 'p1.jpg');
  await sharp({ create: { width: 40, height: 60, channels: 3, background: '#fff' } }).jpeg().toFile(desk.previewPath);
  await mkdir(join(dir, 'ui'));
  await writeFile(join(dir, 'ui', 'index.html'), '<!doctype html><title>Sohoa UI</title>');
  const sink = new Writable({ write(chunk, _enc, cb) { logText += chunk.toString(); cb(); } });
  app = createHttpServer({ desk, bus, uiDir: join(dir, 'ui'), logger: pino({ level: 'trace' }, sink) });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('API over HTTP (HTTP layer only, scripted Desk)', () => {
  it('reports status with version and token state', async () => {
    const r = await call('GET', '/api/status');
    expect(r.status).toBe(200);
    expect(r.data.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.data.token.present).toBe(true);
  });

  it('refuses a command without a user, in Vietnamese, and does not reach the desk', async () => {
    const before = desk.calls.length;
    const r = await call('POST', '/api/scan', { body: {} });
    expect(r.status).toBe(400);
    expect(r.data.error.code).toBe('request.invalid');
    expect(r.data.error.message).toMatch(/người dùng/i);
    expect(desk.calls.length).toBe(before);
  });

  it('passes the percent-encoded Vietnamese user name to the desk as the actor', async () => {
    const r = await call('POST', '/api/scan', { headers: USER, body: { source: 'adf' } });
    expect(r.status).toBe(200);
    expect(r.data.jobId).toBe('job-1');
    expect(desk.calls.at(-1)).toMatchObject({ method: 'startScan', actor: { name: 'Nguyễn Thị Lan' }, arg: { source: 'adf' } });
  });

  it('rejects malformed requests with 400 request.invalid', async () => {
    const cases = [
      call('POST', '/api/scan', { headers: USER, body: { source: 'fax' } }),
      call('POST', '/api/jobs/job-1/register', { headers: USER, body: { ...fields, date: '29/12/2017' } }),
      call('POST', '/api/jobs/job-1/register', { headers: USER, body: { issuer: 'x' } }),
      call('POST', '/api/jobs/job-1/register', { headers: USER, body: { ...fields, urgency: 'Gấp lắm' } }),
      call('POST', '/api/jobs/job-1/register', { headers: USER, raw: '{"issuer": ' }),
      call('POST', '/api/token/unlock', { headers: USER, body: { pin: 12 } }),
      call('GET', '/api/jobs/job-1/pages/0.jpg'),
    ];
    for (const r of await Promise.all(cases)) {
      expect(r.status).toBe(400);
      expect(r.data.error.code).toBe('request.invalid');
      expect(r.data.error.message).toMatch(/không hợp lệ/);
    }
    expect(desk.calls.some((c) => c.method === 'registerJob')).toBe(false);
  });

  it('registers with NFC-normalized fields', async () => {
    const decomposed = 'Quyết định'.normalize('NFD');
    const r = await call('POST', '/api/jobs/job-1/register', { headers: USER, body: { ...fields, type: decomposed } });
    expect(r.status).toBe(200);
    expect(r.data.arrivalNumber).toBe(1);
    expect((desk.calls.at(-1)!.arg as DocumentFields).type).toBe('Quyết định'.normalize('NFC'));
  });

  it('maps SohoaErrors and unknown failures to statuses with the clerk message', async () => {
    const expectations: [unknown, number, string][] = [
      [new SohoaError('scanner.jammed', 'Giấy bị kẹt trong máy quét.', 'SANE_STATUS_JAMMED'), 409, 'scanner.jammed'],
      [new SohoaError('scanner.busy', 'Máy quét đang bận.'), 409, 'scanner.busy'],
      [new SohoaError('scanner.device', 'Không thấy máy quét.'), 503, 'scanner.device'],
      [new SohoaError('token.pin-locked', 'Khoá ký số đã bị khoá.'), 423, 'token.pin-locked'],
      [Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }), 507, 'storage.full'],
      [new TypeError('x is undefined'), 500, 'internal'],
    ];
    for (const [err, status, code] of expectations) {
      desk.failNext = err;
      const r = await call('POST', '/api/scan', { headers: USER, body: {} });
      expect(r.status).toBe(status);
      expect(r.data.error.code).toBe(code);
      expect(r.data.error.message).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i);
    }
    desk.failNext = new SohoaError('register.duplicate', 'Văn bản này đã được đăng ký.');
    const dup = await call('POST', '/api/jobs/job-1/register', { headers: USER, body: fields });
    expect(dup.status).toBe(409);
  });

  it('routes Quét tiếp, retry and send-now to the desk with the actor; unknown ids are 404 and never reach it', async () => {
    const cont = await call('POST', '/api/jobs/job-1/continue', { headers: USER, body: { dpi: 300 } });
    expect(cont.status).toBe(200);
    expect(cont.data.state).toBe('scanning');
    expect(desk.calls.at(-1)).toMatchObject({ method: 'continueScan', actor: { name: 'Nguyễn Thị Lan' }, arg: { id: 'job-1', opts: { dpi: 300 } } });
    expect((await call('POST', '/api/jobs/job-1/continue', { headers: USER, body: { dpi: 5 } })).status).toBe(400);
    expect((await call('POST', '/api/jobs/job-1/continue', { body: {} })).status).toBe(400);

    const retry = await call('POST', '/api/documents/doc-1/retry', { headers: USER });
    expect(retry.status).toBe(200);
    expect(retry.data.state).toBe('signed');
    expect(desk.calls.at(-1)).toMatchObject({ method: 'retryDocument', actor: { name: 'Nguyễn Thị Lan' }, arg: 'doc-1' });
    const now = await call('POST', '/api/documents/doc-1/send-now', { headers: USER });
    expect(now.data.state).toBe('queued');
    expect(desk.calls.at(-1)).toMatchObject({ method: 'sendNow', arg: 'doc-1' });

    desk.failNext = new SohoaError('register.state', 'Chỉ thử lại được văn bản đang báo lỗi.', 'document doc-1 is delivered');
    const refused = await call('POST', '/api/documents/doc-1/retry', { headers: USER });
    expect(refused.status).toBe(409);
    expect(refused.data.error.message).toBe('Chỉ thử lại được văn bản đang báo lỗi.');

    const before = desk.calls.length;
    expect((await call('POST', '/api/jobs/nope/continue', { headers: USER, body: {} })).status).toBe(404);
    expect((await call('POST', '/api/documents/nope/retry', { headers: USER })).status).toBe(404);
    expect((await call('POST', '/api/documents/nope/send-now', { headers: USER })).status).toBe(404);
    expect(desk.calls.length).toBe(before);
  });

  it('answers 404 for unknown jobs, documents and API paths', async () => {
    expect((await call('GET', '/api/jobs/nope')).status).toBe(404);
    expect((await call('POST', '/api/jobs/nope/discard', { headers: USER })).status).toBe(404);
    expect((await call('GET', '/api/documents/nope')).status).toBe(404);
    expect((await call('GET', '/api/documents/nope/pdf')).status).toBe(404);
    const r = await call('GET', '/api/nothing-here');
    expect(r.status).toBe(404);
    expect(r.data.error.code).toBe('register.not-found');
  });

  it('serves page previews as JPEG', async () => {
    const r = await call('GET', '/api/jobs/job-1/pages/1.jpg');
    expect(r.status).toBe(200);
    expect(r.type).toBe('image/jpeg');
    expect(Buffer.from(r.data as ArrayBuffer).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect((await call('GET', '/api/jobs/job-1/pages/2.jpg')).status).toBe(404);
  });

  it('serves the UI with a single-page-app fallback', async () => {
    for (const path of ['/', '/trang-thai']) {
      const r = await call('GET', path);
      expect(r.status).toBe(200);
      expect(r.data).toContain('Sohoa UI');
    }
    // A missing asset must not be answered with the app page (the browser would run HTML as JS).
    expect((await call('GET', '/assets/index-missing.js')).status).toBe(404);
  });

  it('unlocks the token without the PIN ever reaching the log', async () => {
    const wrong = await call('POST', '/api/token/unlock', { headers: USER, body: { pin: WRONG_PIN } });
    expect(wrong.status).toBe(403);
    expect(wrong.data.error.code).toBe('token.pin-incorrect');
    const tooLong = await call('POST', '/api/token/unlock', { headers: USER, body: { pin: GOOD_PIN.repeat(8) } });
    expect(tooLong.status).toBe(400);
    const ok = await call('POST', '/api/token/unlock', { headers: USER, body: { pin: GOOD_PIN } });
    expect(ok.status).toBe(200);
    expect(ok.data.loggedIn).toBe(true);
    expect(JSON.stringify(ok.data)).not.toContain(GOOD_PIN);
    expect((await call('POST', '/api/token/lock', { headers: USER })).data.loggedIn).toBe(false);
    // The log did record these requests (so this assertion can fail), but never the PIN.
    expect(logText).toContain('/api/token/unlock');
    expect(logText).toContain('token.pin-incorrect');
    expect(logText).not.toContain(GOOD_PIN);
    expect(logText).not.toContain(WRONG_PIN);
  });

  it('relays EventBus events to every WebSocket client', async () => {
    const open = () => new Promise<{ ws: WebSocket; msgs: any[] }>((resolve, reject) => {
      const ws = new WebSocket(base.replace('http', 'ws') + '/api/events');
      const msgs: any[] = [];
      ws.addEventListener('message', (e) => msgs.push(JSON.parse(String(e.data))));
      ws.addEventListener('open', () => resolve({ ws, msgs }));
      ws.addEventListener('error', reject);
    });
    const [a, b] = await Promise.all([open(), open()]);
    const until = async (msgs: any[], n: number) => {
      for (let i = 0; i < 200 && msgs.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    };
    await until(a.msgs, 1);
    expect(a.msgs[0]).toMatchObject({ event: 'token.changed', data: { present: true } });
    bus.emit('scan.page', { jobId: 'job-1', page: 2, imageUrl: '/api/jobs/job-1/pages/2.jpg', blank: true });
    await until(a.msgs, 2);
    await until(b.msgs, 2);
    for (const c of [a, b]) {
      expect(c.msgs[1]).toEqual({ event: 'scan.page', data: { jobId: 'job-1', page: 2, imageUrl: '/api/jobs/job-1/pages/2.jpg', blank: true } });
      c.ws.close();
    }
  });
});
