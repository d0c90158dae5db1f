import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountService } from '../../appliance/accounts/account-service.js';
import { UserStore } from '../../appliance/accounts/user-store.js';
import { replyWithError } from '../../appliance/api/http-errors.js';
import { sessionRoutes } from '../../appliance/api/routes-session.js';
import { sessionAuth } from '../../appliance/api/session-auth.js';
import { createCentralServer, type CentralServer } from '../../appliance/central/server.js';
import { provisionRoutes } from '../../appliance/provisioning/routes.js';
import { requireRole } from '../../appliance/api/require-role.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';

// Technician mode over HTTP: the session layer and accounts of the appliance, the provisioning
// routes behind the technician guard, and the real parts behind them (reference receiver, SoftHSM).

const TECH = 'Trần Văn Bình';
const CLERK = 'Nguyễn Thị Lan';
const PIN = '480715';
const CREDENTIAL = 'api-test-credential-5d1e';

let dir: string;
let app: FastifyInstance;
let base: string;
let central: CentralServer;
let centralUrl: string;
let token: DevToken;
let accounts: AccountService;
let configFile: string;
const bearer: Record<string, string> = {};

async function call(method: string, path: string, who?: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(new URL(path, base), {
    method,
    headers: { ...(who ? { authorization: `Bearer ${bearer[who]}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

beforeAll(async () => {
  token = await provisionDevToken();
  dir = await mkdtemp(join(tmpdir(), 'sohoa-provision-api-'));
  configFile = join(dir, 'etc', 'config.json');
  central = createCentralServer({ dataDir: join(dir, 'central'), tokens: [CREDENTIAL] });
  centralUrl = (await central.start(0)).url;
  const store = new UserStore(join(dir, 'data'));
  await store.add(TECH, 'technician', PIN);
  await store.add(CLERK, 'clerk', PIN);
  accounts = new AccountService({ store, audit: { recordAudit: async () => undefined }, idleMs: 600_000 });
  accounts.start();
  app = Fastify();
  app.setErrorHandler((err, req, reply) => replyWithError(err, req, reply));
  sessionAuth(app, accounts);
  sessionRoutes(app, accounts);
  provisionRoutes(app, { configFile, guard: requireRole('technician') });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  for (const name of [TECH, CLERK]) bearer[name] = (await call('POST', '/api/session', undefined, { name, pin: PIN })).body.token as string;
}, 60_000);

afterAll(async () => {
  await app?.close();
  accounts?.stop();
  await central?.stop();
  await rm(dir, { recursive: true, force: true });
});

const ROUTES: [string, string, unknown?][] = [
  ['GET', '/api/provision'], ['GET', '/api/provision/tokens'], ['GET', '/api/provision/scanners'],
  ['POST', '/api/provision/agency/validate', {}], ['POST', '/api/provision/agency/apply', {}], ['POST', '/api/provision/selftest', {}],
];

describe('/api/provision (technician mode)', () => {
  it('refuses a clerk (403) and anyone without a session (401) on every route', async () => {
    for (const [method, path, body] of ROUTES) {
      expect((await call(method, path, CLERK, body)).status, `${method} ${path} as clerk`).toBe(403);
      expect((await call(method, path, undefined, body)).status, `${method} ${path} without session`).toBe(401);
    }
    expect(existsSync(configFile)).toBe(false);
  });

  it('validates a step live and says what is wrong (422), writing nothing', async () => {
    const wrong = await call('POST', '/api/provision/central/validate', TECH, { url: centralUrl, deviceToken: 'wrong', toId: '000.00.00.H00', toName: 'TỈNH' });
    expect(wrong.status).toBe(422);
    expect((wrong.body.error as { message: string }).message).toMatch(/từ chối mã xác thực của máy \(HTTP 403\)/);
    const days = await call('POST', '/api/provision/hours/validate', TECH, { start: '07:30', end: '17:00', days: ['Thứ Hai', 'Thứ Tám'] });
    expect(days.status).toBe(422);
    expect((days.body.error as { message: string }).message).toMatch(/"Thứ Tám" không phải tên ngày/);
    const tok = await call('POST', '/api/provision/token/validate', TECH, { module: token.module, label: token.label, env: token.env, trustPath: join(token.dir, 'ca.pem') });
    expect(tok.status).toBe(200);
    expect((tok.body.shown as string[]).join('\n')).toMatch(/Chứng thư: .*CN=Văn phòng UBND tỉnh/);
    expect(existsSync(configFile)).toBe(false);
  });

  it('applies one step at a time: only that part of the configuration changes, the credential in its own file', async () => {
    const agency = await call('POST', '/api/provision/agency/apply', TECH, { name: 'UBND HUYỆN BẢO THẮNG', id: 'H37.02.02' });
    expect(agency.status).toBe(200);
    const c = await call('POST', '/api/provision/central/apply', TECH, { url: centralUrl, deviceToken: CREDENTIAL, toId: '000.00.00.H00', toName: 'TỈNH', tokenFile: join(dir, 'etc', 'central.secret') });
    expect(c.status).toBe(200);
    expect(c.body.written).toContain(configFile);
    const cfg = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, Record<string, unknown>>;
    expect(cfg.agency).toEqual({ name: 'UBND HUYỆN BẢO THẮNG', id: 'H37.02.02' });
    expect(cfg.central).toMatchObject({ url: centralUrl, embedded: false, deviceTokenFile: join(dir, 'etc', 'central.secret') });
    expect(readFileSync(configFile, 'utf8')).not.toContain(CREDENTIAL);
    // The device is not fully provisioned yet: the service-level check lists what is still missing.
    expect((c.body.problems as string[]).join(' ')).toMatch(/Thiếu phần "máy quét"/);
    const view = await call('GET', '/api/provision', TECH);
    expect(JSON.stringify(view.body)).not.toContain(CREDENTIAL);
    expect((view.body.modules as string[])).toContain(token.module);
  });
});
