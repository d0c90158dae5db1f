import type { Logger } from '../../appliance/log.js';
import { PedalPresses, type PedalFormat } from './hid-report.js';

// A USB HID foot pedal or button (node-hid, by VID:PID): each press calls `onPress`. Unplugged, it
// is looked for again every `retryMs` (hot-plug). The reports are judged by hid-report.ts.

/** What the pedal needs of an open HID device (node-hid's HID / HIDAsync). */
export interface HidDeviceLike {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  close(): unknown;
}

export interface HidPedalOptions {
  vendorId: number;
  productId: number;
  format: PedalFormat;
  onPress: () => unknown;
  /** Opens the device; default: node-hid (optional package, loaded on first use). */
  open?: (vendorId: number, productId: number) => Promise<HidDeviceLike>;
  /** Wait before looking again for a pedal that is not there; default 5 s. */
  retryMs?: number;
  log?: Logger;
}

export class HidPedal {
  private device?: HidDeviceLike;
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private readonly presses: PedalPresses;
  /** Whether the pedal is open now (technician screen, tests). */
  get connected(): boolean { return this.device !== undefined; }

  constructor(private readonly opts: HidPedalOptions) {
    this.presses = new PedalPresses(opts.format);
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.drop();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const id = `${hex(this.opts.vendorId)}:${hex(this.opts.productId)}`;
    try {
      const device = await (this.opts.open ?? openWithNodeHid)(this.opts.vendorId, this.opts.productId);
      if (this.stopped) { device.close(); return; }
      this.device = device;
      this.presses.reset();
      device.on('data', (report) => {
        if (!this.presses.feed(report)) return;
        Promise.resolve().then(() => this.opts.onPress()).catch((err: unknown) => this.opts.log?.warn({ err }, 'pedal press: the scan did not start'));
      });
      device.on('error', (err) => {
        this.opts.log?.warn({ pedal: id, err: err.message }, 'pedal gone (unplugged?): looking for it again');
        this.drop();
        this.retry();
      });
      this.opts.log?.info({ pedal: id }, 'pedal connected');
    } catch (err) {
      this.opts.log?.debug({ pedal: id, err: (err as Error).message }, 'pedal not found');
      this.retry();
    }
  }

  private retry(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), this.opts.retryMs ?? 5000);
    this.timer.unref();
  }

  private drop(): void {
    const d = this.device;
    this.device = undefined;
    try { d?.close(); } catch { /* already gone */ }
  }
}

const hex = (n: number) => n.toString(16).padStart(4, '0');

/** node-hid 3 (HIDAsync) or 2 (HID); the package is optional: without it the pedal is "not found". */
async function openWithNodeHid(vendorId: number, productId: number): Promise<HidDeviceLike> {
  const name = 'node-hid'; // not a static import: optional native module
  const mod = await import(name) as { default?: NodeHid } & NodeHid;
  const hid = mod.HIDAsync ? mod : mod.default ?? mod;
  if (hid.HIDAsync) return hid.HIDAsync.open(vendorId, productId);
  if (hid.HID) return new hid.HID(vendorId, productId);
  throw new Error('node-hid offers neither HIDAsync nor HID');
}

interface NodeHid {
  HIDAsync?: { open(vendorId: number, productId: number): Promise<HidDeviceLike> };
  HID?: new (vendorId: number, productId: number) => HidDeviceLike;
}
