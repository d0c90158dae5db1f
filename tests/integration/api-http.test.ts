// Tests the HTTP/WebSocket layer ONLY (routing, validation, sessions and the actor, error mapping,
// PINs never logged, event relay, UI serving) over real HTTP on loopback. The Desk below is a small scripted
// stand-in written for this test, because what is under test is how the API talks to *a* Desk; the
// real pipeline has its own tests and the end-to-end test (tests/e2e/ui.test.ts) drives both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import sharp from 'sharp';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { request, WebSocket } from 'undici';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { AccountService } from '../../appliance/accounts/account-service.js';
import { UserStore } from '../../appliance/accounts/user-store.js';
import { createHttpServer } from '../../appliance/api/server.js';
import type { RoleHook } from '../../appliance/api/require-role.js';
import { Register } from '../../appliance/register/register.js';
import { EventBus, type TokenState } from '../../appliance/events.js';
import { SohoaError } from '../../appliance/errors.js';
import { emptyFields, type DocumentFields } from '../../appliance/extract/fields.js';
import type { Actor, Desk, DocumentView, JobView, ScanOptions } from '../../appliance/pipeline/desk.js';
import type { PageEdit, PageEditsView } from '../../appliance/pipeline/page-edits.js';
import type { Region } from '../../appliance/pipeline/page-geometry.js';
import { DEFAULT_PROFILES } from '../../appliance/capture/profiles.js';
import { FilingQueue } from '../../appliance/pipeline/filing-queue.js';
import { standingAlone } from '../helpers/leak.js';

const GOOD_PIN = '739184';
const WRONG_PIN = '402615';
const CLERK = 'Nguyễn Thị Lan';
const CLERK_PIN = '918273';
const OTHER = 'Trần Văn Bình';
const OTHER_PIN = '564738';
const TECH = 'Phạm Văn Kỹ';
const TECH_PIN = '372615';

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

  profiles() { return DEFAULT_PROFILES; }
  async startScan(opts: ScanOptions, actor: Actor) { this.maybeFail('startScan', actor, opts); return this.job; }
  async startBatch(opts: ScanOptions, actor: Actor) { this.maybeFail('startBatch', actor, opts); return this.job; }
  async mergeJob(id: string, actor: Actor) { this.maybeFail('mergeJob', actor, id); return this.job; }
  async continueScan(id: string, opts: ScanOptions, actor: Actor) { this.maybeFail('continueScan', actor, { id, opts }); return { ...this.job, state: 'scanning' as const }; }
  async nextDocument(id: string, actor: Actor) { this.maybeFail('nextDocument', actor, id); return this.job; }
  listJobs() { return [this.job]; }
  getJob(id: string) { return id === this.job.jobId ? this.job : undefined; }
  pagePreview(id: string, page: number) { return id === this.job.jobId && page === 1 ? this.previewPath : undefined; }
  async discardJob(id: string, actor: Actor) { this.maybeFail('discardJob', actor, id); }
  private edits(): PageEditsView {
    return { jobId: this.job.jobId, pages: [{ page: 1, rotation: 0, removed: false, blank: false, imageUrl: this.job.pages[0]!.imageUrl, autoRotation: 0 }], kept: 1, canUndo: false };
  }
  async pageEdits(id: string) { this.maybeFail('pageEdits', undefined, id); return this.edits(); }
  async editPages(id: string, pages: PageEdit[], actor: Actor) { this.maybeFail('editPages', actor, { id, pages }); return this.edits(); }
  async undoPageEdit(id: string, actor: Actor) { this.maybeFail('undoPageEdit', actor, id); return this.edits(); }
  async readRegion(id: string, page: number, region: Region) { this.maybeFail('readRegion', undefined, { id, page, region }); return { text: '', confidence: 0 }; }
  fieldBoxes(id: string) { this.maybeFail('fieldBoxes', undefined, id); return {}; }
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
  /** The filing queue whose signed files documentPdfs() lists; none unless a test sets it. */
  filing: FilingQueue | undefined;
  async documentPdfs(id: string) { return this.filing?.signedParts(id) ?? []; }
  async confirmSecretHeld(id: string, actor: Actor): Promise<DocumentView> { this.maybeFail('confirmSecretHeld', actor, id); throw new Error('unreachable'); }
  tokenState() { return this.token; }
  resolveRecipients() { return []; }
  agencies() { return []; }
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
let register: Register;
const desk = new ScriptedDesk();
const bus = new EventBus();
/** Moves the accounts' clock forward (idle expiry, lockout) without waiting. */
let skewMs = 0;
/** The clerk's session, opened in beforeAll; every command and read of the tests carries it. */
const AUTH: Record<string, string> = {};
/** Every route a role hook guards, as the app registered them (collected by an onRoute hook). */
const roleRoutes: { method: string; url: string; role: string }[] = [];

