import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import type { DocumentView, JobView } from '../../appliance/pipeline/desk.js';
import type { Notice } from '../../appliance/store/quarantine.js';
import { launchTouchscreen } from '../helpers/chromium.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { apiAs, ensureUser, eventually, fieldsOf, scanToReview, testConfig } from '../helpers/appliance.js';

// The whole appliance on real parts (eSCL simulator through SANE, tesseract, SoftHSM, the reference
// receiver), on one data folder that lives through two upgrades of its life:
//  1. written by this code, then turned back into exactly what the previous version wrote (no
//     formatVersion anywhere, counters.json a bare year map, users.json with `version: 1`), and
//     started again: everything is read, rewritten in the current format, and the desk goes on;
//  2. then a torn register entry, a garbage checkpoint, a torn scan job, a torn queue state and a
//     garbage users.json: each is set aside in <dataDir>/quarantine, GET /api/status and the
//     touchscreen show a notice for each, and the rest of the desk works, numbering included.

const CLERK = 'Phạm Thị Thu';

let dir: string;
let token: DevToken;
let config: Config;
let app: RunningAppliance | undefined;

const api = apiAs(CLERK, () => app!.url, () => config.dataDir);
const data = (...p: string[]) => join(config.dataDir, ...p);

async function start(): Promise<void> {
  app = await startAppliance(config, { log: silentLogger() });
  expect((await api('POST', '/api/token/unlock', { pin: token.pin })).status).toBe(200);
}

async function stop(): Promise<void> {
  await app?.stop();
  app = undefined;
}

async function registerDelivered(job: JobView): Promise<DocumentView> {
  const reg = await api<DocumentView>('POST', `/api/jobs/${job.jobId}/register`, fieldsOf(job));
  expect(reg.status).toBe(200);
  return eventually(async () => {
    const d = (await api<DocumentView>('GET', `/api/documents/${reg.body.docId}`)).body;
    return d.state === 'delivered' ? d : undefined;
  }, `document ${reg.body.docId} to be delivered`, 120_000);
}

/** Every state file of the data folder, relative path → parsed JSON. */
async function stateFiles(): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  const json = async (rel: string) => out.set(rel, JSON.parse(await readFile(data(rel), 'utf8')) as Record<string, unknown>);
  for (const f of (await readdir(data('jobs'))).filter((n) => n.endsWith('.json'))) await json(`jobs/${f}`);
  for (const f of (await readdir(data('register', 'documents'))).filter((n) => n.endsWith('.json'))) await json(`register/documents/${f}`);
  await json('register/counters.json');
  for (const d of await readdir(data('outbox', 'items'))) await json(`outbox/items/${d}/state.json`);
  await json('users.json');
  return out;
}

/** Rewrites every state file exactly as the version before formatVersion wrote it. */
async function writePreviousFormat(): Promise<void> {
  for (const [rel, content] of await stateFiles()) {
    const { formatVersion: _v, ...v1 } = content;
    let text: string;
    if (rel === 'register/counters.json') text = JSON.stringify(v1.lastNumber);
    else if (rel === 'users.json') text = JSON.stringify({ version: 1, users: v1.users }, null, 2) + '\n';
    else if (rel.startsWith('jobs/')) text = JSON.stringify(v1);
    else text = JSON.stringify(v1, null, 2);
    await writeFile(data(rel), text, rel === 'users.json' ? { mode: 0o600 } : {});
  }
}

const listJobs = async () => (await api<JobView[]>('GET', '/api/jobs')).body;
const listDocs = async () => (await api<DocumentView[]>('GET', '/api/documents')).body;
const truncate = async (rel: string) => writeFile(data(rel), (await readFile(data(rel), 'utf8')).slice(0, 60));

let first: DocumentView;
let waiting: JobView[];

beforeAll(async () => {
  if (!existsSync(projectPath('dist', 'ui', 'index.html'))) throw new Error('the UI is not built: run "npm run build" first');
  dir = await mkdtemp(join(tmpdir(), 'sohoa-state-app-'));
  token = await provisionDevToken(join(dir, 'token'));
  config = await testConfig(token, join(dir, 'data'));
  // The desk's day so far: one document registered and delivered, three scans waiting for review.
  await start();
  first = await registerDelivered(await scanToReview(api, 120_000));
  waiting = [await scanToReview(api, 120_000), await scanToReview(api, 120_000), await scanToReview(api, 120_000)];
  // A one-page scan is in review before its whole page is read; that read still writes the job's
  // record, and ScanJobs has no stop() to wait for it: let it land before the files are copied.
  for (const w of waiting) {
    await eventually(async () => {
      const rec = JSON.parse(await readFile(data('jobs', `${w.jobId}.json`), 'utf8')) as { pages: unknown[]; ocr: unknown[] };
      return rec.ocr.length === rec.pages.length ? true : undefined;
    }, `the whole page of ${w.jobId} to be read`, 120_000);
  }
  await stop();
}, 600_000);

