// Sessions and login locks across a restart of the real appliance (a provisioned one: a
// configuration file, no demo account), and a PIN reset done by the technician's CLI — another
// process — ending the person's session in the running service.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import { auditLog, ensureUser, login, provisionedDefaults } from '../helpers/appliance.js';

const run = promisify(execFile);
const LAN = 'Nguyễn Thị Lan';
const LAN_PIN = '482913';
const NAM = 'Đỗ Văn Nam';

let dir: string;
let config: Config;
let appliance: RunningAppliance | undefined;

async function start(): Promise<void> {
  appliance = await startAppliance(config, { log: silentLogger() });
}

async function restart(): Promise<void> {
  await appliance?.stop();
  appliance = undefined;
  await start();
}

const get = (path: string, token: string) => fetch(new URL(path, appliance!.url), { headers: { authorization: `Bearer ${token}` } });
const post = (path: string, token: string, body: unknown = {}) => fetch(new URL(path, appliance!.url), {
  method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
});
const tryLogin = (name: string, pin: string) => fetch(new URL('/api/session', appliance!.url), {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, pin }),
});

beforeAll(async () => {
  if (!(await readFile(projectPath('dist', 'appliance', 'cli', 'users.js')).catch(() => null))) {
    throw new Error('the CLI is not built: run "npm run build" first (npm test does it in pretest)');
  }
  dir = await mkdtemp(join(tmpdir(), 'sohoa-sessions-'));
  config = { ...(await provisionedDefaults(dir)), configFile: join(dir, 'config.json') };
  await ensureUser(config.dataDir, LAN, LAN_PIN);
  await ensureUser(config.dataDir, NAM, '135790');
  await start();
});

afterAll(async () => {
  await appliance?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sessions across a restart of the appliance', () => {
  it('a session opened before a restart still works after it; the session file holds no token', async () => {
    const token = await login(appliance!.url, LAN, LAN_PIN);
    expect((await get('/api/session', token)).status).toBe(200);
    await restart();
    const res = await get('/api/session', token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: LAN, role: 'clerk' });
    expect((await post('/api/token/lock', token)).status).toBe(200); // a command, in her name
    const file = join(config.dataDir, 'sessions.json');
    expect(await readFile(file, 'utf8')).not.toContain(token);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await auditLog(config.dataDir)).filter((l) => l.actor === LAN).map((l) => l.action)).toEqual(['login', 'token-logout']);
  });

  it('a name locked after 5 wrong PINs is still locked after a restart', async () => {
    for (let i = 0; i < 5; i++) await tryLogin(NAM, '000000');
    await restart();
    const res = await tryLogin(NAM, '135790');
    expect(res.status).toBe(423);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/bị khoá đăng nhập, hãy thử lại sau [45] phút/);
  });

  it('"sohoa users reset-pin" in another process ends the person\'s session in the running service', async () => {
    const token = await login(appliance!.url, LAN, LAN_PIN);
    expect((await get('/api/jobs', token)).status).toBe(200);
    const { SOHOA_CONFIG: _c, ...env } = process.env;
    await run('node', [projectPath('bin', 'sohoa.js'), 'users', 'reset-pin', LAN], {
      env: { ...env, SOHOA_DATA_DIR: config.dataDir, SOHOA_USER_PIN: '246810' }, timeout: 60_000,
    });
    const res = await get('/api/jobs', token);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('session.expired');
    expect((await auditLog(config.dataDir)).filter((l) => l.actor === LAN).at(-1)).toMatchObject({ action: 'logout', detail: { reason: 'pin-reset' } });
    expect((await tryLogin(LAN, LAN_PIN)).status).toBe(401);
    expect((await tryLogin(LAN, '246810')).status).toBe(200);
  });
});
