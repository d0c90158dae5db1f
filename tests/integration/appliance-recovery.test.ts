import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import { createCentralServer, type CentralServer } from '../../appliance/central/server.js';
import type { Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import type { DocumentView, JobView } from '../../appliance/pipeline/desk.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { apiAs, auditLog, eventually, fieldsOf, scannerControl, testConfig } from '../helpers/appliance.js';

// What a clerk with a pile of documents meets when things go wrong, on real parts: the eSCL
// simulator (jam, empty feeder) through SANE airscan, tesseract, a SoftHSM token this file owns
// (so it can be "pulled out"), a reference central receiver this file starts and reconfigures, and
// a timestamp service that does not answer. Driven through the HTTP API as the touchscreen does.

const CLERK = 'Trần Văn Bình';
const PAGES = projectPath('provisioning', 'demo-pages');
/** Small enough that any scanned document is refused with 413: a misconfigured central system. */
const TINY_LIMIT = 16 * 1024;

let dir: string;
let token: DevToken;
let config: Config;
let app: RunningAppliance;
let central: CentralServer;
let centralPort = 0;

const api = apiAs(CLERK, () => app.url, () => config.dataDir);
const scanner = scannerControl(() => app.scannerSimulatorUrl);

const jobState = (jobId: string, state: JobView['state'], pages?: number) => eventually(async () => {
  const j = (await api<JobView>('GET', `/api/jobs/${jobId}`)).body;
  return j.state === state && (pages === undefined || j.pages.length === pages) ? j : undefined;
}, `job ${jobId} to be ${state}`, 120_000);

const docWhere = (docId: string, ok: (d: DocumentView) => boolean, what: string) => eventually(async () => {
  const d = (await api<DocumentView>('GET', `/api/documents/${docId}`)).body;
  return ok(d) ? d : undefined;
}, `document ${docId}: ${what}`, 120_000);

async function scanToReview(doc: string): Promise<JobView> {
  await scanner('feeder', { dir: join(PAGES, doc) });
  const started = await api<JobView>('POST', '/api/scan', {});
  expect(started.status).toBe(200);
  return jobState(started.body.jobId, 'review');
}

const audit = () => auditLog(config.dataDir);

async function startCentral(bodyLimit?: number): Promise<void> {
  central = createCentralServer({ dataDir: join(dir, 'central'), tokens: [config.central.deviceToken], bodyLimit });
  centralPort = Number(new URL((await central.start(centralPort, '127.0.0.1')).url).port);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sohoa-recovery-'));
  token = await provisionDevToken(join(dir, 'token'));
  config = await testConfig(token, join(dir, 'data'));
  await startCentral(TINY_LIMIT);
  config = {
    ...config,
    central: { ...config.central, embedded: false, url: `http://127.0.0.1:${centralPort}` },
    // Nothing listens on port 9: the timestamp service is configured but unreachable.
    signing: { ...config.signing, tsaUrl: 'http://127.0.0.1:9/tsa' },
  };
  app = await startAppliance(config, { log: silentLogger() });
  expect(app.scannerSimulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

afterAll(async () => {
  await app?.stop();
  await central?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a paper jam and an empty feeder', () => {
  it('keeps the pages before the jam, Quét tiếp scans the rest into the same job and re-extracts over all pages', async () => {
    await scanner('feeder', { dir: join(PAGES, 'doc-029') }); // 6 pages, page 2 a blank back
    await scanner('jam', { afterPages: 2 });
    const started = await api<JobView>('POST', '/api/scan', {});
    const jammed = await jobState(started.body.jobId, 'review');
    expect(jammed.pages.map((p) => p.page)).toEqual([1, 2]);
    expect(jammed.error?.code).toBe('scanner.jammed');
    const keptBefore = jammed.pages.filter((p) => !p.blank).length;
    expect(jammed.result?.pages).toBe(keptBefore);

    // The clerk clears the jam (the jammed sheet stays in the tray) and touches Quét tiếp.
    const cont = await api<JobView>('POST', `/api/jobs/${jammed.jobId}/continue`, {});
    expect(cont.status).toBe(200);
    expect(cont.body.state).toBe('scanning');
    const whole = await jobState(jammed.jobId, 'review', 6);
    expect(whole.pages.map((p) => p.page)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(whole.error).toBeNull();
    // The fields are extracted again over every kept page, the new ones included.
    const keptAfter = whole.pages.filter((p) => !p.blank).length;
    expect(keptAfter).toBeGreaterThan(keptBefore);
    expect(whole.result?.pages).toBe(keptAfter);
    expect(whole.result!.text).toHaveLength(keptAfter);
    expect((await api.raw(whole.pages[5]!.imageUrl)).status).toBe(200);

    // Quét tiếp on an empty feeder: said plainly, nothing of the job is lost.
    await scanner('empty');
    await api('POST', `/api/jobs/${jammed.jobId}/continue`, {});
    const empty = await eventually(async () => {
      const j = (await api<JobView>('GET', `/api/jobs/${jammed.jobId}`)).body;
      return j.state === 'review' && j.error ? j : undefined;
    }, 'the empty-feeder continuation to end');
    expect(empty.error?.code).toBe('scanner.no-docs');
    expect(empty.error?.message).toMatch(/Khay nạp giấy/);
    expect(empty.pages).toHaveLength(6);
    expect(empty.result?.pages).toBe(keptAfter);

    const scans = (await audit()).filter((a) => a.action === 'scanned' && a.detail?.jobId === jammed.jobId);
    expect(scans.map((a) => [a.actor, a.detail?.pages, a.detail?.newPages, a.detail?.error ?? null, a.detail?.continued ?? false])).toEqual([
      [CLERK, 2, 2, 'scanner.jammed', false],
      [CLERK, 6, 4, null, true],
      [CLERK, 6, 0, 'scanner.no-docs', true],
    ]);

    // Who threw it away, and how much.
    expect((await api('POST', `/api/jobs/${jammed.jobId}/discard`, {})).status).toBe(200);
    const discarded = (await audit()).find((a) => a.action === 'deleted' && a.detail?.jobId === jammed.jobId);
    expect(discarded).toMatchObject({ actor: CLERK, detail: { pages: 6 } });
    expect(existsSync(join(config.dataDir, 'spool', jammed.jobId))).toBe(false);
    // A job that is gone cannot be continued.
    const gone = await api<{ error: { code: string; message: string } }>('POST', `/api/jobs/${jammed.jobId}/continue`, {});
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toMatch(/Không tìm thấy/);
  }, 300_000);
});

describe('a document the central system refused', () => {
  it('is signed B-B with the reason in the register when the timestamp service is down, then Gửi lại after the fix delivers it', async () => {
    expect((await api('POST', '/api/token/unlock', { pin: token.pin })).status).toBe(200);
    const job = await scanToReview('doc-004');
    const reg = await api<DocumentView>('POST', `/api/jobs/${job.jobId}/register`, fieldsOf(job));
    expect(reg.status).toBe(200);
    // Registering a job that is already registered is refused; so is continuing it.
    expect((await api('POST', `/api/jobs/${job.jobId}/continue`, {})).status).toBe(409);

    const refused = await docWhere(reg.body.docId, (d) => d.state === 'rejected', 'refused by the central system');
    expect(refused.message).toMatch(/Hệ thống trung tâm không nhận văn bản/);
    expect(refused.message).toMatch(/413/);
    expect(refused.retry).toBe('send');
    // Signed without a timestamp, never blocked, and the register says so.
    expect(refused.signature?.level).toBe('B-B');
    expect(refused.signature?.warnings.join(' ')).toMatch(/timestamp unavailable/);

    // Nothing is retried behind the clerk's back.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await api<DocumentView>('GET', `/api/documents/${reg.body.docId}`)).body.state).toBe('rejected');
    // Gửi lại ngay is only for a document waiting in the queue.
    expect((await api('POST', `/api/documents/${reg.body.docId}/send-now`, {})).status).toBe(409);

    // The technician fixes the central system's configuration; the clerk touches Gửi lại.
    await central.stop();
    await startCentral();
    const retried = await api<DocumentView>('POST', `/api/documents/${reg.body.docId}/retry`, {});
    expect(retried.status).toBe(200);
    expect(retried.body.state).not.toBe('rejected');
    const delivered = await docWhere(reg.body.docId, (d) => d.state === 'delivered', 'delivered');
    expect(delivered.delivery?.statusCode).toBe('01');
    expect(delivered.retry).toBeNull();
    expect(delivered.signature?.level).toBe('B-B');
    const lines = (await audit()).filter((a) => a.docId === reg.body.docId);
    expect(lines.find((a) => a.action === 'retried')).toMatchObject({ actor: CLERK, detail: { from: 'rejected', to: 'signed' } });
    expect(lines.find((a) => a.action === 'signed')?.detail).toMatchObject({ signature: { level: 'B-B' } });
    // A delivered document is not retried.
    const again = await api<{ error: { code: string } }>('POST', `/api/documents/${reg.body.docId}/retry`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('register.state');
  }, 300_000);
});

describe('the token pulled out while documents wait to be signed', () => {
  it('keeps them registered with the reason, writes no PDF and queues nothing, then delivers all in order after unlock', async () => {
    const jobs: JobView[] = [];
    for (const doc of ['doc-012', 'doc-021', 'doc-024']) jobs.push(await scanToReview(doc));
    expect((await api<{ present: boolean; loggedIn: boolean }>('GET', '/api/token')).body).toMatchObject({ present: true, loggedIn: true });

    // The token is pulled the moment signing starts: SoftHSM's token folder leaves its directory.
    const tokens = join(token.dir, 'tokens');
    const folder = readdirSync(tokens)[0]!;
    const outside = join(dir, 'pulled-token');
    let pulled = false;
    const off = app.bus.on('document.changed', (e) => {
      if (e.state === 'signing' && !pulled) {
        pulled = true;
        renameSync(join(tokens, folder), outside);
      }
    });
    const docs: DocumentView[] = [];
    try {
      for (const job of jobs) {
        const reg = await api<DocumentView>('POST', `/api/jobs/${job.jobId}/register`, fieldsOf(job));
        expect(reg.status).toBe(200);
        docs.push(reg.body);
      }
      for (const d of docs) {
        const waiting = await docWhere(d.docId, (x) => x.state === 'registered' && !!x.message, 'waiting for the token');
        expect(waiting.message).toBe('Chờ ký số: Chưa cắm khoá ký số. Hãy cắm khoá ký số của cơ quan vào máy.');
      }
    } finally {
      off();
    }
    expect(pulled).toBe(true);
    await expect.poll(async () => (await api<{ present: boolean }>('GET', '/api/token')).body.present, { timeout: 5000 }).toBe(false);

    // Nothing half-made: no PDF (nor a temp file of one) and nothing in the outbox for them.
    const ids = docs.map((d) => d.docId);
    const documentsDir = join(config.dataDir, 'documents');
    const files = existsSync(documentsDir) ? readdirSync(documentsDir) : [];
    expect(files.filter((f) => ids.some((id) => f.includes(id)))).toEqual([]);
    const outboxItems = readdirSync(join(config.dataDir, 'outbox', 'items'));
    expect(outboxItems.filter((f) => ids.some((id) => f.includes(id)))).toEqual([]);
    // The register line shows why the first one stopped.
    const first = (await api<DocumentView>('GET', `/api/documents/${ids[0]}`)).body;
    expect(first.state).toBe('registered');
    const trail = (await audit()).filter((a) => a.docId === ids[0]).map((a) => `${a.detail?.from}→${a.detail?.to}:${a.detail?.detail ?? ''}`);
    expect(trail).toContain('signing→registered:token.absent');

    // The token is put back: still locked (a person must type the PIN), so nothing moves yet.
    renameSync(outside, join(tokens, folder));
    await expect.poll(async () => (await api<{ present: boolean }>('GET', '/api/token')).body.present, { timeout: 5000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    for (const id of ids) expect((await api<DocumentView>('GET', `/api/documents/${id}`)).body.state).toBe('registered');

    expect((await api('POST', '/api/token/unlock', { pin: token.pin })).status).toBe(200);
    for (const id of ids) await docWhere(id, (d) => d.state === 'delivered', 'delivered');
    const deliveredOrder = (await audit()).filter((a) => a.action === 'delivered' && ids.includes(a.docId!)).map((a) => a.docId);
    expect(deliveredOrder).toEqual(ids);
    for (const id of ids) expect((await api<DocumentView>('GET', `/api/documents/${id}`)).body.message).toBeNull();
  }, 400_000);
});
