import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../appliance/config/paths.js';
import { DEFAULT_PROFILES } from '../../appliance/capture/profiles.js';
import { HardwareStart, startHardwareTriggers } from '../../appliance/capture/hardware-start.js';
import { SohoaError } from '../../appliance/errors.js';
import type { JobView, ScanOptions, Actor } from '../../appliance/pipeline/desk.js';
import { writeSaneConfig } from '../../drivers/scanner/sane-config.js';
import { SaneScanner } from '../../drivers/scanner/sane-scanner.js';
import { parseSensorValues, SensorPoller, sensorTriggers, type SensorSource } from '../../drivers/scanner/sensors.js';
import { HidPedal, type HidDeviceLike } from '../../drivers/pedal/hid-pedal.js';
import { eventually } from '../helpers/appliance.js';

// Hardware start. The scanner's sensors are read from SANE's `test` device (it has `[hardware]`
// options once test options are on) and from recorded `scanimage -A` output of a Fujitsu with a
// scan button and a page-loaded sensor. No USB bus runs here: the pedal's device is an emitter
// that replays the reports of tests/fixtures/pedal/ through the interface node-hid implements.

const fujitsu = readFileSync(projectPath('tests', 'fixtures', 'scanner', 'scanimage-A', 'fujitsu-s1500.txt'), 'utf8');
/** The same listing as the scanner prints it with its button held / paper in the feeder. */
const fujitsuWith = (o: { scan?: boolean; paper?: boolean }) => fujitsu
  .replace('--scan[=(yes|no)] [no]', `--scan[=(yes|no)] [${o.scan ? 'yes' : 'no'}]`)
  .replace('--page-loaded[=(yes|no)] [no]', `--page-loaded[=(yes|no)] [${o.paper ? 'yes' : 'no'}]`);

let dir: string;
let saneConfigDir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-hwstart-'));
  saneConfigDir = join(dir, 'sane');
  await writeSaneConfig(saneConfigDir, { backends: ['test'] });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A desk that records what was started, busy while `busy` is set (as ScanJobs refuses a second run). */
function recordingDesk() {
  const calls: { opts: ScanOptions; actor: Actor }[] = [];
  let busy = false;
  return {
    calls, setBusy: (b: boolean) => { busy = b; },
    startScan: async (opts: ScanOptions, actor: Actor): Promise<JobView> => {
      if (busy) throw new SohoaError('scanner.busy', 'Máy quét đang quét một tập khác.');
      calls.push({ opts, actor });
      return { jobId: `job-${calls.length}`, state: 'scanning', startedAt: '', pages: [], result: null, error: null, docId: null };
    },
  };
}

describe('scanner sensors', () => {
  it('reads the [hardware] options of the SANE test device, between jobs only', async () => {
    const scanner = new SaneScanner({ device: 'test:0', saneConfigDir });
    const poller = new SensorPoller({ scanner, intervalMs: 60_000, readArgs: ['--enable-test-options=yes'], onTrigger: () => undefined });
    expect(await poller.poll()).toEqual([]); // the first read is the baseline
    expect(poller.last).toMatchObject({ 'bool-hard-select-soft-detect': false });
    expect(poller.reads).toBe(1);

    // a slow scan runs: the poller never opens the device meanwhile
    const outDir = join(dir, 'scan');
    await mkdir(outDir);
    const slow = new SaneScanner({ device: 'test:0', saneConfigDir, extraArgs: ['--read-delay=yes', '--read-delay-duration=200000'] });
    const it = slow.scan({ source: 'flatbed', mode: 'gray', dpi: 50, outDir })[Symbol.asyncIterator]();
    const first = it.next();
    await eventually(async () => (scanner.busy ? true : undefined), 'the scan to hold the device', 10_000);
    expect(await poller.poll()).toEqual([]);
    expect(poller.reads).toBe(1);
    await first;
    while (!(await it.next()).done) { /* drain */ }
    expect(scanner.busy).toBe(false);
    await poller.poll();
    expect(poller.reads).toBe(2);
  });

  it('recorded Fujitsu listings: the button and paper-loaded sensors, pressed once each', () => {
    expect(parseSensorValues(fujitsu)).toEqual({ scan: false, 'page-loaded': false, 'cover-open': false });
    expect(sensorTriggers(parseSensorValues(fujitsu), parseSensorValues(fujitsuWith({ scan: true })))).toEqual(['button']);
    expect(sensorTriggers(parseSensorValues(fujitsu), parseSensorValues(fujitsuWith({ paper: true })))).toEqual(['paper']);
    // held since the last read, or seen on the first read: no press
    expect(sensorTriggers(parseSensorValues(fujitsuWith({ scan: true })), parseSensorValues(fujitsuWith({ scan: true })))).toEqual([]);
    expect(sensorTriggers(null, parseSensorValues(fujitsuWith({ scan: true })))).toEqual([]);
  });

  it('a button press read from the scanner starts the default profile; paper-loaded only when configured', async () => {
    const listings = [fujitsu, fujitsuWith({ scan: true }), fujitsu, fujitsuWith({ paper: true })];
    const source: SensorSource = { busy: false, check: async () => listings.shift() ?? fujitsu };
    const desk = recordingDesk();
    const start = new HardwareStart({ startScan: desk.startScan, profiles: () => DEFAULT_PROFILES });
    const stops = startHardwareTriggers({ sensorPollSeconds: 0.001 as number, paperLoadedStart: false, pedal: { vendorId: '', productId: '', report: 'keyboard', byte: 0, mask: 255 } }, source, start);
    await eventually(async () => (listings.length === 0 ? true : undefined), 'the four listings to be read', 10_000);
    await Promise.all(stops.map((s) => s()));
    expect(desk.calls.map((c) => [c.opts.profile, c.actor.name])).toEqual([['Văn bản đến', 'Nút quét trên máy quét']]);
  });
});