afterAll(async () => {
  await stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a data folder written by the previous format', () => {
  it('is read, rewritten in the current format, and the desk goes on: numbering continues', async () => {
    await writePreviousFormat();
    const before = await stateFiles();
    expect([...before.values()].some((c) => 'formatVersion' in c)).toBe(false);
    expect(before.get('register/counters.json')).toEqual({ [String(first.arrivalDate!.slice(0, 4))]: 1 });
    expect(before.get('users.json')).toMatchObject({ version: 1 });

    await start();
    // Everything is there: the delivered document, the scans waiting with their fields.
    expect((await listDocs()).map((d) => [d.docId, d.arrivalNumber, d.state])).toEqual([[first.docId, 1, 'delivered']]);
    const jobs = await listJobs();
    for (const w of waiting) {
      const j = jobs.find((x) => x.jobId === w.jobId);
      expect(j?.state).toBe('review');
      expect(j?.result?.numberNotation).toBe(w.result?.numberNotation);
    }
    // …and every file is in the current format now, its content unchanged.
    const after = await stateFiles();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [rel, content] of after) {
      expect(content.formatVersion, rel).toBe(2);
      if (rel === 'register/counters.json') expect(content.lastNumber).toEqual(before.get(rel));
      else if (rel === 'users.json') expect(content.users).toEqual(before.get(rel)!.users);
      else expect({ ...content, formatVersion: undefined }, rel).toEqual({ ...before.get(rel), formatVersion: undefined });
    }
    expect((await api<{ notices: Notice[] }>('GET', '/api/status')).body.notices).toEqual([]);

    const second = await registerDelivered(waiting[0]!);
    expect(second.arrivalNumber).toBe(2);
    await stop();
  });
});

describe('corrupt state files', () => {
  it('are set aside with a notice each; the other documents, scans and accounts start, numbering never goes back', async () => {
    const docs = (await readdir(data('register', 'documents'))).sort();
    expect(docs).toEqual([`${first.docId}.json`, expect.stringMatching(/-000002\.json$/)]);
    const torn = waiting[1]!.jobId;
    const kept = waiting[2]!.jobId;
    await truncate(`register/documents/${docs[1]}`); // the newest number
    await writeFile(data('register', 'counters.json'), '\u0000\u0000\u0000');
    await truncate(`jobs/${torn}.json`);
    await truncate(`outbox/items/${first.docId}/state.json`);
    await writeFile(data('users.json'), '{"formatVersion":2,"users":[{"na');

    app = await startAppliance(config, { log: silentLogger() });
    // users.json was set aside: nobody can log in until the technician adds the people again.
    await expect(api('GET', '/api/jobs')).rejects.toThrow(/login of .*HTTP 401/);
    await ensureUser(config.dataDir, CLERK);
    expect((await api('POST', '/api/token/unlock', { pin: token.pin })).status).toBe(200);

    const status = (await api<{ notices: Notice[] }>('GET', '/api/status')).body;
    expect(status.notices.map((n) => n.store).sort()).toEqual(['accounts', 'jobs', 'outbox', 'register', 'register']);
    for (const n of status.notices) {
      expect(n.message).toMatch(/^Một tệp trạng thái bị hỏng \(.+\) đã được chuyển sang thư mục cách ly: quarantine\/.+; các văn bản khác vẫn hoạt động/);
      expect(existsSync(data(n.path)), n.path).toBe(true);
    }
    // Moved, with what belongs to each: the scan's pages, the queued package.
    const jobAside = status.notices.find((n) => n.store === 'jobs')!.path;
    expect(jobAside).toMatch(new RegExp(`^quarantine/jobs/${torn}\\.`));
    expect((await readdir(data(jobAside))).sort()).toEqual(expect.arrayContaining([`${torn}.json`, 'spool']));
    expect((await readdir(data(jobAside, 'spool'))).some((f) => f.startsWith('page-1'))).toBe(true);
    expect(existsSync(data('spool', torn))).toBe(false);
    const itemAside = status.notices.find((n) => n.store === 'outbox')!.path;
    expect(await readdir(data(itemAside))).toEqual(expect.arrayContaining(['head.xml', 'attachment.pdf', 'tail.xml', 'state.json', 'receipt.edxml']));

    // The rest is there: the first document, the other scan, and the desk registers it as number 3.
    expect((await listDocs()).map((d) => d.arrivalNumber)).toEqual([1]);
    expect((await listJobs()).map((j) => [j.jobId, j.state])).toEqual([[kept, 'review']]);
    const third = await registerDelivered(waiting[2]!);
    expect(third.arrivalNumber).toBe(3);

    // The touchscreen shows the notices on its first screen, before anyone logs in.
    const { browser, page } = await launchTouchscreen(dir);
    try {
      await page.goto(app!.url);
      await expect.poll(() => page.getByTestId('notice').count(), { timeout: 20_000 }).toBe(5);
      expect(await page.getByTestId('notices').textContent()).toMatch(/^5 tệp trạng thái bị hỏng đã được chuyển sang thư mục cách ly; các văn bản khác vẫn hoạt động/);
      expect(await page.getByTestId('notice').allTextContents()).toEqual(status.notices.map((n) => n.path));
      await page.screenshot({ path: join(tmpdir(), 'sohoa-state-notices.png') });
    } finally {
      await browser.close();
    }
  });
});