async function call(method: 'GET' | 'POST' | 'DELETE', path: string, opts: { headers?: Record<string, string>; body?: unknown; raw?: string } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.raw !== undefined) { body = opts.raw; headers['content-type'] = 'application/json'; }
  else if (opts.body !== undefined) { body = JSON.stringify(opts.body); headers['content-type'] = 'application/json'; }
  const res = await request(base + path, { method, headers, body });
  const type = String(res.headers['content-type'] ?? '');
  const data = type.includes('json') ? await res.body.json() as any : type.includes('image') ? await res.body.arrayBuffer() : await res.body.text();
  return { status: res.statusCode, type, data };
}

const login = (name: string, pin: string) => call('POST', '/api/session', { body: { name, pin } });

/** A WebSocket to the event stream, as a program would open it (headers given, none added). */
function openWs(headers: Record<string, string> = { cookie: `sohoa_session=${AUTH.authorization!.slice('Bearer '.length)}` }) {
  return new Promise<{ ws: WebSocket; msgs: any[] }>((resolve, reject) => {
    const ws = new WebSocket(base.replace('http', 'ws') + '/api/events', { headers });
    const msgs: any[] = [];
    ws.addEventListener('message', (e) => msgs.push(JSON.parse(String(e.data))));
    ws.addEventListener('open', () => resolve({ ws, msgs }));
    ws.addEventListener('error', reject);
  });
}

/**
 * The opening handshake of the event stream over a plain TCP socket (exactly the bytes a browser
 * sends): the status of the server's answer (101 when it upgrades), and its JSON body otherwise.
 */