describe('USB foot pedal', () => {
  const reports = JSON.parse(readFileSync(projectPath('tests', 'fixtures', 'pedal', 'reports.json'), 'utf8')) as Record<string, { reports: string[] }>;

  it('each press of an Infinity centre pedal starts the default profile when idle; a press while scanning is ignored', async () => {
    const device = new EventEmitter() as EventEmitter & HidDeviceLike;
    device.close = () => undefined;
    const opened: string[] = [];
    const desk = recordingDesk();
    const start = new HardwareStart({ startScan: desk.startScan, profiles: () => DEFAULT_PROFILES });
    const pedal = new HidPedal({
      vendorId: 0x05f3, productId: 0x00ff, format: { kind: 'bits', byte: 0, mask: 2 },
      open: async (v, p) => { opened.push(`${v.toString(16)}:${p.toString(16)}`); return device; },
      onPress: () => start.trigger('pedal'),
    });
    pedal.start();
    await eventually(async () => (pedal.connected ? true : undefined), 'the pedal to open');
    expect(opened).toEqual(['5f3:ff']);
    for (const r of reports['infinity-in-usb-2']!.reports) device.emit('data', Buffer.from(r, 'hex'));
    await eventually(async () => (desk.calls.length === 2 ? true : undefined), 'two scans from two centre presses');
    desk.setBusy(true);
    device.emit('data', Buffer.from('0200', 'hex'));
    device.emit('data', Buffer.from('0000', 'hex'));
    await eventually(async () => (start.ignored === 1 ? true : undefined), 'the press during the scan to be turned away');
    expect(desk.calls.map((c) => c.actor.name)).toEqual(['Bàn đạp quét', 'Bàn đạp quét']);
    expect(desk.calls.every((c) => c.opts.profile === 'Văn bản đến')).toBe(true);
    pedal.stop();
  });

  it('a pedal unplugged (device error) is looked for again and works when back', async () => {
    const devices: (EventEmitter & HidDeviceLike)[] = [];
    const desk = recordingDesk();
    const start = new HardwareStart({ startScan: desk.startScan, profiles: () => DEFAULT_PROFILES });
    const pedal = new HidPedal({
      vendorId: 0x0c45, productId: 0x7403, format: { kind: 'keyboard', byte: 0, mask: 255 }, retryMs: 20,
      open: async () => { const d = new EventEmitter() as EventEmitter & HidDeviceLike; d.close = () => undefined; devices.push(d); return d; },
      onPress: () => start.trigger('pedal'),
    });
    pedal.start();
    await eventually(async () => (devices.length === 1 ? true : undefined), 'the pedal to open');
    devices[0]!.emit('data', Buffer.from('0000050000000000', 'hex')); // held when unplugged
    await eventually(async () => (desk.calls.length === 1 ? true : undefined), 'the first press');
    devices[0]!.emit('error', new Error('could not read from HID device'));
    await eventually(async () => (devices.length === 2 && pedal.connected ? true : undefined), 'the pedal to be opened again');
    devices[1]!.emit('data', Buffer.from('0000050000000000', 'hex'));
    await eventually(async () => (desk.calls.length === 2 ? true : undefined), 'a press after the replug');
    pedal.stop();
  });
});
