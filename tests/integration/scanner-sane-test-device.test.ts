import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { SaneScanner } from '../../drivers/scanner/sane-scanner.js';
import { writeSaneConfig } from '../../drivers/scanner/sane-config.js';
import type { ScanRequest } from '../../drivers/scanner/scanner.js';
import { SohoaError } from '../../appliance/errors.js';
import { collect } from '../helpers/scan.js';

// The SANE `test` backend through scanimage, with a private SANE config (nothing in /etc used).

let dir: string;
let saneConfigDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-sane-test-'));
  saneConfigDir = join(dir, 'sane');
  await writeSaneConfig(saneConfigDir, {});
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});


let jobNo = 0;
async function outDir(): Promise<string> {
  const d = join(dir, `job-${++jobNo}`);
  await import('node:fs/promises').then((fs) => fs.mkdir(d));
  return d;
}

const req = async (over: Partial<ScanRequest> = {}): Promise<ScanRequest> => ({ source: 'adf', mode: 'gray', dpi: 150, outDir: await outDir(), ...over });

describe('SaneScanner on the SANE test device', () => {
  it('probes the device and lists its sources', async () => {
    const info = await new SaneScanner({ device: 'test:0', saneConfigDir }).probe();
    expect(info.sources).toContain('Automatic Document Feeder');
    expect(info.sources).toContain('Flatbed');
    expect(info.vendor).toBe('Noname');
  });

  it('probe of a missing device throws scanner.device', async () => {
    const err = await new SaneScanner({ device: 'test:7', saneConfigDir }).probe().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SohoaError);
    expect((err as SohoaError).code).toBe('scanner.device');
  });

  it('scans ADF pages as A4 TIFFs at the requested resolution and mode, in order', async () => {
    const scanner = new SaneScanner({ device: 'test:0', saneConfigDir });
    const r = await req({ maxPages: 3 });
    const { pages, error } = await collect(scanner.scan(r));
    expect(error).toBeUndefined();
    expect(pages.map((p) => p.index)).toEqual([1, 2, 3]);
    expect((await readdir(r.outDir)).sort()).toEqual(['page-1.tiff', 'page-2.tiff', 'page-3.tiff']);
    for (const p of pages) {
      expect(p.dpi).toBe(150);
      const m = await sharp(p.path).metadata();
      expect(m.format).toBe('tiff');
      // A4 = 210 × 297 mm at 150 dpi.
      expect(Math.abs(m.width! - (210 / 25.4) * 150)).toBeLessThanOrEqual(1.5);
      expect(Math.abs(m.height! - (297 / 25.4) * 150)).toBeLessThanOrEqual(1.5);
      expect(m.channels).toBe(1);
    }
  });

  it('colour mode gives three channels', async () => {
    const { pages, error } = await collect(new SaneScanner({ device: 'test:0', saneConfigDir }).scan(await req({ mode: 'color', dpi: 75, maxPages: 1 })));
    expect(error).toBeUndefined();
    const m = await sharp(pages[0]!.path).metadata();
    expect(m.channels).toBe(3);
    expect(Math.abs(m.width! - (210 / 25.4) * 75)).toBeLessThanOrEqual(1.5);
  });

  it('the feeder running out after pages is the normal end of the job', async () => {
    // The test device's ADF holds 10 sheets.
    const { pages, error } = await collect(new SaneScanner({ device: 'test:0', saneConfigDir }).scan(await req({ dpi: 25 })));
    expect(error).toBeUndefined();
    expect(pages).toHaveLength(10);
  });

  it.each([
    ['SANE_STATUS_JAMMED', 'scanner.jammed'],
    ['SANE_STATUS_NO_DOCS', 'scanner.no-docs'],
    ['SANE_STATUS_COVER_OPEN', 'scanner.cover-open'],
    // an I/O error once the device is open is the device gone (cable, network): "cắm lại… Tiếp tục"
    ['SANE_STATUS_IO_ERROR', 'scanner.disconnected'],
    ['SANE_STATUS_DEVICE_BUSY', 'scanner.busy'],
  ])('%s → %s with a Vietnamese message, no torn page left', async (status, code) => {
    const scanner = new SaneScanner({ device: 'test:0', saneConfigDir, extraArgs: ['--read-return-value', status] });
    const r = await req();
    const { pages, error } = await collect(scanner.scan(r));
    expect(pages).toHaveLength(0);
    expect(error).toBeInstanceOf(SohoaError);
    expect((error as SohoaError).code).toBe(code);
    expect((error as SohoaError).vi).toMatch(/máy quét|khay|giấy|nắp/i);
    expect(await readdir(r.outDir)).toEqual([]);
  });

  it('a source the device lacks is scanner.no-source: what to do for the clerk, what it offers for the log', async () => {
    const err = await collect(new SaneScanner({ device: 'test:0', saneConfigDir }).scan(await req({ source: 'adf-duplex' })));
    expect((err.error as SohoaError).code).toBe('scanner.no-source');
    expect((err.error as SohoaError).vi).toContain('không quét được hai mặt');
    expect((err.error as SohoaError).message).toContain('Automatic Document Feeder');
  });

  it('one job at a time per device: a second job meanwhile is scanner.busy, the first goes on', async () => {
    const a = new SaneScanner({ device: 'test:0', saneConfigDir });
    const b = new SaneScanner({ device: 'test:0', saneConfigDir });
    const first = a.scan(await req({ maxPages: 2 }))[Symbol.asyncIterator]();
    const p1 = await first.next();
    expect(p1.done).toBe(false);
    const second = await collect(b.scan(await req({ maxPages: 1 })));
    expect((second.error as SohoaError).code).toBe('scanner.busy');
    const p2 = await first.next();
    expect(p2.value?.index).toBe(2);
    expect((await first.next()).done).toBe(true);
    // Released once the first job ends.
    expect((await collect(b.scan(await req({ maxPages: 1 })))).pages).toHaveLength(1);
  });

  it('a device that stops answering is stopped after the stall time: scanner.device, no torn page, device free', async () => {
    // the test backend crawling (4 KB reads, 0.2 s apart): no page for far longer than the stall time
    const stuck = new SaneScanner({ device: 'test:0', saneConfigDir, stallMs: 800, extraArgs: ['--read-limit=yes', '--read-limit-size', '4096', '--read-delay=yes', '--read-delay-duration', '200000'] });
    const started = Date.now();
    const r = await req();
    const { pages, error } = await collect(stuck.scan(r));
    expect(pages).toHaveLength(0);
    expect((error as SohoaError).code).toBe('scanner.device');
    expect((error as SohoaError).vi).toMatch(/không phản hồi/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await readdir(r.outDir)).toEqual([]);
    expect((await collect(new SaneScanner({ device: 'test:0', saneConfigDir }).scan(await req({ maxPages: 1 })))).pages).toHaveLength(1);
  });

  it('an AbortSignal kills scanimage and frees the device', async () => {
    const slow = new SaneScanner({ device: 'test:0', saneConfigDir, extraArgs: ['--read-limit=yes', '--read-limit-size', '4096', '--read-delay=yes', '--read-delay-duration', '200000'] });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const started = Date.now();
    const r = await req({ signal: ac.signal });
    const { pages, error } = await collect(slow.scan(r));
    expect(pages).toHaveLength(0);
    expect((error as Error).name).toBe('AbortError');
    expect(await readdir(r.outDir)).toEqual([]); // the half-scanned sheet is not left behind
    expect(Date.now() - started).toBeLessThan(10_000);
    const again = await collect(new SaneScanner({ device: 'test:0', saneConfigDir }).scan(await req({ maxPages: 1 })));
    expect(again.pages).toHaveLength(1);
  });
});