function handshake(headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const u = new URL(base);
  const lines = [
    'GET /api/events HTTP/1.1', `Host: ${u.host}`, 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname, () => socket.write(lines.join('\r\n') + '\r\n\r\n'));
    let text = '';
    const done = () => {
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const body = text.split('\r\n\r\n')[1];
      resolve({ status, body: status !== 101 && body ? JSON.parse(body) : null });
    };
    socket.setTimeout(10_000, () => socket.destroy(new Error('handshake timed out')));
    socket.on('data', (c) => {
      text += c.toString('utf8');
      const [head, body = ''] = text.split('\r\n\r\n');
      if (!text.includes('\r\n\r\n')) return;
      const length = Number(/content-length: (\d+)/i.exec(head!)?.[1] ?? 0);
      if (/^HTTP\/1\.1 101/.test(text) || Buffer.byteLength(body) >= length) done();
    });
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-api-'));
  desk.previewPath = join(dir, 'p1.jpg');
  await sharp({ create: { width: 40, height: 60, channels: 3, background: '#fff' } }).jpeg().toFile(desk.previewPath);
  await mkdir(join(dir, 'ui'));
  await writeFile(join(dir, 'ui', 'index.html'), '<!doctype html><title>Sohoa UI</title>');
  const sink = new Writable({ write(chunk, _enc, cb) { logText += chunk.toString(); cb(); } });
  const store = new UserStore(join(dir, 'data'));
  await store.add(CLERK, 'clerk', CLERK_PIN);
  await store.add(OTHER, 'clerk', OTHER_PIN);
  await store.add(TECH, 'technician', TECH_PIN);
  register = new Register({ dir: join(dir, 'data', 'register'), officeHours: { start: '07:30', end: '17:00', days: [1, 2, 3, 4, 5] }, bus });
  await register.start();
  const accounts = new AccountService({ store, audit: register, idleMs: 15 * 60_000, now: () => Date.now() + skewMs });
  app = createHttpServer({ desk, bus, accounts, uiDir: join(dir, 'ui'), logger: pino({ level: 'trace' }, sink) });
  app.addHook('onRoute', (r: RouteOptions) => {
    const hooks = [r.onRequest ?? []].flat() as Partial<RoleHook>[];
    const role = hooks.find((h) => h.role)?.role;
    for (const method of [r.method].flat()) if (role && method !== 'HEAD') roleRoutes.push({ method, url: r.url, role });
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  AUTH.authorization = `Bearer ${(await login(CLERK, CLERK_PIN)).data.token}`;
});

afterAll(async () => {
  await app?.close();
  await register?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('API over HTTP (HTTP layer only, scripted Desk)', () => {
  it('reports status with version and token state', async () => {
    const r = await call('GET', '/api/status');
    expect(r.status).toBe(200);
    expect(r.data.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.data.token.present).toBe(true);
  });

  it('refuses commands without a session, with a forged one or a cookie only: 401 in Vietnamese, the desk is not reached', async () => {
    const before = desk.calls.length;
    const cookie = `sohoa_session=${AUTH.authorization!.slice('Bearer '.length)}`;
    const cases: [Record<string, string>, string][] = [
      [{}, 'session.required'],
      [{ 'x-sohoa-user': encodeURIComponent(CLERK) }, 'session.required'],
      [{ authorization: 'Bearer ' + 'A'.repeat(43) }, 'session.expired'],
      [{ authorization: 'Basic bnV5ZW46MTIzNA==' }, 'session.required'],
      // The cookie serves previews and PDFs; alone it commands nothing (no other page acts through the browser).
      [{ cookie }, 'session.required'],
    ];
    for (const [headers, code] of cases) {
      for (const [method, path] of [['POST', '/api/scan'], ['POST', '/api/token/lock'], ['POST', '/api/jobs/job-1/discard']] as const) {
        const r = await call(method, path, { headers, body: path === '/api/scan' ? {} : undefined });
        expect(r.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(r.data.error.code).toBe(code);
        expect(r.data.error.message).toMatch(/đăng nhập/);
      }
    }
    expect(desk.calls.length).toBe(before);
  });

  it('takes the actor from the session, never from what the client says', async () => {
    const other = (await login(OTHER, OTHER_PIN)).data.token as string;
    const r = await call('POST', '/api/scan', {
      headers: { authorization: `Bearer ${other}`, 'x-sohoa-user': encodeURIComponent(CLERK) }, body: { source: 'adf' },
    });
    expect(r.status).toBe(200);
    expect(r.data.jobId).toBe('job-1');
    expect(desk.calls.at(-1)).toMatchObject({ method: 'startScan', actor: { name: OTHER }, arg: { source: 'adf' } });
    const mine = await call('POST', '/api/jobs/job-1/continue', { headers: { ...AUTH, 'x-sohoa-user': encodeURIComponent(OTHER) }, body: {} });
    expect(mine.status).toBe(200);
    expect(desk.calls.at(-1)).toMatchObject({ method: 'continueScan', actor: { name: CLERK } });
    expect((await call('DELETE', '/api/session', { headers: { authorization: `Bearer ${other}` } })).status).toBe(200);
  });

  it('logs in by name and PIN; wrong PINs say so in Vietnamese and lock the name after 5, unknown names alike', async () => {
    const ok = await login(CLERK, CLERK_PIN);
    expect(ok.status).toBe(200);
    expect(ok.data).toMatchObject({ name: CLERK, role: 'clerk' });
    expect(ok.data.token).toMatch(/^[\w-]{43}$/);
    expect(Date.parse(ok.data.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    const me = await call('GET', '/api/session', { headers: { authorization: `Bearer ${ok.data.token}` } });
    expect(me.data).toEqual({ name: CLERK, role: 'clerk', expiresAt: ok.data.expiresAt });

    const answers: string[][] = [];
    for (const name of [OTHER, 'Không Có Ai']) {
      const seen: string[] = [];
      for (let i = 1; i <= 6; i++) {
        const r = await login(name, '000000');
        seen.push(`${r.status} ${r.data.error.code} ${r.data.error.message}`);
      }
      answers.push(seen);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]![0]).toMatch(/^401 session\.pin-incorrect Mã PIN không đúng\. Còn 4 lần thử/);
    expect(answers[0]![4]).toMatch(/^423 session\.locked .*thử lại sau 5 phút/);
    expect(answers[0]![5]).toMatch(/^423 session\.locked .*thử lại sau 5 phút/);
    // Locked: the right PIN does not open it either, until the time is up.
    expect((await login(OTHER, OTHER_PIN)).status).toBe(423);
    skewMs += 5 * 60_000;
    expect((await login(OTHER, OTHER_PIN)).status).toBe(200);
    // The clerk's own session lives on meanwhile (commands extend it).
    skewMs -= 5 * 60_000;

    const audit = (await register.auditTrail()).filter((a) => a.actor === OTHER);
    expect(audit.filter((a) => a.action === 'login-failed').map((a) => a.detail)).toEqual([
      { reason: 'pin' }, { reason: 'pin' }, { reason: 'pin' }, { reason: 'pin' }, { reason: 'pin', locked: true },
      { reason: 'locked' }, { reason: 'locked' },
    ]);
    expect(audit.at(-1)).toMatchObject({ action: 'login', detail: { role: 'clerk' } });
  });

  it('rejects malformed logins with 400 request.invalid', async () => {
    for (const body of [{ name: CLERK }, { pin: CLERK_PIN }, { name: CLERK, pin: '12a4' },
      { name: CLERK, pin: '123' }, { name: '', pin: CLERK_PIN }]) {
      const r = await call('POST', '/api/session', { body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.data.error.code).toBe('request.invalid');
    }
    expect((await call('POST', '/api/session', { raw: '{"name": ' })).status).toBe(400);
    // What the client says of itself beyond name and PIN is refused (strict schemas): the role is the account's.
    const claims = await call('POST', '/api/session', { body: { name: CLERK, pin: CLERK_PIN, role: 'technician' } });
    expect(claims.status).toBe(400);
    expect(claims.data.error.code).toBe('request.invalid');
  });

  it('ends a session after the idle time and at logout; both are 401 afterwards and in the audit log', async () => {
    const t = (await login(CLERK, CLERK_PIN)).data.token as string;
    const auth = { authorization: `Bearer ${t}` };
    skewMs += 14 * 60_000;
    expect((await call('POST', '/api/token/lock', { headers: auth })).status).toBe(200);   // a command: idle time restarts
    skewMs += 14 * 60_000;
    expect((await call('GET', '/api/documents', { headers: auth })).status).toBe(200);     // a read: it does not
    skewMs += 60_000 + 1000;
    const expired = await call('POST', '/api/scan', { headers: auth, body: {} });
    expect(expired.status).toBe(401);
    expect(expired.data.error).toMatchObject({ code: 'session.expired' });
    expect(expired.data.error.message).toMatch(/hết hạn.*đăng nhập lại/);
    expect((await call('GET', '/api/jobs', { headers: auth })).status).toBe(401);
    skewMs -= 29 * 60_000 + 1000;

    const u = (await login(CLERK, CLERK_PIN)).data.token as string;
    const out = await call('DELETE', '/api/session', { headers: { authorization: `Bearer ${u}` } });
    expect(out.status).toBe(200);
    expect(out.data).toEqual({ ok: true });
    expect((await call('POST', '/api/scan', { headers: { authorization: `Bearer ${u}` }, body: {} })).status).toBe(401);
    expect((await call('DELETE', '/api/session', { headers: { authorization: `Bearer ${u}` } })).status).toBe(401);
    const mine = (await register.auditTrail()).filter((a) => a.actor === CLERK && ['login', 'logout'].includes(a.action));
    expect(mine.at(-1)).toMatchObject({ action: 'logout', detail: { reason: 'user' } });
  });

  it('keeps documents, jobs and previews behind a session (Bearer or cookie); status, token and names stay open', async () => {
    for (const path of ['/api/documents', '/api/documents/doc-1', '/api/documents/doc-1/pdf', '/api/jobs', '/api/jobs/job-1', '/api/jobs/job-1/pages/1.jpg', '/api/session']) {
      const r = await call('GET', path);
      expect(r.status, path).toBe(401);
      expect(r.data.error.code).toBe('session.required');
    }
    const token = AUTH.authorization!.slice('Bearer '.length);
    expect((await call('GET', '/api/jobs/job-1/pages/1.jpg', { headers: { cookie: `sohoa_session=${token}` } })).status).toBe(200);
    expect((await call('GET', '/api/jobs', { headers: { cookie: `other=1; sohoa_session=${token}` } })).status).toBe(200);
    expect((await call('GET', '/api/jobs', { headers: { cookie: 'sohoa_session=forged' } })).status).toBe(401);
    for (const path of ['/api/status', '/api/token']) expect((await call('GET', path)).status, path).toBe(200);
    const names = await call('GET', '/api/users');
    expect(names.data).toEqual([CLERK, TECH, OTHER]);
    // Without a session the token is only there / unlocked: no label, serial or PIN flags.
    expect((await call('GET', '/api/token')).data).toEqual({ present: true, loggedIn: desk.tokenState().loggedIn });
    expect((await call('GET', '/api/status')).data.token).toEqual({ present: true, loggedIn: desk.tokenState().loggedIn });
    expect((await call('GET', '/api/token', { headers: AUTH })).data).toMatchObject({ label: 'SOHOA DEV', serial: '1', pinLocked: false });
    expect(JSON.stringify(names.data)).not.toMatch(/scrypt|pinHash|role/);
  });

  it('sets an HttpOnly SameSite cookie at login and clears it at logout; answers are never cached', async () => {
    const res = await request(base + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: CLERK, pin: CLERK_PIN }) });
    const { token } = await res.body.json() as { token: string };
    expect(res.headers['set-cookie']).toBe(`sohoa_session=${token}; Path=/; HttpOnly; SameSite=Strict`);
    expect(res.headers['cache-control']).toBe('no-store');
    const out = await request(base + '/api/session', { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    await out.body.dump();
    expect(out.headers['set-cookie']).toMatch(/^sohoa_session=; Path=\/; Max-Age=0/);
  });

  it('rejects malformed requests with 400 request.invalid', async () => {
    const cases = [
      call('POST', '/api/scan', { headers: AUTH, body: { source: 'fax' } }),
      call('POST', '/api/jobs/job-1/register', { headers: AUTH, body: { ...fields, date: '29/12/2017' } }),
      call('POST', '/api/jobs/job-1/register', { headers: AUTH, body: { issuer: 'x' } }),
      call('POST', '/api/jobs/job-1/register', { headers: AUTH, body: { ...fields, urgency: 'Gấp lắm' } }),
      call('POST', '/api/jobs/job-1/register', { headers: AUTH, raw: '{"issuer": ' }),
      call('POST', '/api/token/unlock', { headers: AUTH, body: { pin: 12 } }),
      call('GET', '/api/jobs/job-1/pages/0.jpg', { headers: AUTH }),
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
    const r = await call('POST', '/api/jobs/job-1/register', { headers: AUTH, body: { ...fields, type: decomposed } });
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
      const r = await call('POST', '/api/scan', { headers: AUTH, body: {} });
      expect(r.status).toBe(status);
      expect(r.data.error.code).toBe(code);
      expect(r.data.error.message).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i);
    }
    desk.failNext = new SohoaError('register.duplicate', 'Văn bản này đã được đăng ký.');
    const dup = await call('POST', '/api/jobs/job-1/register', { headers: AUTH, body: fields });
    expect(dup.status).toBe(409);
  });

  it('routes Quét tiếp, retry and send-now to the desk with the actor; unknown ids are 404 and never reach it', async () => {
    const cont = await call('POST', '/api/jobs/job-1/continue', { headers: AUTH, body: { dpi: 300 } });
    expect(cont.status).toBe(200);
    expect(cont.data.state).toBe('scanning');
    expect(desk.calls.at(-1)).toMatchObject({ method: 'continueScan', actor: { name: 'Nguyễn Thị Lan' }, arg: { id: 'job-1', opts: { dpi: 300 } } });
    expect((await call('POST', '/api/jobs/job-1/continue', { headers: AUTH, body: { dpi: 5 } })).status).toBe(400);
    expect((await call('POST', '/api/jobs/job-1/continue', { body: {} })).status).toBe(401);

    const retry = await call('POST', '/api/documents/doc-1/retry', { headers: AUTH });
    expect(retry.status).toBe(200);
    expect(retry.data.state).toBe('signed');
    expect(desk.calls.at(-1)).toMatchObject({ method: 'retryDocument', actor: { name: 'Nguyễn Thị Lan' }, arg: 'doc-1' });
    const now = await call('POST', '/api/documents/doc-1/send-now', { headers: AUTH });
    expect(now.data.state).toBe('queued');
    expect(desk.calls.at(-1)).toMatchObject({ method: 'sendNow', arg: 'doc-1' });

    desk.failNext = new SohoaError('register.state', 'Chỉ thử lại được văn bản đang báo lỗi.', 'document doc-1 is delivered');
    const refused = await call('POST', '/api/documents/doc-1/retry', { headers: AUTH });
    expect(refused.status).toBe(409);
    expect(refused.data.error.message).toBe('Chỉ thử lại được văn bản đang báo lỗi.');

    const before = desk.calls.length;
    expect((await call('POST', '/api/jobs/nope/continue', { headers: AUTH, body: {} })).status).toBe(404);
    expect((await call('POST', '/api/documents/nope/retry', { headers: AUTH })).status).toBe(404);
    expect((await call('POST', '/api/documents/nope/send-now', { headers: AUTH })).status).toBe(404);
    expect(desk.calls.length).toBe(before);
  });

  it('answers 404 for unknown jobs, documents and API paths', async () => {
    expect((await call('GET', '/api/jobs/nope', { headers: AUTH })).status).toBe(404);
    expect((await call('POST', '/api/jobs/nope/discard', { headers: AUTH })).status).toBe(404);
    expect((await call('GET', '/api/documents/nope', { headers: AUTH })).status).toBe(404);
    expect((await call('GET', '/api/documents/nope/pdf', { headers: AUTH })).status).toBe(404);
    const r = await call('GET', '/api/nothing-here');
    expect(r.status).toBe(404);
    expect(r.data.error.code).toBe('register.not-found');
  });

  it('serves every signed part of a document split under 50 MB: pdfParts in its JSON, ?part=k for part k', async () => {
    // the files named as the filing queue names them (its constructor only stores what it is given)
    const filing = new FilingQueue({ documentsDir: join(dir, 'documents') } as unknown as ConstructorParameters<typeof FilingQueue>[0]);
    await mkdir(join(dir, 'documents'));
    const body = (k: number) => `%PDF-1.7 doc-1 part ${k}\n%%EOF\n`;
    await writeFile(filing.signedPdfPath('doc-1'), body(1));
    for (const k of [2, 3]) await writeFile(filing.signedPartPath('doc-1', k), body(k));
    desk.filing = filing;
    try {
      expect((await call('GET', '/api/documents/doc-1', { headers: AUTH })).data).toMatchObject({ docId: 'doc-1', pdfParts: 3 });
      const whole = await call('GET', '/api/documents/doc-1/pdf', { headers: AUTH });
      expect([whole.status, whole.type, whole.data]).toEqual([200, 'application/pdf', body(1)]);
      for (const k of [1, 2, 3]) {
        const part = await call('GET', `/api/documents/doc-1/pdf?part=${k}`, { headers: AUTH });
        expect([part.status, part.data]).toEqual([200, body(k)]);
      }
      const beyond = await call('GET', '/api/documents/doc-1/pdf?part=4', { headers: AUTH });
      expect([beyond.status, beyond.data.error.message]).toEqual([404, 'Văn bản này chỉ có 3 phần PDF đã ký.']);
      for (const bad of ['0', 'x', '1.5']) expect((await call('GET', `/api/documents/doc-1/pdf?part=${bad}`, { headers: AUTH })).status, bad).toBe(400);
      await rm(filing.signedPdfPath('doc-1')); // not signed yet (parts 2… are written before part 1): no part
      expect((await call('GET', '/api/documents/doc-1', { headers: AUTH })).data.pdfParts).toBe(0);
      expect((await call('GET', '/api/documents/doc-1/pdf', { headers: AUTH })).status).toBe(404);
    } finally {
      desk.filing = undefined;
    }
  });

  it('serves page previews as JPEG', async () => {
    const r = await call('GET', '/api/jobs/job-1/pages/1.jpg', { headers: AUTH });
    expect(r.status).toBe(200);
    expect(r.type).toBe('image/jpeg');
    expect(Buffer.from(r.data as ArrayBuffer).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect((await call('GET', '/api/jobs/job-1/pages/2.jpg', { headers: AUTH })).status).toBe(404);
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
    const wrong = await call('POST', '/api/token/unlock', { headers: AUTH, body: { pin: WRONG_PIN } });
    expect(wrong.status).toBe(403);
    expect(wrong.data.error.code).toBe('token.pin-incorrect');
    const tooLong = await call('POST', '/api/token/unlock', { headers: AUTH, body: { pin: GOOD_PIN.repeat(8) } });
    expect(tooLong.status).toBe(400);
    const ok = await call('POST', '/api/token/unlock', { headers: AUTH, body: { pin: GOOD_PIN } });
    expect(ok.status).toBe(200);
    expect(ok.data.loggedIn).toBe(true);
    expect(JSON.stringify(ok.data)).not.toMatch(standingAlone(GOOD_PIN));
    expect((await call('POST', '/api/token/lock', { headers: AUTH })).data.loggedIn).toBe(false);
    // The log did record these requests (so this assertion can fail), but never the PIN.
    expect(logText).toContain('/api/token/unlock');
    expect(logText).toContain('token.pin-incorrect');
    expect(logText).not.toMatch(standingAlone(GOOD_PIN));
    expect(logText).not.toMatch(standingAlone(WRONG_PIN));
    // Nor the PINs of the logins (all earlier tests), nor a session token.
    expect(logText).toContain('/api/session');
    expect(logText).not.toMatch(standingAlone(CLERK_PIN));
    expect(logText).not.toMatch(standingAlone(OTHER_PIN));
    expect(logText).not.toContain(AUTH.authorization!.slice('Bearer '.length));
  });

  it('relays EventBus events to every WebSocket client with a session; without one, only the public token state', async () => {
    const [a, b, idle] = await Promise.all([openWs(), openWs(), openWs({ origin: base })]);
    const until = async (msgs: any[], n: number) => {
      for (let i = 0; i < 200 && msgs.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    };
    await until(a.msgs, 1);
    await until(idle.msgs, 1);
    expect(a.msgs[0]).toMatchObject({ event: 'token.changed', data: { present: true, label: 'SOHOA DEV', serial: '1' } });
    expect(idle.msgs[0]).toEqual({ event: 'token.changed', data: { present: true, loggedIn: desk.tokenState().loggedIn } });
    bus.emit('scan.page', { jobId: 'job-1', page: 2, imageUrl: '/api/jobs/job-1/pages/2.jpg', blank: true });
    bus.emit('document.changed', { docId: 'doc-1', arrivalNumber: 1, state: 'registered', fields });
    bus.emit('token.changed', desk.tokenState());
    await until(a.msgs, 4);
    await until(b.msgs, 4);
    await until(idle.msgs, 2);
    for (const c of [a, b]) {
      expect(c.msgs[1]).toEqual({ event: 'scan.page', data: { jobId: 'job-1', page: 2, imageUrl: '/api/jobs/job-1/pages/2.jpg', blank: true } });
      expect(c.msgs[2]).toMatchObject({ event: 'document.changed', data: { fields: { issuer: fields.issuer } } });
      expect(c.msgs[3]).toMatchObject({ event: 'token.changed', data: { label: 'SOHOA DEV' } });
      c.ws.close();
    }
    expect(idle.msgs).toEqual([
      { event: 'token.changed', data: { present: true, loggedIn: desk.tokenState().loggedIn } },
      { event: 'token.changed', data: { present: true, loggedIn: desk.tokenState().loggedIn } },
    ]);
    expect(JSON.stringify(idle.msgs)).not.toMatch(/SOHOA DEV|pinCountLow|ỦY BAN/);
    idle.ws.close();
  });

  it('refuses the event stream to a page of another site, and to a client with neither Origin nor session', async () => {
    const cookie = `sohoa_session=${AUTH.authorization!.slice('Bearer '.length)}`;
    const host = new URL(base).host;
    // With the clerk's cookie, as a page of another site would connect: refused before any upgrade.
    for (const origin of ['http://evil.example', `http://${host}.evil.example`, 'null', `https://127.0.0.1:1`]) {
      const r = await handshake({ cookie, origin });
      expect(r.status, origin).toBe(403);
      expect(r.body.error).toMatchObject({ code: 'session.forbidden', message: expect.stringMatching(/chỉ màn hình của máy này/) });
    }
    expect((await handshake({})).status).toBe(403);                                    // no Origin, no session
    expect((await handshake({ cookie: 'sohoa_session=forged' })).status).toBe(403);    // no Origin, no live session
    expect((await handshake({ authorization: AUTH.authorization! })).status).toBe(101); // a program with a session
    expect((await handshake({ cookie, origin: base })).status).toBe(101);               // the touchscreen page
    expect((await handshake({ origin: `http://${host}` })).status).toBe(101);           // its login screen

    // A connection whose session ends (logout) falls back to the public token state.
    const t = (await login(CLERK, CLERK_PIN)).data.token as string;
    const c = await openWs({ cookie: `sohoa_session=${t}`, origin: base });
    await call('DELETE', '/api/session', { headers: { authorization: `Bearer ${t}` } });
    bus.emit('scan.page', { jobId: 'job-1', page: 3, imageUrl: '/api/jobs/job-1/pages/3.jpg', blank: false });
    bus.emit('token.changed', desk.tokenState());
    for (let i = 0; i < 200 && c.msgs.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(c.msgs.map((m) => m.event)).toEqual(['token.changed', 'token.changed']);
    expect(c.msgs[1].data).toEqual({ present: true, loggedIn: desk.tokenState().loggedIn });
    c.ws.close();
  });

  it('technician-only routes: a clerk gets 403 in Vietnamese before anything is read or changed; the technician is served', async () => {
    const tech = { authorization: `Bearer ${(await login(TECH, TECH_PIN)).data.token}` };
    const bodies: Record<string, unknown> = {
      'POST /api/accounts': { name: 'Lê Thị Hoa', role: 'clerk', pin: '246810' },
      'POST /api/accounts/:name/pin': { pin: '135790' },
    };
    const urlOf = (u: string) => u.replace(':name', encodeURIComponent('Lê Thị Hoa'));
    // Every route the app guards with a role, whatever it is: none may be forgotten here.
    expect(roleRoutes.map((r) => `${r.method} ${r.url}`).sort()).toEqual(
      ['DELETE /api/accounts/:name', 'GET /api/accounts', 'POST /api/accounts', 'POST /api/accounts/:name/pin'],
    );
    const users = () => new UserStore(join(dir, 'data')).list();
    const before = await users();
    for (const r of roleRoutes) {
      expect(r.role).toBe('technician');
      const key = `${r.method} ${r.url}`;
      // A clerk, also with a body the route would refuse: the answer is only "not for you".
      for (const body of [bodies[key], { junk: true }]) {
        const refused = await call(r.method as 'GET' | 'POST' | 'DELETE', urlOf(r.url), { headers: AUTH, body: r.method === 'GET' || r.method === 'DELETE' ? undefined : body });
        expect(refused.status, key).toBe(403);
        expect(refused.data.error).toMatchObject({ code: 'session.forbidden', message: expect.stringMatching(/^Chỉ kỹ thuật viên mới được làm việc này/) });
      }
      expect((await call(r.method as 'GET' | 'POST' | 'DELETE', urlOf(r.url))).status, key).toBe(401);
    }
    expect(await users()).toEqual(before);

    // The technician, in order: add, reset the PIN, list, remove.
    const order = ['POST /api/accounts', 'POST /api/accounts/:name/pin', 'GET /api/accounts', 'DELETE /api/accounts/:name'];
    for (const key of order) {
      const [method, url] = key.split(' ') as ['GET' | 'POST' | 'DELETE', string];
      const ok = await call(method, urlOf(url), { headers: tech, body: bodies[key] });
      expect(ok.status, `${key}: ${JSON.stringify(ok.data)}`).toBe(200);
    }
    expect((await users()).map((u) => u.name)).toEqual(before.map((u) => u.name));
    const trail = (await register.auditTrail()).filter((a) => a.actor === TECH).map((a) => a.action);
    expect(trail).toEqual(expect.arrayContaining(['account-added', 'pin-reset', 'account-removed']));
    expect(logText).not.toMatch(/246810|135790/);
  });
});
