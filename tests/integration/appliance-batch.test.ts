import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import type { EventMap } from '../../appliance/events.js';
import { silentLogger } from '../../appliance/log.js';
import type { DocumentView, JobView } from '../../appliance/pipeline/desk.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { apiAs, auditLog, eventually, fieldsOf, scannerControl, testConfig } from '../helpers/appliance.js';

// "Quét cả tập" on real parts: the eSCL simulator's feeder holds three real documents in a row (a
// 3-page report with blank backs, a one-page công văn, a one-page thông báo), scanned through SANE
// airscan, read by tesseract, split, each document's fields extracted; then registered, discarded,
// merged and restarted through the HTTP API as the touchscreen does.

const CLERK = 'Lê Thị Hoa';
const PAGES = projectPath('provisioning', 'demo-pages');
const STACK = [
  ...['page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6'].map((p) => join(PAGES, 'doc-029', `${p}.png`)),
  join(PAGES, 'doc-004', 'page-1.png'),
  join(PAGES, 'doc-012', 'page-1.jpg'),
];

let dir: string;
let token: DevToken;
let config: Config;
let app: RunningAppliance;
const progress: EventMap['batch.progress'][] = [];

const api = apiAs(CLERK, () => app.url, () => config.dataDir);
const scanner = scannerControl(() => app.scannerSimulatorUrl);

const jobs = async () => (await api<JobView[]>('GET', '/api/jobs')).body;

/** The batch's document jobs, in stack order, once every one of them has its fields. */
const documentsOf = (batchId: string, count: number) => eventually(async () => {
  const all = await jobs();
  const batch = all.find((j) => j.jobId === batchId);
  if (!batch || batch.state !== 'split') return undefined;
  const docs = batch.batch!.documents.map((id) => all.find((j) => j.jobId === id));
  return docs.length === count && docs.every((d) => d && (d.state === 'review' || d.state === 'failed')) ? docs as JobView[] : undefined;
}, `batch ${batchId} to give ${count} documents to review`, 300_000);

const audit = () => auditLog(config.dataDir);

const spoolPages = (jobId: string) => readdirSync(join(config.dataDir, 'spool', jobId)).filter((f) => /^page-\d+\.\w+$/.test(f) && !f.includes('preview')).sort();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sohoa-batch-'));
  token = await provisionDevToken(join(dir, 'token'));
  config = await testConfig(token, join(dir, 'data'));
  app = await startAppliance(config, { log: silentLogger() });
  app.bus.on('batch.progress', (e) => progress.push(e));
});

