import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UserStore } from '../../appliance/accounts/user-store.js';
import { recordOf } from '../../appliance/audit/chain.js';
import { loadChain } from '../../appliance/audit/load.js';
import { defaultsFor, type Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import type { DocumentFields } from '../../appliance/extract/fields.js';
import type { JobView } from '../../appliance/pipeline/desk.js';
import type { AuditRecord } from '../../appliance/register/audit-log.js';
import type { DevToken } from './dev-token.js';

/** The embedded defaults moved to a temp folder, every port ephemeral, signing on the given dev token. */
export async function testConfig(token: DevToken, dataDir?: string): Promise<Config> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'sohoa-app-')));
  const cfg = defaultsFor(dir);
  return {
    ...cfg,
    http: { host: '127.0.0.1', port: 0 },
    agency: { ...cfg.agency, sealPath: token.sealPath },
    central: { ...cfg.central, url: 'http://127.0.0.1:0' },
    scanner: { ...cfg.scanner, simulator: { ...cfg.scanner.simulator, port: 0 } },
    token: { ...cfg.token, module: token.module, label: token.label, env: token.env, chainPath: join(token.dir, 'chain.pem'), trustPath: join(token.dir, 'ca.pem') },
    // status reads after 01 an hour away: these tests look at arrival (01); 01 → 03/02 has its own (outbox-status.test.ts)
    outbox: { ...cfg.outbox, minDelayMs: 200, maxDelayMs: 2000, retryRefillMs: 200, statusPollMs: 3_600_000 },
    ocr: { ...cfg.ocr, workers: 1 },
  };
}

/** Polls `fn` until it returns a value (not undefined) or the time runs out. */
export async function eventually<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export type Api = (<T>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>) & {
  /** A GET of something that is not JSON (page preview, signed PDF), in the same session. */
  raw(path: string): Promise<Response>;
};

/** The PIN the test helpers give the people they create (not a real one). */
export const TEST_PIN = '480715';

/** Adds a person to `<dataDir>/users.json` as the technician's CLI does, unless already there. */
export async function ensureUser(dataDir: string, name: string, pin = TEST_PIN, role: 'clerk' | 'technician' = 'clerk'): Promise<void> {
  const store = new UserStore(dataDir);
  if (!(await store.find(name))) await store.add(name, role, pin);
}

/** Logs in over HTTP; the session token, or throws with the appliance's answer. */
export async function login(base: string, name: string, pin = TEST_PIN): Promise<string> {
  const res = await fetch(new URL('/api/session', base), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, pin }),
  });
  const body = await res.json() as { token?: string };
  if (res.status !== 200 || !body.token) throw new Error(`login of ${name}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}

/**
 * The API as the touchscreen uses it: JSON over HTTP in a logged-in session of a named clerk,
 * created in the data folder on first use. `base` and `dataDir` are read per call (restarts); a
 * session lost with a restart is opened again.
 */
export function apiAs(clerk: string, base: () => string, dataDir: () => string): Api {
  let token: string | null = null;
  const send = (method: string, path: string, body: unknown) => fetch(new URL(path, base()), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const call = async (method: string, path: string, body?: unknown) => {
    if (!token) {
      await ensureUser(dataDir(), clerk);
      token = await login(base(), clerk);
    }
    const res = await send(method, path, body);
    if (res.status !== 401) return res;
    token = await login(base(), clerk);
    return send(method, path, body);
  };
  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await call(method, path, body);
    return { status: res.status, body: (await res.json()) as T };
  };
  return Object.assign(api, { raw: (path: string) => call('GET', path) });
}

/** The eSCL simulator's control API: what a person does at the scanner (load paper, a jam, an empty tray). */
export function scannerControl(url: () => string | undefined): (path: string, body?: unknown) => Promise<void> {
  return async (path, body = {}) => {
    const res = await fetch(`${url()}/control/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`simulator ${path}: HTTP ${res.status} ${await res.text()}`);
  };
}

/**
 * The embedded defaults in `dir`, with the development token made there by the very script a
 * technician runs (provisioning/dev-token.sh); every port ephemeral. For tests of the whole product.
 */
export async function provisionedDefaults(dir: string): Promise<Config> {
  const base = defaultsFor(dir);
  await promisify(execFile)('bash', [projectPath('provisioning', 'dev-token.sh'), join(dir, 'dev-token'), base.agency.name], { timeout: 120_000, killSignal: 'SIGKILL' });
  return {
    ...base,
    http: { host: '127.0.0.1', port: 0 },
    scanner: { ...base.scanner, simulator: { ...base.scanner.simulator, port: 0 } },
    central: { ...base.central, url: 'http://127.0.0.1:0' },
    ocr: { ...base.ocr, workers: 1 },
    // status reads after 01 an hour away, as above
    outbox: { ...base.outbox, minDelayMs: 200, maxDelayMs: 2000, retryRefillMs: 200, statusPollMs: 3_600_000 },
  };
}

/** The fields a clerk confirms: what extraction proposed, without its confidence, text and flags. */
export function fieldsOf(job: JobView): DocumentFields {
  const { confidence: _c, text: _t, flagged: _f, issuerId: _i, ...fields } = job.result!;
  return fields;
}

/** Every entry of the register's audit log, over all its files (it rotates monthly), oldest first. */
export async function auditLog(dataDir: string): Promise<AuditRecord[]> {
  return (await loadChain(join(dataDir, 'register'))).entries.map((l) => recordOf(l.entry));
}

/** Starts a single scan through the API and waits until its job is ready for review (a failed scan fails the test). */
export async function scanToReview(api: Api, timeoutMs?: number): Promise<JobView> {
  const started = await api<JobView>('POST', '/api/scan', {});
  if (started.status !== 200) throw new Error(`POST /api/scan answered ${started.status}: ${JSON.stringify(started.body)}`);
  return eventually(async () => {
    const j = (await api<JobView>('GET', `/api/jobs/${started.body.jobId}`)).body;
    if (j.state === 'failed') throw new Error(`scan failed: ${JSON.stringify(j.error)}`);
    return j.state === 'review' ? j : undefined;
  }, 'the scanned job to reach review', timeoutMs);
}
