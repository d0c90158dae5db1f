import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HotplugWatcher, loadUsbEvents, type UsbEvents } from '../../drivers/scanner/hotplug.js';
import { ScannerDiscovery } from '../../drivers/scanner/discovery.js';
import { writeSaneConfig } from '../../drivers/scanner/sane-config.js';
import { SaneScanner } from '../../drivers/scanner/sane-scanner.js';
import { ScannerPresence } from '../../appliance/capture/scanner-presence.js';
import { eventually } from '../helpers/appliance.js';

// USB hot-plug → discovery again. No USB bus runs here (no /sys/bus/usb), so the attach/detach
// events are injected through the very interface the `usb` adapter implements (UsbEvents); what
// they trigger is real: ScannerDiscovery over SANE's test backend, the presence check on test:0.

let dir: string;
let saneConfigDir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-hotplug-'));
  saneConfigDir = join(dir, 'sane');
  await writeSaneConfig(saneConfigDir, { backends: ['test'] });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('USB hot-plug', () => {
  it('a burst of attach/detach events gives one re-probe, which finds the scanners again', async () => {
    const bus = new EventEmitter() as EventEmitter & UsbEvents;
    const presence = new ScannerPresence({ scanner: new SaneScanner({ device: 'test:0', saneConfigDir }), discovery: new ScannerDiscovery({ saneConfigDir }) });
    const why: string[] = [];
    const watcher = new HotplugWatcher({ events: bus, debounceMs: 200, reprobe: async (w) => { why.push(w); return presence.refresh(); } });
    watcher.start();
    expect(presence.scanners()).toEqual([]);
    bus.emit('attach', {}); bus.emit('detach', {}); bus.emit('attach', {}); // a scanner enumerating
    await eventually(async () => (presence.scanners().length > 0 ? true : undefined), 're-probe after the burst', 30_000);
    expect(why).toEqual(['attach']);
    expect(presence.scanners().map((s) => s.device)).toContain('test:0');
    expect(presence.scanners().find((s) => s.device === 'test:0')!.options!.sourceKinds).toContain('adf-front');
    expect((await presence.status()).present).toBe(true);

    bus.emit('detach', {});
    await eventually(async () => (watcher.reprobes === 2 ? true : undefined), 'a second re-probe', 30_000);
    await watcher.stop();
    bus.emit('attach', {}); // stopped: no more listeners
    expect(bus.listenerCount('attach')).toBe(0);
  });

  it('a device that is not there is reported absent with scanimage\'s reason', async () => {
    const presence = new ScannerPresence({ scanner: new SaneScanner({ device: 'test:9', saneConfigDir }), discovery: new ScannerDiscovery({ saneConfigDir }) });
    const s = await presence.status();
    expect(s.present).toBe(false);
    expect(s.error?.code).toBe('scanner.device');
  });

  it('without the usb package (or a USB bus) hot-plug is off, not a failure', async () => {
    const events = await loadUsbEvents();
    // this machine has no usb package installed; where it is, an emitter comes back
    if (events) expect(typeof events.on).toBe('function');
    else expect(events).toBeNull();
  });
});
