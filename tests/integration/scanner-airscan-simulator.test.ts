import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, mkdir, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { SaneScanner } from '../../drivers/scanner/sane-scanner.js';
import { airscanDeviceName, writeSaneConfig } from '../../drivers/scanner/sane-config.js';
import { EsclSimulator } from '../../drivers/scanner/escl-simulator/simulator.js';
import type { ScannedPage, ScanRequest } from '../../drivers/scanner/scanner.js';
import { SohoaError } from '../../appliance/errors.js';
import { projectPath } from '../../appliance/config/paths.js';
import { collect } from '../helpers/scan.js';

// The full network-scanner stack: SaneScanner → scanimage → sane-airscan → HTTP on loopback →
// our eSCL simulator feeding real corpus page images.

const demo = projectPath('provisioning', 'demo-pages');
// doc-029 is a 3-page report printed on duplex sheets: files 1, 3, 5 are its printed pages.
const report = [1, 3, 5].map((n) => join(demo, 'doc-029', `page-${n}.png`));

let dir: string;
let sim: EsclSimulator;
let scanner: SaneScanner;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-airscan-'));
  sim = new EsclSimulator({ port: 0 });
  const { url } = await sim.start();
  const saneConfigDir = join(dir, 'sane');
  await writeSaneConfig(saneConfigDir, { esclUrl: url });
  scanner = new SaneScanner({ device: airscanDeviceName(), saneConfigDir });
});
afterAll(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

let jobNo = 0;
async function req(over: Partial<ScanRequest> = {}): Promise<ScanRequest> {
  const outDir = join(dir, `job-${++jobNo}`);
  await mkdir(outDir);
  return { source: 'adf', mode: 'gray', dpi: 200, outDir, ...over };
}


/** A small gray thumbnail: enough to tell pages apart and to see a blank or wrong one. */
async function thumb(path: string): Promise<Buffer> {
  return sharp(path).grayscale().resize(60, 85, { fit: 'fill' }).raw().toBuffer();
}
function meanAbsDiff(a: Buffer, b: Buffer): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}
/** Index of the source each scanned page looks most like, and how close it is. */
async function matchSources(pages: ScannedPage[], sources: string[]) {
  const src = await Promise.all(sources.map(thumb));
  return Promise.all(pages.map(async (p) => {
    const t = await thumb(p.path);
    const d = src.map((s) => meanAbsDiff(t, s));
    const best = d.indexOf(Math.min(...d));
    return { best, diff: d[best]!, others: d.filter((_, i) => i !== best) };
  }));
}

