import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import { fold } from '../../appliance/extract/vn-text.js';
import { silentLogger } from '../../appliance/log.js';
import type { DocumentView, JobView } from '../../appliance/pipeline/desk.js';
import type { FieldBoxes } from '../../appliance/pipeline/field-boxes.js';
import type { PageEdit, PageEditsView, RegionText } from '../../appliance/pipeline/page-edits.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { apiAs, auditLog, eventually, fieldsOf, scannerControl, testConfig } from '../helpers/appliance.js';

// The review screen's page edits and region reads, on real scans (eSCL simulator → SANE →
// tesseract) through the HTTP API: turn, take out, reorder and blank-mark pages, undo, survive a
// restart, reach the signed PDF; read a region of a page by OCR; find where fields were read.

const PAGES = projectPath('provisioning', 'demo-pages');
let token: DevToken;
let config: Config;
let app: RunningAppliance;
const api = apiAs('Nguyễn Thị Lan', () => app.url, () => config.dataDir);
const scanner = scannerControl(() => app.scannerSimulatorUrl);

beforeAll(async () => {
  token = await provisionDevToken();
  config = await testConfig(token);
  app = await startAppliance(config, { log: silentLogger() });
});

afterAll(async () => {
  await app?.stop();
});

async function scanPages(files: string[]): Promise<JobView> {
  await scanner('feeder', { files });
  const started = await api<JobView>('POST', '/api/scan', {});
  expect(started.status).toBe(200);
  return eventually(async () => {
    const j = (await api<JobView>('GET', `/api/jobs/${started.body.jobId}`)).body;
    if (j.state === 'failed') throw new Error(`scan failed: ${JSON.stringify(j.error)}`);
    return j.state === 'review' ? j : undefined;
  }, 'the scan to reach review', 120_000);
}

const edits = (jobId: string) => api<PageEditsView>('GET', `/api/jobs/${jobId}/edits`);
const arrangement = (v: PageEditsView): PageEdit[] => v.pages.map(({ page, rotation, removed, blank }) => ({ page, rotation, removed, blank }));

