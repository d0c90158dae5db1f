import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import type { JobView } from '../../appliance/pipeline/desk.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { apiAs, eventually, scannerControl, testConfig } from '../helpers/appliance.js';
import { patchSheet } from '../helpers/patch-sheet.js';
import { DEFAULT_PROFILES } from '../../appliance/capture/profiles.js';

// Separator sheets and "Tài liệu tiếp theo" on real parts: the eSCL simulator feeds real pages
// with Sohoa's printed QR sheet (sohoa separator-sheet → pdftoppm, as a scan sees it) and
// generated vendor patch sheets (T at 200 dpi with dust, 2 at 300 dpi) between them, through SANE
// airscan, zbarimg and tesseract. Pages the header splitter alone would join (continuation pages
// with no header) are split where the sheets are, and no sheet is in any document.

const exec = promisify(execFile);
const CLERK = 'Lê Thị Hoa';
const PAGES = projectPath('provisioning', 'demo-pages');
const page = (doc: string, p: string) => join(PAGES, doc, p);
const KEEP_BLANK = 'Hàng loạt giữ trang trắng';

let dir: string;
let token: DevToken;
let config: Config;
let app: RunningAppliance;
const api = apiAs(CLERK, () => app.url, () => config.dataDir);
const scanner = scannerControl(() => app.scannerSimulatorUrl);
const jobs = async () => (await api<JobView[]>('GET', '/api/jobs')).body;

const documentsOf = (batchId: string) => eventually(async () => {
  const all = await jobs();
  const batch = all.find((j) => j.jobId === batchId);
  if (!batch || batch.state !== 'split') return undefined;
  const docs = batch.batch!.documents.map((id) => all.find((j) => j.jobId === id));
  return docs.every((d) => d && (d.state === 'review' || d.state === 'failed')) ? { batch, docs: docs as JobView[] } : undefined;
}, `batch ${batchId} to be split and read`, 400_000);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sohoa-separators-'));
  token = await provisionDevToken(join(dir, 'token'));
  const base = await testConfig(token, join(dir, 'data'));
  // the default profiles and a batch one that keeps blank pages in their documents
  const profiles = join(dir, 'profiles.json');
  writeFileSync(profiles, JSON.stringify([...DEFAULT_PROFILES, { name: KEEP_BLANK, source: 'adf', duplex: false, dpi: 200, mode: 'gray', blankPages: 'keep', separator: 'qr', batch: true }]));
  // a feeder slow enough (4 s a sheet) for a touch to land while the stack is still scanning
  config = { ...base, capture: { ...base.capture, profilesPath: profiles }, scanner: { ...base.scanner, simulator: { ...base.scanner.simulator, pagesPerMinute: 15 } } };
  const pdf = join(dir, 'sheet.pdf');
  await exec(process.execPath, [projectPath('bin', 'sohoa.js'), 'separator-sheet', '--out', pdf], { timeout: 60_000 });
  await exec('pdftoppm', ['-r', '200', '-gray', '-png', '-singlefile', pdf, join(dir, 'qr-sheet')], { timeout: 60_000 });
  writeFileSync(join(dir, 'patch-t.jpg'), await patchSheet({ code: 'T', dpi: 200, skewDeg: 1.2, noise: true }));
  writeFileSync(join(dir, 'patch-2.jpg'), await patchSheet({ code: '2', dpi: 300, skewDeg: -0.7, noise: true }));
  app = await startAppliance(config, { log: silentLogger() });
}, 180_000);

afterAll(async () => {
  await app?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('separator sheets in a stack', () => {
  it('starts a document after each QR, patch T and patch 2 sheet, and keeps the sheets out of every document', async () => {
    await scanner('feeder', {
      files: [
        page('doc-004', 'page-1.png'), join(dir, 'qr-sheet.png'),
        page('doc-029', 'page-3.png'), join(dir, 'patch-t.jpg'),
        page('doc-029', 'page-5.png'), join(dir, 'patch-2.jpg'),
        page('doc-012', 'page-1.jpg'),
      ],
    });
    const started = await api<JobView>('POST', '/api/batch', {});
    expect(started.status).toBe(200);
    const { batch, docs } = await documentsOf(started.body.jobId);
    expect(batch.batch!.pagesScanned).toBe(7);
    // four documents of one page each: the three sheets are in none of them
    expect(docs.map((d) => d.pages.length)).toEqual([1, 1, 1, 1]);
    expect(docs[0]!.result?.numberNotation).toBe('658/CCATVSTP');
    expect(docs[3]!.result?.numberNotation).toBe('130/TB-STP');
    // a boundary the clerk made with a sheet is sure: nothing to check there
    expect(docs.slice(1).map((d) => d.split?.doubtful)).toEqual([false, false, false]);
  }, 500_000);

  it('"Tài liệu tiếp theo" ends the document at the page scanned last', async () => {
    // three pages the header splitter makes one report of (tests/integration/appliance-batch.test.ts)
    await scanner('feeder', { files: ['page-1', 'page-3', 'page-5'].map((p) => page('doc-029', `${p}.png`)) });
    const started = await api<JobView>('POST', '/api/batch', {});
    const batchId = started.body.jobId;
    const first = await eventually(async () => {
      const b = (await jobs()).find((j) => j.jobId === batchId);
      return b && b.state === 'scanning' && b.batch!.pagesScanned >= 1 && b.batch!.pagesScanned < 3 ? b : undefined;
    }, 'the first page of the stack', 60_000);
    expect(first.batch!.pagesScanned).toBeGreaterThan(0);
    const touched = await api<JobView>('POST', `/api/jobs/${batchId}/next-document`, {});
    expect(touched.status).toBe(200);
    const k = touched.body.batch!.pagesScanned;
    const { docs } = await documentsOf(batchId);
    expect(docs.map((d) => d.pages.length)).toEqual([k, 3 - k]);
    expect(docs[0]!.result?.numberNotation).toBe('111/BC-UBND');

    // once the stack is scanned there is nothing to end: refused, in the clerk's words
    const late = await api<{ error: { message: string } }>('POST', `/api/jobs/${batchId}/next-document`, {});
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/Tài liệu tiếp theo/);
  }, 500_000);

  it("a profile that keeps blank pages keeps the stack's blank backs in their document", async () => {
    // doc-029: a six-page report whose pages 2, 4 and 6 are blank backs (dropped by the default batch profile)
    await scanner('feeder', { files: ['page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6'].map((p) => page('doc-029', `${p}.png`)) });
    const started = await api<JobView>('POST', '/api/batch', { profile: KEEP_BLANK });
    expect(started.status).toBe(200);
    const { docs } = await documentsOf(started.body.jobId);
    expect(docs.map((d) => d.pages.length)).toEqual([6]);
    expect(docs[0]!.pages.map((p) => p.blank)).toEqual([false, false, false, false, false, false]);
    expect(docs[0]!.result?.numberNotation).toBe('111/BC-UBND');
  }, 500_000);
});
