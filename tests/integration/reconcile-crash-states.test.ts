import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import type { DocumentView, JobView } from '../../appliance/pipeline/desk.js';
import { registerStateFor } from '../../appliance/reconcile/register-outbox.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { apiAs, eventually, fieldsOf, scanToReview, testConfig } from '../helpers/appliance.js';

// Issue 10, "State and durability": the appliance is stopped, its stores on disk are left exactly
// as a process killed in each crash window would have left them (the files below are the real
// ones the first run wrote, changed as the crash would have), and started again. After start-up
// every document is in one state that the register and the outbox agree on, nothing is stranded,
// no file is left that no state owns, and a secret document's page bytes are nowhere in the data
// folder. Real parts throughout: eSCL simulator through SANE, tesseract, SoftHSM, the reference
// receiver, the stores on disk.

const CLERK = 'Phạm Thu Hà';
const DEMO_PAGE = projectPath('provisioning', 'demo-pages', 'doc-004', 'page-1.png');

let dir: string;
let token: DevToken;
let config: Config;
let app: RunningAppliance | undefined;
const logLines: Record<string, unknown>[] = [];
const log = pino({ level: 'info' }, { write: (line: string) => { logLines.push(JSON.parse(line) as Record<string, unknown>); } });

const api = apiAs(CLERK, () => app!.url, () => config.dataDir);
const data = (...p: string[]) => join(config.dataDir, ...p);

const getDoc = async (docId: string) => (await api<DocumentView>('GET', `/api/documents/${docId}`)).body;
const docIs = (docId: string, ...states: DocumentView['state'][]) => eventually(async () => {
  const d = await getDoc(docId);
  return states.includes(d.state) ? d : undefined;
}, `document ${docId} to be ${states.join('|')}`, 180_000);

async function register(secret = false): Promise<{ job: JobView; doc: DocumentView }> {
  const job = await scanToReview(api, 180_000);
  const fields = { ...fieldsOf(job), ...(secret ? { confidentiality: 'Mật' as const } : {}) };
  const res = await api<DocumentView>('POST', `/api/jobs/${job.jobId}/register`, fields);
  expect(res.status).toBe(200);
  return { job, doc: res.body };
}

/** Rewrites a state file as a crashed process would have left it (same format, changed content). */
async function edit(path: string, change: (v: Record<string, any>) => void): Promise<void> {
  const v = JSON.parse(await readFile(path, 'utf8')) as Record<string, any>;
  change(v);
  await writeFile(path, JSON.stringify(v, null, 2));
}
const entryPath = (docId: string) => data('register', 'documents', `${docId}.json`);
const jobPath = (jobId: string) => data('jobs', `${jobId}.json`);

/** Every file under `root` (relative path → SHA-256). */
async function hashes(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.set(p.slice(root.length + 1), createHash('sha256').update(await readFile(p)).digest('hex'));
    }
  };
  await walk(root);
  return out;
}

const ls = async (...p: string[]) => (await readdir(data(...p)).catch(() => [] as string[])).sort();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-reconcile-'));
  token = await provisionDevToken(join(dir, 'token'));
  config = await testConfig(token, join(dir, 'data'));
  app = await startAppliance(config, { log });
}, 180_000);

