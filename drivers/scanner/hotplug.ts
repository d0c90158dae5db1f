import type { Logger } from '../../appliance/log.js';

// USB hot-plug: a scanner plugged in or out makes discovery look again. The `usb` package's
// attach/detach events come in bursts (a scanner is often a hub of several interfaces, and a
// device re-enumerates while it powers up), so they are gathered for `debounceMs` and answered
// by one re-probe. Tests drive the same `UsbEvents` interface the `usb` adapter implements.

/** What the watcher needs of a USB bus: attach and detach events (the `usb` package's `usb` emitter). */
export interface UsbEvents {
  on(event: 'attach' | 'detach', listener: (device: unknown) => void): unknown;
  removeListener(event: 'attach' | 'detach', listener: (device: unknown) => void): unknown;
}

export interface HotplugOptions {
  events: UsbEvents;
  /** The re-probe (ScannerDiscovery.refresh and what follows it); its failure is logged. */
  reprobe: (why: 'attach' | 'detach') => Promise<unknown>;
  /** Quiet time after the last event before the re-probe; default 1500 ms. */
  debounceMs?: number;
  log?: Logger;
}

export class HotplugWatcher {
  private timer?: NodeJS.Timeout;
  private last: 'attach' | 'detach' = 'attach';
  private running: Promise<unknown> = Promise.resolve();
  private readonly onAttach = () => this.changed('attach');
  private readonly onDetach = () => this.changed('detach');
  /** Re-probes done (for the technician screen and the tests). */
  reprobes = 0;

  constructor(private readonly opts: HotplugOptions) {}

  start(): void {
    this.opts.events.on('attach', this.onAttach);
    this.opts.events.on('detach', this.onDetach);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.opts.events.removeListener('attach', this.onAttach);
    this.opts.events.removeListener('detach', this.onDetach);
    await this.running;
  }

  private changed(kind: 'attach' | 'detach'): void {
    this.last = kind;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      // one re-probe at a time: a burst during a re-probe gives one more after it
      this.running = this.running.then(async () => {
        this.reprobes++;
        this.opts.log?.info({ event: this.last }, 'usb device plugged in or out: looking for scanners again');
        await this.opts.reprobe(this.last);
      }).catch((err: unknown) => this.opts.log?.warn({ err }, 'scanner re-probe after a usb event failed'));
    }, this.opts.debounceMs ?? 1500);
    this.timer.unref();
  }
}

/**
 * The `usb` package's event emitter, or null when the package or the USB bus is not there (it is
 * optional: without it, hot-plug is off and the technician's "Tìm lại máy quét" still works).
 */
export async function loadUsbEvents(log?: Logger): Promise<UsbEvents | null> {
  const name = 'usb'; // not a static import: the package is optional (a native module)
  try {
    const mod = await import(name) as { usb?: UsbEvents; default?: { usb?: UsbEvents } & UsbEvents };
    const events = mod.usb ?? mod.default?.usb ?? mod.default;
    if (!events || typeof events.on !== 'function') throw new Error('the usb package has no event emitter');
    return events;
  } catch (err) {
    log?.info({ err: (err as Error).message }, 'usb hot-plug is off (package usb not installed or no USB bus)');
    return null;
  }
}
