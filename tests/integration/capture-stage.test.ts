import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readdir, readFile, access } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { CaptureStage, type CapturedPage } from '../../appliance/capture/capture.js';
import { judgeBlank } from '../../appliance/pages/clean-page.js';
import { EventBus, type EventMap, type EventName } from '../../appliance/events.js';
import { SaneScanner } from '../../drivers/scanner/sane-scanner.js';
import { airscanDeviceName, writeSaneConfig } from '../../drivers/scanner/sane-config.js';
import { EsclSimulator } from '../../drivers/scanner/escl-simulator/simulator.js';
import { DEV_CORPUS, projectPath } from '../../appliance/config/paths.js';

const demo = projectPath('provisioning', 'demo-pages');
const fixtures = projectPath('tests', 'fixtures', 'scanner', 'blank-back');
const report = [1, 3, 5].map((n) => join(demo, 'doc-029', `page-${n}.png`));

describe('blank-page detection (appliance/pages, as capture uses it)', () => {
  it.each([
    ['doc-019/page-2.jpg', true],
    ['doc-036/page-2.png', true],
    ['doc-019/page-1.jpg', false],
    ['doc-036/page-3.png', false],
  ])('fixture %s blank=%s', async (file, blank) => {
    expect((await judgeBlank(join(fixtures, file), 300)).blank).toBe(blank);
  });

  it('low-contrast and sparse printed demo pages are never blank', async () => {
    for (const doc of readdirSync(demo).filter((d) => d.startsWith('doc-'))) {
      const truth = JSON.parse(readFileSync(join(demo, doc, 'truth.json'), 'utf8')) as { files: string[]; variant: { dpi: number; blankPages: number[] } };
      for (const [i, f] of truth.files.entries()) {
        const { blank } = await judgeBlank(join(demo, doc, f), truth.variant.dpi);
        expect({ doc, f, blank }).toEqual({ doc, f, blank: truth.variant.blankPages.includes(i + 1) });
      }
    }
  });

  const corpus = DEV_CORPUS;
  it.runIf(existsSync(corpus))('every page of the dev corpus is judged as its truth says', async () => {
    const wrong: string[] = [];
    for (const doc of readdirSync(corpus).sort()) {
      const truth = JSON.parse(readFileSync(join(corpus, doc, 'truth.json'), 'utf8')) as { files: string[]; variant: { dpi: number; blankPages: number[] } };
      for (const [i, f] of truth.files.entries()) {
        const { blank } = await judgeBlank(join(corpus, doc, f), truth.variant.dpi);
        if (blank !== truth.variant.blankPages.includes(i + 1)) wrong.push(`${doc}/${f}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('capture stage (airscan + eSCL simulator)', () => {
  let dir: string;
  let sim: EsclSimulator;
  let bus: EventBus;
  let stage: CaptureStage;
  let events: Array<[EventName, unknown]>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sohoa-capture-'));
    sim = new EsclSimulator({ port: 0 });
    const { url } = await sim.start();
    await writeSaneConfig(join(dir, 'sane'), { esclUrl: url });
    bus = new EventBus();
    events = [];
    bus.onAny((name, payload) => events.push([name, payload]));
    const scanner = new SaneScanner({ device: airscanDeviceName(), saneConfigDir: join(dir, 'sane') });
    stage = new CaptureStage({ scanner, bus, dataDir: join(dir, 'data') });
  });
  afterAll(async () => {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const ofJob = <K extends EventName>(jobId: string, name: K) =>
    events.filter(([n, p]) => n === name && (p as { jobId: string }).jobId === jobId).map(([, p]) => p as EventMap[K]);

  it('duplex sheets: every side spooled with a preview, blank backs flagged, events and callbacks per page', async () => {
    await sim.loadFeeder(join(demo, 'doc-029'));
    const timeline: string[] = [];
    const off = bus.on('scan.page', (p) => timeline.push(`event ${p.page}`));
    const handed: CapturedPage[] = [];
    const result = await stage.capture({
      source: 'adf-duplex', mode: 'gray', dpi: 150,
      onPage: (p) => { timeline.push(`onPage ${p.index}`); handed.push(p); },
    });
    off();
    expect(result.error).toBeNull();
    expect(result.pages.map((p) => p.blank)).toEqual([false, true, false, true, false, true]);
    expect(handed.map((p) => p.index)).toEqual([1, 2, 3, 4, 5, 6]);
    // Page 1 is handed on before page 2 is announced: OCR can start while scanning goes on.
    expect(timeline.indexOf('onPage 1')).toBeLessThan(timeline.indexOf('event 2'));

    const pageEvents = ofJob(result.jobId, 'scan.page');
    expect(pageEvents.map((e) => [e.page, e.blank, e.imageUrl])).toEqual(
      result.pages.map((p) => [p.index, p.blank, `/api/jobs/${result.jobId}/pages/${p.index}.jpg`]),
    );
    expect(ofJob(result.jobId, 'scan.started')).toHaveLength(1);
    expect(ofJob(result.jobId, 'scan.finished')).toEqual([{ jobId: result.jobId, pages: 6 }]);

    const files = await readdir(result.dir);
    expect(files.filter((f) => f.endsWith('.tiff'))).toHaveLength(6);
    expect(files.some((f) => f.startsWith('scan-'))).toBe(false);
    const preview = await sharp(stage.previewPath(result.jobId, 1)).metadata();
    expect(preview.format).toBe('jpeg');
    expect(preview.height).toBe(900);
    expect(await stage.pages(result.jobId)).toEqual(result.pages);
  });

  it('a jam keeps the pages already scanned; scanning the job again appends the rest', async () => {
    await sim.loadFeeder(report);
    sim.jamAfter(1);
    const first = await stage.capture({ source: 'adf', mode: 'gray', dpi: 150 });
    expect(first.error?.code).toBe('scanner.jammed');
    expect(first.error?.message).toMatch(/kẹt/);
    expect(first.pages.map((p) => p.index)).toEqual([1]);
    await access(first.pages[0]!.path);
    expect(ofJob(first.jobId, 'scan.failed')).toEqual([{ jobId: first.jobId, error: first.error, pagesKept: 1 }]);

    const rest = await stage.capture({ jobId: first.jobId, source: 'adf', mode: 'gray', dpi: 150 });
    expect(rest.error).toBeNull();
    expect(rest.pages.map((p) => p.index)).toEqual([1, 2, 3]);
    expect(rest.pages.every((p) => !p.blank)).toBe(true);
    expect(ofJob(first.jobId, 'scan.finished')).toEqual([{ jobId: first.jobId, pages: 3 }]);
    const manifest = JSON.parse(await readFile(join(rest.dir, 'capture.json'), 'utf8')) as CapturedPage[];
    expect(manifest).toHaveLength(3);
  });

  it('an empty feeder reports scanner.no-docs and keeps nothing', async () => {
    sim.emptyFeeder();
    const result = await stage.capture({ source: 'adf', mode: 'color', dpi: 200 });
    expect(result.error?.code).toBe('scanner.no-docs');
    expect(result.pages).toEqual([]);
    expect(ofJob(result.jobId, 'scan.failed')[0]?.pagesKept).toBe(0);
  });

  it('a failing page consumer does not lose the scan', async () => {
    await sim.loadFeeder(report.slice(0, 2));
    const result = await stage.capture({ source: 'adf', mode: 'gray', dpi: 150, onPage: () => { throw new Error('consumer broke'); } });
    expect(result.error).toBeNull();
    expect(result.pages).toHaveLength(2);
  });

  it('discard removes every file of the job', async () => {
    await sim.loadFeeder(report.slice(0, 1));
    const result = await stage.capture({ source: 'adf', mode: 'gray', dpi: 150 });
    expect(result.pages).toHaveLength(1);
    await stage.discard(result.jobId);
    expect(existsSync(result.dir)).toBe(false);
  });
});
