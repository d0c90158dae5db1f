import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import type { JobRecord } from '../../appliance/pipeline/job-records.js';
import { JOB_FILE, saveJobFile } from '../../appliance/pipeline/job-files.js';
import type { DocumentView, JobView } from '../../appliance/pipeline/desk.js';
import { decodeStateFile } from '../../appliance/store/state-file.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { apiAs, auditLog, ensureUser, eventually, fieldsOf, login, scannerControl, testConfig } from '../helpers/appliance.js';

// Issue 10, on the real appliance (eSCL simulator through SANE, tesseract, SoftHSM), over HTTP as
// the touchscreen talks to it:
// - request bodies are taken as they are: no type coercion (`{"pin":123456}` is not the PIN
//   "123456"), no unknown property silently dropped — both are 400 request.invalid and reach nothing;
// - a job left with no page by a scan cut off before its first page is not reviewable after a
//   restart, and a job without a page that has content cannot be registered (no number is taken).

const CLERK = 'Lê Thị Hoa';
const PAGES = projectPath('provisioning', 'demo-pages');

let dir: string;
let token: DevToken;
let config: Config;
let app: RunningAppliance;

const api = apiAs(CLERK, () => app.url, () => config.dataDir);
const scanner = scannerControl(() => app.scannerSimulatorUrl);
type Refusal = { error: { code: string; message: string; detail?: string } };

// (a job that failed never gets there: said at once with its error, not after the whole wait)
const jobState = (jobId: string, state: JobView['state']) => eventually(async () => {
  const j = (await api<JobView>('GET', `/api/jobs/${jobId}`)).body;
  if (j.state === 'failed' && state !== 'failed') throw new Error(`job ${jobId} failed instead of becoming ${state}: ${JSON.stringify(j.error)}`);
  return j.state === state ? j : undefined;
}, `job ${jobId} to be ${state}`, 120_000);

async function scanToReview(doc: string): Promise<JobView> {
  await scanner('feeder', { dir: join(PAGES, doc) });
  const started = await api<JobView>('POST', '/api/scan', {});
  expect(started.status).toBe(200);
  return jobState(started.body.jobId, 'review');
}

function expectRefused(r: { status: number; body: unknown }, what: string): void {
  expect(r.status, what).toBe(400);
  const e = (r.body as Refusal).error;
  expect(e.code, what).toBe('request.invalid');
  expect(e.message, what).toMatch(/không hợp lệ/);
}

/** Rewrites a job record on disk as a crash would have left it (through the job store's own format). */
async function rewriteJob(jobId: string, change: (rec: JobRecord) => void): Promise<void> {
  const jobsDir = join(config.dataDir, 'jobs');
  const rec = decodeStateFile<JobRecord>(readFileSync(join(jobsDir, `${jobId}.json`), 'utf8'), JOB_FILE, jobId).value;
  change(rec);
  await saveJobFile(jobsDir, jobId, rec);
}

async function restart(): Promise<void> {
  await app.stop();
  app = await startAppliance(config, { log: silentLogger() });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-strict-'));
  token = await provisionDevToken(join(dir, 'token'));
  config = await testConfig(token, join(dir, 'data'));
  app = await startAppliance(config, { log: silentLogger() });
});

afterAll(async () => {
  await app?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('strict request bodies', () => {
  it('refuses the token PIN as a number: 400, and the token stays locked', async () => {
    expect((await api<{ loggedIn: boolean }>('GET', '/api/token')).body.loggedIn).toBe(false);
    for (const body of [{ pin: Number(token.pin) }, { pin: token.pin, remember: true }, [token.pin]]) {
      expectRefused(await api('POST', '/api/token/unlock', body), JSON.stringify(body));
    }
    expect((await api<{ loggedIn: boolean }>('GET', '/api/token')).body.loggedIn).toBe(false);
    // The right PIN as a string still unlocks it (the refusal was about the shape, not the PIN).
    expect((await api<{ loggedIn: boolean }>('POST', '/api/token/unlock', { pin: token.pin })).body.loggedIn).toBe(true);
  });

  it('refuses a scan body with an unknown property or a wrong type: 400 and no scan starts', async () => {
    await scanner('feeder', { dir: join(PAGES, 'doc-004') });
    const jobsBefore = (await api<JobView[]>('GET', '/api/jobs')).body.map((j) => j.jobId);
    for (const body of [{ dpi: '300' }, { dpi: 300.5 }, { source: 'adf', colour: 'gray' }, { mode: ['gray'] }, 'adf', 1]) {
      expectRefused(await api('POST', '/api/scan', body), JSON.stringify(body));
      expectRefused(await api('POST', '/api/batch', body), `batch ${JSON.stringify(body)}`);
    }
    // Nothing was started: no new job, and the scanner is free for the next (valid) request.
    expect((await api<JobView[]>('GET', '/api/jobs')).body.map((j) => j.jobId)).toEqual(jobsBefore);
    const audit = await auditLog(config.dataDir);
    expect(audit.filter((a) => a.action === 'scanned')).toEqual([]);
    const ok = await api<JobView>('POST', '/api/scan', { source: 'adf', dpi: 300 });
    expect(ok.status).toBe(200);
    const job = await jobState(ok.body.jobId, 'review');
    // Bodies of commands that take none: `{}` (what the screen sends) passes, anything else is refused.
    expectRefused(await api('POST', `/api/jobs/${job.jobId}/discard`, { force: true }), 'discard with a property');
    expect((await api('GET', `/api/jobs/${job.jobId}`)).status).toBe(200);
    expect((await api('POST', `/api/jobs/${job.jobId}/discard`, {})).status).toBe(200);
  });

  it('refuses a login with an unknown property (a claimed role) or a PIN given as a number', async () => {
    await ensureUser(config.dataDir, 'Phạm Văn Đức', '271828');
    const post = (body: unknown) => fetch(new URL('/api/session', app.url), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() as unknown }));
    expectRefused(await post({ name: 'Phạm Văn Đức', pin: '271828', role: 'technician' }), 'role claimed');
    expectRefused(await post({ name: 'Phạm Văn Đức', pin: 271828 }), 'PIN as a number');
    // The same person with a well-formed body logs in (as the clerk the account says).
    expect(await login(app.url, 'Phạm Văn Đức', '271828')).toMatch(/\S{20,}/);
  });
});