describe('airscan + eSCL simulator', () => {
  it('probes as a network scanner with ADF, duplex ADF and flatbed', async () => {
    const info = await scanner.probe();
    expect(info.sources).toEqual(expect.arrayContaining(['ADF', 'ADF Duplex', 'Flatbed']));
  });

  it('a 3-page document arrives as 3 pages, in order, matching the paper', async () => {
    await sim.loadFeeder(report);
    const r = await req();
    const { pages, error } = await collect(scanner.scan(r));
    expect(error).toBeUndefined();
    expect(pages.map((p) => p.index)).toEqual([1, 2, 3]);
    for (const p of pages) {
      const m = await sharp(p.path).metadata();
      expect([m.width, m.height, m.channels]).toEqual([1653, 2339, 1]); // A4 at 200 dpi, gray
    }
    const match = await matchSources(pages, report);
    expect(match.map((m) => m.best)).toEqual([0, 1, 2]);
    for (const m of match) {
      expect(m.diff).toBeLessThan(3);
      for (const o of m.others) expect(o).toBeGreaterThan(m.diff * 2);
    }
    expect(sim.state.sheetsInTray).toBe(0);
  });

  it('colour at 300 dpi gives RGB pages of A4 size', async () => {
    await sim.loadFeeder(join(demo, 'doc-012'));
    const { pages, error } = await collect(scanner.scan(await req({ mode: 'color', dpi: 300 })));
    expect(error).toBeUndefined();
    expect(pages).toHaveLength(1);
    const m = await sharp(pages[0]!.path).metadata();
    expect([m.width, m.height, m.channels]).toEqual([2480, 3508, 3]);
    const [match] = await matchSources(pages, [join(demo, 'doc-012', 'page-1.jpg')]);
    expect(match!.diff).toBeLessThan(3);
  });

  it('duplex ADF feeds every side, blank backs included', async () => {
    await sim.loadFeeder(join(demo, 'doc-029'));
    const { pages, error } = await collect(scanner.scan(await req({ source: 'adf-duplex', dpi: 150 })));
    expect(error).toBeUndefined();
    expect(pages).toHaveLength(6);
  });

  it('flatbed scans one sheet per job', async () => {
    await sim.loadFeeder(report);
    const { pages, error } = await collect(scanner.scan(await req({ source: 'flatbed', dpi: 150 })));
    expect(error).toBeUndefined();
    expect(pages).toHaveLength(1);
    expect((await matchSources(pages, report))[0]!.best).toBe(0);
  });

  it('an empty feeder is scanner.no-docs', async () => {
    sim.emptyFeeder();
    const r = await req();
    const { pages, error } = await collect(scanner.scan(r));
    expect(pages).toHaveLength(0);
    expect((error as SohoaError).code).toBe('scanner.no-docs');
    expect((error as SohoaError).vi).toContain('Khay nạp giấy');
  });

  it('a jam mid-document keeps the pages before it; the rest scan after the jam is cleared', async () => {
    await sim.loadFeeder(report);
    sim.jamAfter(1);
    const r = await req();
    const { pages, error } = await collect(scanner.scan(r));
    expect((error as SohoaError).code).toBe('scanner.jammed');
    expect(pages).toHaveLength(1);
    expect(await readdir(r.outDir)).toEqual(['page-1.tiff']);
    expect((await matchSources(pages, report))[0]!.best).toBe(0);

    // The clerk clears the jam; the jammed sheet and the one after it are still in the tray.
    const rest = await collect(scanner.scan(await req()));
    expect(rest.error).toBeUndefined();
    expect((await matchSources(rest.pages, report)).map((m) => m.best)).toEqual([1, 2]);
  });

  it('demo stack: each job feeds the next document', async () => {
    await sim.useStack(demo);
    const first = await collect(scanner.scan(await req({ dpi: 150 })));
    const second = await collect(scanner.scan(await req({ dpi: 150 })));
    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
    expect((await matchSources(first.pages, [join(demo, 'doc-004', 'page-1.png')]))[0]!.diff).toBeLessThan(3);
    expect((await matchSources(second.pages, [join(demo, 'doc-012', 'page-1.jpg')]))[0]!.diff).toBeLessThan(3);
    sim.emptyFeeder();
  });

  it('the control API drives the feeder over HTTP', async () => {
    const base = sim.url.replace(/\/eSCL$/, '');
    const post = (path: string, body: unknown) =>
      fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(await post('/control/feeder', { dir: join(demo, 'doc-029') })).toMatchObject({ pages: 6, adfState: 'ScannerAdfLoaded' });
    expect(await post('/control/empty', {})).toMatchObject({ sheetsInTray: 0, adfState: 'ScannerAdfEmpty' });
    const bad = await fetch(base + '/control/feeder', { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
  });
});

describe('startScanner (what the composition root calls)', () => {
  it('with the simulator on, serves the demo stack through sane-airscan', async () => {
    const { startScanner } = await import('../../drivers/scanner/start-scanner.js');
    const { defaultsFor } = await import('../../appliance/config/config.js');
    const data = await mkdtemp(join(tmpdir(), 'sohoa-start-scanner-'));
    const cfg = defaultsFor(data).scanner;
    const running = await startScanner({ ...cfg, simulator: { ...cfg.simulator, port: 0 } });
    try {
      expect(running.scanner.device).toBe('airscan:e0:Sohoa demo scanner');
      expect((await running.scanner.probe()).sources).toContain('ADF');
      const outDir = join(data, 'out');
      await mkdir(outDir);
      const { pages, error } = await collect(running.scanner.scan({ source: 'adf', mode: 'gray', dpi: 150, outDir }));
      expect(error).toBeUndefined();
      expect((await matchSources(pages, [join(demo, 'doc-004', 'page-1.png')]))[0]!.diff).toBeLessThan(3);
    } finally {
      await running.stop();
      await rm(data, { recursive: true, force: true });
    }
  });
});