afterAll(async () => {
  await app?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Quét cả tập: a stack in, a list of documents to review out', () => {
  let batchId: string;
  let docs: JobView[];

  it('scans the stack, drops the blank backs and splits it into the three documents with their fields', async () => {
    await scanner('feeder', { files: STACK });
    const started = await api<JobView>('POST', '/api/batch', {});
    expect(started.status).toBe(200);
    expect(started.body.batch).toEqual({ pagesScanned: 0, found: 0, documents: [] });
    batchId = started.body.jobId;
    docs = await documentsOf(batchId, 3);

    expect(docs.map((d) => d.pages.length)).toEqual([3, 1, 1]);
    expect(docs.map((d) => d.pages.every((p) => !p.blank))).toEqual([true, true, true]);
    expect(docs.map((d) => d.result?.numberNotation)).toEqual(['111/BC-UBND', '658/CCATVSTP', '130/TB-STP']);
    expect(docs.map((d) => d.result?.pages)).toEqual([3, 1, 1]);
    expect(docs.every((d) => d.split?.batchId === batchId && d.split.confidence > 0 && !d.split.doubtful)).toBe(true);
    // Each document owns its page files and previews.
    expect(spoolPages(docs[0]!.jobId)).toEqual(['page-1.tiff', 'page-2.tiff', 'page-3.tiff']);
    expect((await api.raw(docs[0]!.pages[2]!.imageUrl)).status).toBe(200);
    // The batch kept no page of its own.
    expect(existsSync(join(config.dataDir, 'spool', batchId))).toBe(false);

    // The screen was told as it went: pages counted one by one, documents found, fields read.
    const scanned = progress.filter((p) => p.jobId === batchId && p.state === 'scanning').map((p) => p.pagesScanned);
    expect(Math.max(...scanned)).toBe(8);
    // the last document's fields are on its view a moment before its record is saved and the batch's
    // progress is said (after the fsync): wait for the event rather than race it
    await expect.poll(() => progress.at(-1)).toMatchObject({ jobId: batchId, state: 'split', pagesScanned: 8, found: 3, extracted: 3 });
    const scans = (await audit()).filter((a) => a.action === 'scanned' && a.detail?.jobId === batchId);
    expect(scans).toMatchObject([{ actor: CLERK, detail: { pages: 8 } }]);
  }, 400_000);

  it('registers one document and discards another without touching the third one\'s pages', async () => {
    const reg = await api<DocumentView>('POST', `/api/jobs/${docs[1]!.jobId}/register`, fieldsOf(docs[1]!));
    expect(reg.status).toBe(200);
    expect(reg.body.fields.numberNotation).toBe('658/CCATVSTP');
    expect(reg.body.fields.pages).toBe(1);
    expect((await api('POST', `/api/jobs/${docs[2]!.jobId}/discard`, {})).status).toBe(200);
    expect(existsSync(join(config.dataDir, 'spool', docs[2]!.jobId))).toBe(false);
    expect(spoolPages(docs[0]!.jobId)).toHaveLength(3);
    expect((await api.raw(docs[0]!.pages[0]!.imageUrl)).status).toBe(200);
    // Merging needs an open previous document: the first one has none.
    const refused = await api<{ error: { code: string; message: string } }>('POST', `/api/jobs/${docs[0]!.jobId}/merge`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/gộp/);
  });

  it('merges a document with the previous one of its batch: its pages follow, the fields are read again', async () => {
    // A second stack of two one-page documents; the reviewer decides they are one and merges them.
    await scanner('feeder', { files: [join(PAGES, 'doc-021', 'page-1.png'), join(PAGES, 'doc-031', 'page-1.jpg')] });
    const started = await api<JobView>('POST', '/api/batch', {});
    const pair = await documentsOf(started.body.jobId, 2);
    expect(pair.map((d) => d.result?.numberNotation)).toEqual(['69/2022/QĐ-UBND', '208/GM-STP']);

    const merged = await api<JobView>('POST', `/api/jobs/${pair[1]!.jobId}/merge`, {});
    expect(merged.status).toBe(200);
    expect(merged.body.jobId).toBe(pair[0]!.jobId);
    const whole = await eventually(async () => {
      const j = (await api<JobView>('GET', `/api/jobs/${pair[0]!.jobId}`)).body;
      return j.state === 'review' ? j : undefined;
    }, 'the merged document to be read again', 120_000);
    expect(whole.pages.map((p) => p.page)).toEqual([1, 2]);
    expect(whole.result?.pages).toBe(2);
    expect(whole.result?.numberNotation).toBe('69/2022/QĐ-UBND');
    expect(spoolPages(whole.jobId)).toEqual(['page-1.tiff', 'page-2.tiff']);
    expect((await api('GET', `/api/jobs/${pair[1]!.jobId}`)).status).toBe(404);
    const batch = (await api<JobView>('GET', `/api/jobs/${started.body.jobId}`)).body;
    expect(batch.batch?.documents).toEqual([pair[0]!.jobId]);
    expect((await audit()).find((a) => a.detail?.mergedInto === pair[0]!.jobId)).toMatchObject({ actor: CLERK, detail: { jobId: pair[1]!.jobId, pages: 1 } });
  }, 400_000);

  it('after a jam keeps the documents so far, and Quét tiếp scans the rest into the same batch', async () => {
    await scanner('feeder', { files: STACK });
    await scanner('jam', { afterPages: 3 }); // the report's first sheet and page 2: the jam is mid-document
    const started = await api<JobView>('POST', '/api/batch', {});
    const first = await documentsOf(started.body.jobId, 1);
    const jammed = (await api<JobView>('GET', `/api/jobs/${started.body.jobId}`)).body;
    expect(jammed.error?.code).toBe('scanner.jammed');
    expect(first[0]!.pages).toHaveLength(2);

    const cont = await api<JobView>('POST', `/api/jobs/${started.body.jobId}/continue`, {});
    expect(cont.status).toBe(200);
    const all = await documentsOf(started.body.jobId, 3);
    // The report's third page continued the document the jam cut.
    expect(all.map((d) => d.pages.length)).toEqual([3, 1, 1]);
    expect(all[0]!.jobId).toBe(first[0]!.jobId);
    expect(all.map((d) => d.result?.numberNotation)).toEqual(['111/BC-UBND', '658/CCATVSTP', '130/TB-STP']);
  }, 400_000);

  it('keeps the documents to review across a restart', async () => {
    const before = (await jobs()).filter((j) => j.split && j.state === 'review').map((j) => [j.jobId, j.pages.length]).sort();
    await app.stop();
    app = await startAppliance(config, { log: silentLogger() });
    const after = (await jobs()).filter((j) => j.split && j.state === 'review').map((j) => [j.jobId, j.pages.length]).sort();
    expect(after).toEqual(before);
    expect(after.length).toBeGreaterThanOrEqual(4);
  }, 120_000);
});