describe('a job with no page', () => {
  it('is not brought back by a restart when the scan was cut off before its first page, and takes no number', async () => {
    const job = await scanToReview('doc-021');
    const cutOff = job.jobId;
    // As a kill right after the scan started leaves it: the record, still scanning, no page yet; in
    // the spool only scanimage's working folder, no page and no capture page list (capture records a
    // page there before it counts, and start-up takes back any page it names).
    await app.stop();
    await rewriteJob(cutOff, (rec) => {
      rec.pages = []; rec.ocr = [];
      rec.view = { ...rec.view, state: 'scanning', pages: [], result: null };
    });
    const spool = join(config.dataDir, 'spool', cutOff);
    await rm(spool, { recursive: true, force: true });
    await mkdir(join(spool, `scan-${Date.now()}`), { recursive: true });
    app = await startAppliance(config, { log: silentLogger() });
    expect((await api('GET', `/api/jobs/${cutOff}`)).status).toBe(404);
    expect(existsSync(spool)).toBe(false);
    expect((await api<JobView[]>('GET', '/api/jobs')).body.map((j) => j.jobId)).not.toContain(cutOff);
    const reg = await api<Refusal>('POST', `/api/jobs/${cutOff}/register`, fieldsOf(job));
    expect(reg.status).toBe(404);
    expect((await api<DocumentView[]>('GET', '/api/documents')).body).toEqual([]);
  });

  it('comes back with its pages when the scan was cut off after capture recorded them but before the job did', async () => {
    const job = await scanToReview('doc-021');
    expect(job.pages.length).toBeGreaterThan(0);
    // The record still scanning with no page, while capture's page list in the spool names every page.
    await app.stop();
    await rewriteJob(job.jobId, (rec) => {
      rec.pages = []; rec.ocr = [];
      rec.view = { ...rec.view, state: 'scanning', pages: [], result: null };
    });
    app = await startAppliance(config, { log: silentLogger() });
    const back = await jobState(job.jobId, 'review');
    expect(back.pages.map((p) => p.page)).toEqual(job.pages.map((p) => p.page));
    // Reviewable as any scan: discarded here, so no number is taken before the next test.
    expect((await api('POST', `/api/jobs/${job.jobId}/discard`, {})).status).toBe(200);
    expect((await api<DocumentView[]>('GET', '/api/documents')).body).toEqual([]);
  });

  it('is removed at start-up when it was left reviewable with 0 pages (as before this fix)', async () => {
    const job = await scanToReview('doc-031');
    await app.stop();
    await rewriteJob(job.jobId, (rec) => { rec.pages = []; rec.ocr = []; rec.view = { ...rec.view, pages: [] }; });
    app = await startAppliance(config, { log: silentLogger() });
    expect((await api('GET', `/api/jobs/${job.jobId}`)).status).toBe(404);
    expect((await api('POST', `/api/jobs/${job.jobId}/register`, fieldsOf(job))).status).toBe(404);
  });

  it('cannot be registered when none of its pages has content; the number goes to the next real document', async () => {
    const job = await scanToReview('doc-004');
    await app.stop();
    await rewriteJob(job.jobId, (rec) => {
      rec.pages = rec.pages.map((p) => ({ ...p, blank: true }));
      rec.ocr = rec.ocr.map((p) => ({ ...p, blank: true }));
      rec.view = { ...rec.view, pages: rec.view.pages.map((p) => ({ ...p, blank: true })) };
    });
    await restart();
    expect((await api<JobView>('GET', `/api/jobs/${job.jobId}`)).body.state).toBe('review');
    const refused = await api<Refusal>('POST', `/api/jobs/${job.jobId}/register`, fieldsOf(job));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('register.state');
    expect(refused.body.error.message).toMatch(/^Bản quét chưa có trang nào/);
    expect((await api<DocumentView[]>('GET', '/api/documents')).body).toEqual([]);
    // The clerk discards it and scans the document again: it takes number 1 (none was consumed).
    expect((await api('POST', `/api/jobs/${job.jobId}/discard`, {})).status).toBe(200);
    const again = await scanToReview('doc-004');
    const doc = await api<DocumentView>('POST', `/api/jobs/${again.jobId}/register`, fieldsOf(again));
    expect(doc.status).toBe(200);
    expect(doc.body.arrivalNumber).toBe(1);
  });
});