afterAll(async () => {
  await app?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('start-up after a crash in each window', () => {
  it('leaves every document in one state the stores agree on, nothing stranded, nothing unowned, no byte of a secret scan', async () => {
    // ── First run: what the crashed process had done ────────────────────────────────────────────
    expect((await api('POST', '/api/token/unlock', { pin: token.pin })).status).toBe(200);
    const a = await register(); // crash after the outbox recorded 01, before the register did, and before its scan was deleted
    const b = await register(); // crash between queuing and recording 'queued' (then delivered while down… on the next start)
    const c = await register(); // its outbox item becomes unreadable
    for (const x of [a, b, c]) await docIs(x.doc.docId, 'delivered');

    expect((await api('POST', '/api/token/lock', {})).status).toBe(200);
    const d = await register(); // crash between the register's write and the job's attach
    const e = await register(); // crash while signing
    const s1 = await register(true); // secret: crash after 'discarded', before its pages went
    const s2 = await register(true); // secret: crash while its job was being deleted (record gone, pages not)
    for (const x of [d, e]) expect((await getDoc(x.doc.docId)).state).toBe('registered');
    for (const x of [s1, s2]) expect(x.doc.state).toBe('held-secret');
    // the register entry names its job, in the same file as its number
    expect(JSON.parse(await readFile(entryPath(d.doc.docId), 'utf8')).jobId).toBe(d.job.jobId);
    const secretBytes = new Set([...(await hashes(data('spool', s1.job.jobId))).values(), ...(await hashes(data('spool', s2.job.jobId))).values()]);
    expect(secretBytes.size).toBeGreaterThan(1);
    await app!.stop();
    app = undefined;

    // ── The files as each crash left them ──────────────────────────────────────────────────────
    const back = (state: string) => (v: Record<string, any>) => {
      const at = (v.history as { state: string }[]).findIndex((h) => h.state === state);
      v.history = (v.history as unknown[]).slice(0, at + 1);
      v.state = state;
    };
    await edit(entryPath(a.doc.docId), back('queued'));
    // …and its job, with its page image, still in the spool (the outbox says delivered)
    const leftover = '20261205-000000-a0a0a0';
    await mkdir(data('spool', leftover), { recursive: true });
    await copyFile(DEMO_PAGE, data('spool', leftover, 'page-1.png'));
    await writeFile(jobPath(leftover), JSON.stringify({
      formatVersion: JSON.parse(await readFile(jobPath(d.job.jobId), 'utf8')).formatVersion,
      view: { ...d.job, jobId: leftover, state: 'registered', docId: a.doc.docId }, pages: [{ index: 1, path: data('spool', leftover, 'page-1.png'), blank: false }], ocr: [],
    }));
    await edit(entryPath(b.doc.docId), back('signed'));
    await edit(entryPath(c.doc.docId), back('queued'));
    await writeFile(data('outbox', 'items', c.doc.docId, 'state.json'), '{"formatVersion":1,"docId":"'); // torn
    await edit(jobPath(d.job.jobId), (v) => { v.view.state = 'review'; v.view.docId = null; });
    await edit(entryPath(e.doc.docId), (v) => {
      v.state = 'signing';
      v.history.push({ state: 'signing', at: v.history[0].at, actor: 'hệ thống', detail: null });
    });
    await edit(entryPath(s1.doc.docId), (v) => {
      v.state = 'discarded';
      v.history.push({ state: 'discarded', at: v.history[0].at, actor: CLERK, detail: null });
    });
    await edit(entryPath(s2.doc.docId), (v) => {
      v.state = 'discarded';
      v.history.push({ state: 'discarded', at: v.history[0].at, actor: CLERK, detail: null });
    });
    await rm(jobPath(s2.job.jobId));
    // files no state owns: a job's pages and OCR folder without its record, half-written files, a stray PDF
    await mkdir(data('spool', '20261205-000001-b1b1b1'), { recursive: true });
    await copyFile(DEMO_PAGE, data('spool', '20261205-000001-b1b1b1', 'page-1.png'));
    await mkdir(data('jobs', '20261205-000001-b1b1b1'), { recursive: true });
    await writeFile(data('jobs', '20261205-000001-b1b1b1', 'page-1.upright.png'), 'x');
    await writeFile(data('jobs', `${d.job.jobId}.json.tmp-4242-0123456789ab`), '{"half');
    await writeFile(data('register', 'documents', `${d.doc.docId}.json.tmp-4242-0123456789ab`), '{"half');
    await writeFile(data('documents', `${a.doc.docId}.pdf.tmp-4242-0123456789ab`), '%PDF-1.7 half');
    await writeFile(data('documents', '2099-999999.pdf'), '%PDF-1.7 of no document');
    await mkdir(data('spool', d.job.jobId, 'scan-1733360000000'), { recursive: true });
    await copyFile(DEMO_PAGE, data('spool', d.job.jobId, 'scan-1733360000000', 'out1.png'));

    // ── Start again ────────────────────────────────────────────────────────────────────────────
    logLines.length = 0;
    app = await startAppliance(config, { log });
    const repairs = logLines.filter((l) => l.msg === 'start-up reconciliation');
    const rules = (rule: string) => repairs.filter((l) => l.rule === rule);

    // A: the outbox's 01 carried into the register, its leftover scan deleted
    expect((await getDoc(a.doc.docId)).state).toBe('delivered');
    expect(rules('carry-outbox-state').map((l) => [l.docId, l.action])).toEqual(expect.arrayContaining([
      [a.doc.docId, 'queued→delivered'], [b.doc.docId, 'signed→queued→delivered'],
    ]));
    expect(existsSync(jobPath(leftover)) || existsSync(data('spool', leftover))).toBe(false);
    expect(rules('job-of-finished-document').map((l) => l.jobId).sort()).toEqual([leftover, s1.job.jobId].sort());
    // B: followed the outbox along allowed moves, never signed or queued a second time
    const bDoc = await getDoc(b.doc.docId);
    expect(bDoc.state).toBe('delivered');
    // C: its queue file was unreadable (set aside): failed, with "Gửi lại" from the signed PDF
    const cDoc = await getDoc(c.doc.docId);
    expect(cDoc.state).toBe('failed');
    expect(cDoc.retry).toBe('send');
    expect(cDoc.message).toMatch(/hàng đợi gửi.*Gửi lại/);
    expect((await ls('quarantine', 'outbox')).some((n) => n.startsWith(encodeURIComponent(c.doc.docId)))).toBe(true);
    // D: its job is attached again: not reviewable, cannot take a second number
    expect((await api<JobView>('GET', `/api/jobs/${d.job.jobId}`)).body).toMatchObject({ state: 'registered', docId: d.doc.docId });
    expect((await api('POST', `/api/jobs/${d.job.jobId}/register`, fieldsOf(d.job))).status).toBe(409);
    expect(rules('link-job').map((l) => [l.docId, l.jobId, l.action])).toEqual([[d.doc.docId, d.job.jobId, 'attached']]);
    // E: never left 'signing'
    expect((await getDoc(e.doc.docId)).state).toBe('registered');
    expect(rules('signing-interrupted').map((l) => l.docId)).toEqual([e.doc.docId]);
    // secret ones: discarded, their jobs gone, and not one byte of their pages anywhere in the data folder
    for (const s of [s1, s2]) {
      expect((await getDoc(s.doc.docId)).state).toBe('discarded');
      expect((await api('GET', `/api/jobs/${s.job.jobId}`)).status).toBe(404);
    }
    // The filing queue takes D and E up again in the background and stops for the locked token: D
    // tried and back to 'registered', then E told why it waits (its message, cleared by the
    // reconciliation, is the queue's last write). Its register writes go through temporary files,
    // so the data folder is walked once they are done.
    await eventually(async () => ((await getDoc(e.doc.docId)).message?.startsWith('Chờ ký số') ? true : undefined), 'the filing queue to wait for the token', 60_000);
    const everything = await hashes(config.dataDir);
    expect([...everything.entries()].filter(([, h]) => secretBytes.has(h))).toEqual([]);
    expect([...everything.keys()].filter((p) => p.includes(s1.job.jobId) || p.includes(s2.job.jobId))).toEqual([]);
    // unowned files: removed (pages, OCR folder, half-written files) or set aside (a PDF of no document)
    expect(await ls('spool')).toEqual([d.job.jobId, e.job.jobId].sort());
    expect(await ls('spool', d.job.jobId)).not.toContain('scan-1733360000000');
    const jobsLeft = await ls('jobs');
    expect(jobsLeft.filter((n) => n.endsWith('.json'))).toEqual([d.job.jobId, e.job.jobId].sort().map((id) => `${id}.json`));
    expect(jobsLeft.filter((n) => !n.endsWith('.json') && ![d.job.jobId, e.job.jobId].includes(n))).toEqual([]);
    expect([...everything.keys()].filter((p) => /\.tmp-\d+-/.test(p))).toEqual([]);
    expect(await ls('documents')).not.toContain('2099-999999.pdf');
    expect((await ls('quarantine', 'register')).some((n) => n.startsWith('2099-999999.pdf.'))).toBe(true);
    expect(rules('orphan-spool').map((l) => l.jobId).sort()).toEqual(['20261205-000001-b1b1b1', s2.job.jobId].sort());
    expect(rules('orphan-ocr-folder').map((l) => l.jobId)).toEqual(expect.arrayContaining(['20261205-000001-b1b1b1']));
    expect(logLines.find((l) => l.msg === 'start-up reconciliation done')).toMatchObject({ errors: 0 });

    // ── Then the desk goes on: D and E are signed and delivered once the token is unlocked ─────
    expect((await api('POST', '/api/token/unlock', { pin: token.pin })).status).toBe(200);
    for (const x of [d, e]) await docIs(x.doc.docId, 'delivered');
    // Every document in one state, the register and the outbox agreeing; no scan left behind.
    const docs = (await api<DocumentView[]>('GET', '/api/documents')).body;
    for (const doc of docs) {
      const outboxState = JSON.parse(await readFile(data('outbox', 'items', encodeURIComponent(doc.docId), 'state.json'), 'utf8').catch(() => '{}')).state as string | undefined;
      if (doc.docId === c.doc.docId || doc.state === 'discarded') expect(outboxState).toBeUndefined();
      else expect([doc.docId, registerStateFor(outboxState ?? '')]).toEqual([doc.docId, doc.state]);
    }
    // one number per scan, none skipped
    const numbers = docs.map((x) => x.arrivalNumber).filter((n): n is number => n !== null).sort((x, y) => x - y);
    expect(numbers).toEqual([1, 2, 3, 4, 5]);
    await eventually(async () => ((await ls('spool')).length === 0 ? true : undefined), 'the spool to be empty', 30_000);
    expect((await api<JobView[]>('GET', '/api/jobs')).body).toEqual([]);
    expect(await ls('documents')).toEqual(docs.filter((x) => x.state === 'delivered' || x.docId === c.doc.docId).map((x) => `${x.docId}.pdf`).sort());
    expect((await stat(data('documents'))).isDirectory()).toBe(true);
  }, 900_000);
});