describe('page edits on a job under review', () => {
  let job: JobView;

  it('starts as scanned; turns, reorders, takes out and blank-marks pages; each step undoable; bad input refused', async () => {
    job = await scanPages([join(PAGES, 'doc-021', 'page-1.png'), join(PAGES, 'doc-029', 'page-1.png'), join(PAGES, 'doc-024', 'page-1.png')]);
    const start = (await edits(job.jobId)).body;
    expect(arrangement(start)).toEqual([1, 2, 3].map((page) => ({ page, rotation: 0, removed: false, blank: false })));
    expect(start).toMatchObject({ kept: 3, canUndo: false });

    // page 3 first, page 1 turned a quarter, page 2 taken out
    const wanted: PageEdit[] = [
      { page: 3, rotation: 0, removed: false, blank: false },
      { page: 1, rotation: 90, removed: false, blank: false },
      { page: 2, rotation: 0, removed: true, blank: false },
    ];
    const first = await api<PageEditsView>('POST', `/api/jobs/${job.jobId}/edits`, { pages: wanted });
    expect(first.status).toBe(200);
    expect(arrangement(first.body)).toEqual(wanted);
    expect(first.body).toMatchObject({ kept: 2, canUndo: true });

    const blanked = wanted.map((p) => (p.page === 3 ? { ...p, blank: true } : p));
    expect((await api<PageEditsView>('POST', `/api/jobs/${job.jobId}/edits`, { pages: blanked })).body.kept).toBe(1);
    const undone = await api<PageEditsView>('POST', `/api/jobs/${job.jobId}/edits/undo`, {});
    expect(arrangement(undone.body)).toEqual(wanted);

    // every page exactly once, known rotations, nothing else
    for (const bad of [
      { pages: wanted.slice(0, 2) },
      { pages: wanted.map((p) => ({ ...p, rotation: 45 })) },
      { pages: wanted.map((p) => ({ ...p, extra: 1 })) },
      { pages: wanted, also: true },
      { pages: [...wanted.slice(0, 2), { ...wanted[0]!, page: 7 }] },
    ]) {
      const r = await api<{ error: { code: string; message: string } }>('POST', `/api/jobs/${job.jobId}/edits`, bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error.message).toMatch(/\p{L}/u);
    }
    expect(arrangement((await edits(job.jobId)).body)).toEqual(wanted);
    const audit = await auditLog(config.dataDir);
    expect(audit.filter((a) => a.action === 'state' && (a.detail as { jobId?: string })?.jobId === job.jobId).length).toBe(3);
  });

  it('keeps the edits and their undo over a restart', async () => {
    await app.stop();
    app = await startAppliance(config, { log: silentLogger() });
    const after = (await edits(job.jobId)).body;
    expect(after.pages.map((p) => [p.page, p.rotation, p.removed])).toEqual([[3, 0, false], [1, 90, false], [2, 0, true]]);
    expect(after.canUndo).toBe(true);
  });

  it('reads a region of a page by OCR, and finds where the fields were read', async () => {
    // back to the pages as scanned (the turn is taken back: the region is read as the screen shows it)
    const undone = await api<PageEditsView>('POST', `/api/jobs/${job.jobId}/edits/undo`, {});
    expect(arrangement(undone.body).every((p) => p.rotation === 0 && !p.removed)).toBe(true);
    expect(undone.body.canUndo).toBe(false);
    const where = (await api<FieldBoxes>('GET', `/api/jobs/${job.jobId}/fields/where`)).body;
    const nn = where.numberNotation!;
    expect(nn.page).toBe(1);
    const box = nn.boxes[0]!;
    // on the page as scanned: the number is in the upper left quarter
    expect(box.x).toBeLessThan(0.5);
    expect(box.y).toBeLessThan(0.3);
    const pad = 0.01;
    const read = await api<RegionText>('POST', `/api/jobs/${job.jobId}/pages/1/read`,
      { x: box.x - pad, y: box.y - pad, w: box.w + 2 * pad, h: box.h + 2 * pad });
    expect(read.status).toBe(200);
    expect(fold(read.body.text)).toContain(fold('69/2022/QĐ-UBND'));

    // the summary, over its lines
    const summary = where.summary!;
    const s = summary.boxes;
    const region = { x: Math.min(...s.map((b) => b.x)) - pad, y: s[0]!.y - pad, w: Math.max(...s.map((b) => b.x + b.w)) - Math.min(...s.map((b) => b.x)) + 2 * pad, h: s.at(-1)!.y + s.at(-1)!.h - s[0]!.y + 2 * pad };
    const text = (await api<RegionText>('POST', `/api/jobs/${job.jobId}/pages/1/read`, region)).body.text;
    expect(fold(text)).toContain(fold('quản lý hồ sơ, tài liệu điện tử'));

    for (const bad of [{ x: 0.1, y: 0.1, w: 0.2 }, { x: -0.1, y: 0, w: 0.2, h: 0.2 }, { x: '0.1', y: 0, w: 0.2, h: 0.2 }, { x: 0, y: 0, w: 0.2, h: 0.2, z: 1 }]) {
      expect((await api('POST', `/api/jobs/${job.jobId}/pages/1/read`, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await api('POST', `/api/jobs/${job.jobId}/pages/9/read`, { x: 0, y: 0, w: 0.5, h: 0.5 })).status).toBe(404);
  });

  it('files the kept pages in the clerk\'s order and rotation; no edit once registered', async () => {
    const wanted: PageEdit[] = [
      { page: 3, rotation: 0, removed: false, blank: false },
      { page: 1, rotation: 90, removed: false, blank: false },
      { page: 2, rotation: 0, removed: true, blank: false },
    ];
    expect((await api<PageEditsView>('POST', `/api/jobs/${job.jobId}/edits`, { pages: wanted })).body.kept).toBe(2);
    expect((await api('POST', '/api/token/unlock', { pin: token.pin })).status).toBe(200);
    const reg = await api<DocumentView>('POST', `/api/jobs/${job.jobId}/register`, { ...fieldsOf(job), pages: 2 });
    expect(reg.status).toBe(200);
    const signed = await eventually(async () => {
      const d = (await api<DocumentView>('GET', `/api/documents/${reg.body.docId}`)).body;
      if (d.state === 'failed') throw new Error(`filing failed: ${d.message}`);
      return d.signature ? d : undefined;
    }, 'the document to be signed', 120_000);
    const pdf = await PDFDocument.load(new Uint8Array(await (await api.raw(`/api/documents/${signed.docId}/pdf`)).arrayBuffer()));
    const sizes = pdf.getPages().map((p) => p.getSize());
    expect(sizes).toHaveLength(2);
    // page 3 (portrait, as scanned) first, then page 1 turned a quarter: landscape
    expect(sizes[0]!.height).toBeGreaterThan(sizes[0]!.width);
    expect(sizes[1]!.width).toBeGreaterThan(sizes[1]!.height);
    // the job may already be gone (filed and removed): any arrangement must then be refused too
    const view = (await edits(job.jobId)).body;
    const pages = view?.pages ? arrangement(view) : [{ page: 1, rotation: 0, removed: false, blank: false }];
    const late = await api<{ error: { code: string } }>('POST', `/api/jobs/${job.jobId}/edits`, { pages });
    expect([404, 409]).toContain(late.status);
  });
});
