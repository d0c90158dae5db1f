import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDeviceOptions, pickMode, pickSource, pickResolution } from '../../drivers/scanner/sane-options.js';
import { sourceKind } from '../../drivers/scanner/source-names.js';
import { ScannerDiscovery, parseDeviceList } from '../../drivers/scanner/discovery.js';
import { writeSaneConfig } from '../../drivers/scanner/sane-config.js';
import { projectPath } from '../../appliance/config/paths.js';

// `scanimage -A` of real scanners (tests/fixtures/scanner/scanimage-A, from public threads) through
// the option parser and the source normalisation; discovery against SANE's own test backend.

const fixture = (name: string) => parseDeviceOptions(readFileSync(projectPath('tests', 'fixtures', 'scanner', 'scanimage-A', name), 'utf8'));

describe('vendor source names', () => {
  it.each([
    ['Flatbed', 'flatbed'], ['FlatBed', 'flatbed'], ['Platen', 'flatbed'], ['Document Table', 'flatbed'],
    ['ADF', 'adf-front'], ['ADF Front', 'adf-front'], ['Automatic Document Feeder', 'adf-front'],
    ['Automatic Document Feeder(left aligned)', 'adf-front'], ['Document Feeder', 'adf-front'],
    ['ADF Back', 'adf-back'], ['ADF Duplex', 'adf-duplex'], ['Duplex', 'adf-duplex'],
    ['Automatic Document Feeder(centrally aligned,Duplex)', 'adf-duplex'], ['Transparency Adapter', null],
  ])('%s → %s', (name, kind) => { expect(sourceKind(name)).toBe(kind); });
});

describe('recorded scanimage -A of real scanners', () => {
  it('Brother ADS-1600W (brother4): feeder sources with alignment, a default holding brackets, true grey', () => {
    const o = fixture('brother4-ads1600w.txt');
    expect(o.sources).toHaveLength(4);
    expect(o.sourceKinds).toEqual(['adf-front', 'adf-duplex']);
    expect(pickSource(o, 'adf')).toEqual({ source: 'Automatic Document Feeder(left aligned)', args: [] });
    expect(pickSource(o, 'adf-duplex')).toEqual({ source: 'Automatic Document Feeder(left aligned,Duplex)', args: [] });
    expect(pickSource(o, 'flatbed')).toBeNull();
    expect(o.modes).toEqual(['Black & White', 'Gray[Error Diffusion]', 'True Gray', '24bit Color[Fast]']);
    expect(pickMode(o.modes, 'gray')).toBe('True Gray'); // not the dithered one
    expect(pickMode(o.modes, 'color')).toBe('24bit Color[Fast]');
    expect(pickResolution(o.resolutions, 300)).toBe(300);
    expect(o.width).toEqual({ min: 0, max: 211.9 });
  });

  it('Fujitsu (fujitsu): ADF Front / Back / Duplex, a resolution range, hardware sensors', () => {
    const o = fixture('fujitsu-s1500.txt');
    expect(o.sourceKinds).toEqual(['adf-front', 'adf-back', 'adf-duplex']);
    expect(pickSource(o, 'adf')?.source).toBe('ADF Front');
    expect(pickSource(o, 'adf-duplex')?.source).toBe('ADF Duplex');
    expect(pickResolution(o.resolutions, 300)).toBe(300);
    expect(pickMode(o.modes, 'gray')).toBe('Gray');
    expect(o.sensors).toEqual(['scan', 'page-loaded', 'cover-open']);
  });

  it('HP Officejet (hpaio): Flatbed / ADF / Duplex', () => {
    const o = fixture('hpaio-officejet.txt');
    expect(o.sourceKinds).toEqual(['flatbed', 'adf-front', 'adf-duplex']);
    expect(pickSource(o, 'adf-duplex')?.source).toBe('Duplex');
    expect(pickSource(o, 'flatbed')?.source).toBe('Flatbed');
    expect(o.sensors).toEqual([]);
  });

  it('Epson WF-7620 (epson2): duplex is --adf-mode, not a source', () => {
    const o = fixture('epson2-wf7620.txt');
    expect(o.adfModes).toEqual(['Simplex', 'Duplex']);
    expect(pickSource(o, 'adf-duplex')).toEqual({ source: 'Automatic Document Feeder', args: ['--adf-mode', 'Duplex'] });
    expect(pickSource(o, 'adf')).toEqual({ source: 'Automatic Document Feeder', args: ['--adf-mode', 'Simplex'] });
    expect(pickResolution(o.resolutions, 200)).toBe(300); // 75|300|600|1200: the nearest is 300
  });

  it('Canon TR8550 (pixma): no --source at all is a flatbed', () => {
    const o = fixture('canon-pixma-tr8550.txt');
    expect(o.sources).toEqual([]);
    expect(pickSource(o, 'flatbed')).toEqual({ args: [] });
    expect(pickSource(o, 'adf')).toBeNull();
  });
});

describe('discovery (SANE test backend)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sohoa-discovery-'));
    await writeSaneConfig(dir, { backends: ['test'] });
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('lists each device with typed options, once, until refreshed', async () => {
    const d = new ScannerDiscovery({ saneConfigDir: dir });
    const first = await d.list();
    expect(first.map((s) => s.device)).toEqual(['test:0', 'test:1']);
    expect(first[0]!.options?.sourceKinds).toEqual(['flatbed', 'adf-front']);
    expect(first[0]!.options?.modes).toEqual(['Gray', 'Color']);
    expect(await d.list()).toBe(first); // cached: no second scanimage run
    const again = await d.refresh();
    expect(again).not.toBe(first);
    expect(again.map((s) => s.device)).toEqual(['test:0', 'test:1']);
  });

  it('parses the tab-separated device list', () => {
    expect(parseDeviceList('test:0\tNoname\tfrontend-tester\tvirtual device\n\n')).toEqual([
      { device: 'test:0', vendor: 'Noname', model: 'frontend-tester', type: 'virtual device' },
    ]);
  });
});
