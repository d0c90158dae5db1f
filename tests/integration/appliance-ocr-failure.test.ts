import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import type { EventMap } from '../../appliance/events.js';
import { createOcrEngine } from '../../appliance/ocr/create-engine.js';
import type { OcrEngine } from '../../appliance/ocr/ocr.js';
import type { JobView } from '../../appliance/pipeline/desk.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { apiAs, eventually, scannerControl, testConfig } from '../helpers/appliance.js';

// Issue 8: the service exited when one page's OCR failed while the scanner was still feeding later
// pages (that page's OCR promise had no handler until the scanner finished). Real parts: the eSCL
// simulator through SANE airscan feeding four pages, real tesseract, the HTTP API. The one stand-in
// is an OCR engine that fails for page 2 — once, the moment page 3 has been scanned, so the failure
// lands mid-scan — and otherwise hands over to the real engine.

const CLERK = 'Lê Thị Hoa';
const PAGES = projectPath('provisioning', 'demo-pages');
const FEED = ['doc-004/page-1.png', 'doc-021/page-1.png', 'doc-024/page-1.png', 'doc-031/page-1.jpg'].map((f) => join(PAGES, f));

let dir: string;
let token: DevToken;
let config: Config;
let app: RunningAppliance;
const real = createOcrEngine({ workers: 1 });
const logLines: Record<string, unknown>[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };

/** Fails page 2 once, when page 3 has just been scanned; every other call goes to the real engine. */
let failPage2 = true;
let page3Scanned: () => void = () => {};
const page3 = new Promise<void>((r) => { page3Scanned = r; });
const failing: OcrEngine = {
  readsPreparedGrey: real.readsPreparedGrey,
  async recognize(path, o) {
    if (failPage2 && /^page-2\./.test(basename(path))) {
      failPage2 = false;
      await page3;
      throw new Error('tesseract crashed (simulated engine failure on page 2)');
    }
    return real.recognize(path, o);
  },
  recognizeRegion: (page, region, o) => real.recognizeRegion!(page, region, o),
  close: async () => {},
};

const api = apiAs(CLERK, () => app.url, () => config.dataDir);
const scanner = scannerControl(() => app.scannerSimulatorUrl);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  dir = mkdtempSync(join(tmpdir(), 'sohoa-ocr-failure-'));
  token = await provisionDevToken(join(dir, 'token'));
  config = await testConfig(token, join(dir, 'data'));
  const log = pino({ level: 'info' }, { write: (line: string) => { logLines.push(JSON.parse(line) as Record<string, unknown>); } });
  app = await startAppliance(config, { log, ocr: failing });
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await app?.stop();
  await real.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('one page whose OCR fails while the scanner still feeds', () => {
  it('is said on the desk and in the log, later pages still arrive, the API answers, and the job is recoverable', async () => {
    const seen: string[] = [];
    let failure: EventMap['job.failed'] | null = null;
    const off = app.bus.onAny((name, payload) => {
      if (name === 'scan.page') {
        const p = payload as EventMap['scan.page'];
        seen.push(`page ${p.page}`);
        if (p.page === 3) page3Scanned();
      } else if (name === 'job.failed' && !failure) {
        failure = payload as EventMap['job.failed'];
        seen.push('ocr failed');
      } else if (name === 'scan.finished' || name === 'scan.failed') seen.push(name);
    });
    try {
      await scanner('feeder', { files: FEED });
      const started = await api<JobView>('POST', '/api/scan', {});
      expect(started.status).toBe(200);
      const jobId = started.body.jobId;

      const failed = await eventually(async () => {
        const j = (await api<JobView>('GET', `/api/jobs/${jobId}`)).body;
        return j.state === 'failed' ? j : undefined;
      }, 'the job to end failed', 180_000);

      // The failure came mid-scan and the scanner went on: page 4 arrived after it.
      expect(seen.indexOf('ocr failed')).toBeGreaterThan(seen.indexOf('page 3'));
      expect(seen.indexOf('page 4')).toBeGreaterThan(seen.indexOf('ocr failed'));
      expect(seen).toContain('scan.finished');
      // On the desk (the event the touchscreen shows, and the job's error), in Vietnamese, naming the page.
      expect(failure).toMatchObject({ jobId, error: { code: 'ocr.engine' } });
      expect(failure!.error.message).toMatch(/^Không đọc được trang 2: .* Các trang đã quét vẫn được giữ/);
      expect(failed.error).toMatchObject({ code: 'ocr.engine' });
      expect(failed.error!.message).toMatch(/trang 2/);
      // In the log, with the job and the page.
      expect(logLines.find((l) => l.msg === 'page OCR failed: the job keeps its pages')).toMatchObject({ jobId, page: 2, level: 50 });
      // Every page kept, every preview served; the service answers.
      expect(failed.pages.map((p) => p.page)).toEqual([1, 2, 3, 4]);
      for (const p of failed.pages) expect((await api.raw(p.imageUrl)).status).toBe(200);
      expect((await api('GET', '/api/status')).status).toBe(200);
      expect((await api<JobView[]>('GET', '/api/jobs')).body.map((j) => j.jobId)).toContain(jobId);

      // Recoverable: Quét tiếp (the feeder is empty) reads the kept pages again; the fields come out.
      await scanner('empty');
      expect((await api('POST', `/api/jobs/${jobId}/continue`, {})).status).toBe(200);
      const reviewed = await eventually(async () => {
        const j = (await api<JobView>('GET', `/api/jobs/${jobId}`)).body;
        return j.state === 'review' || j.state === 'failed' ? j : undefined;
      }, 'the pages to be read again', 240_000);
      expect(reviewed.state).toBe('review');
      expect(reviewed.pages).toHaveLength(4);
      expect(reviewed.result?.pages).toBe(4);
      // …or the clerk discards it.
      expect((await api('POST', `/api/jobs/${jobId}/discard`, {})).status).toBe(200);
      expect((await api('GET', `/api/jobs/${jobId}`)).status).toBe(404);
    } finally {
      off();
    }
    expect(unhandled).toEqual([]);
  }, 480_000);
});
