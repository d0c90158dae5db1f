import type { Logger } from '../log.js';
import { HidPedal } from '../../drivers/pedal/hid-pedal.js';
import { parseUsbId } from '../../drivers/pedal/hid-report.js';
import { SensorPoller, type SensorSource } from '../../drivers/scanner/sensors.js';
import type { Actor, JobView, ScanOptions } from '../pipeline/desk.js';
import type { CaptureProfile } from './profiles.js';

// Hardware start: a foot pedal, the scanner's own button, or paper put in the feeder starts a scan
// with the default profile (the first button) when the desk is idle. A press while a scan runs is
// ignored (the desk says busy); nothing is queued. The audit log names the start by what it was.

export type HardwareTrigger = 'pedal' | 'button' | 'paper';

const ACTOR: Record<HardwareTrigger, string> = {
  pedal: 'Bàn đạp quét',
  button: 'Nút quét trên máy quét',
  paper: 'Khay nạp giấy (tự quét khi có giấy)',
};

export interface HardwareStartDeps {
  /** Starts a scan (a batch when the profile says so); throws scanner.busy when one runs. */
  startScan: (opts: ScanOptions, actor: Actor) => Promise<JobView>;
  profiles: () => CaptureProfile[];
  log?: Logger;
}

export class HardwareStart {
  /** Scans started by hardware (technician screen, tests). */
  started: { trigger: HardwareTrigger; jobId: string; profile: string }[] = [];
  /** Presses that started nothing (the desk was busy, or the start was refused). */
  ignored = 0;

  constructor(private readonly deps: HardwareStartDeps) {}

  /** A press: starts the default profile's scan, or does nothing when the desk is busy. Never throws. */
  async trigger(from: HardwareTrigger): Promise<JobView | null> {
    const profile = this.deps.profiles()[0];
    try {
      const job = await this.deps.startScan(profile ? { profile: profile.name } : {}, { name: ACTOR[from] });
      this.started.push({ trigger: from, jobId: job.jobId, profile: profile?.name ?? '' });
      this.deps.log?.info({ trigger: from, jobId: job.jobId, profile: profile?.name }, 'scan started by hardware');
      return job;
    } catch (err) {
      this.ignored++;
      const code = (err as { code?: string }).code;
      if (code === 'scanner.busy') this.deps.log?.debug({ trigger: from }, 'hardware start ignored: a scan is running');
      else this.deps.log?.warn({ trigger: from, err }, 'hardware start refused');
      return null;
    }
  }
}

/** The `scanner` settings hardware start reads (config keys scanner.pedal.*, sensorPollSeconds, paperLoadedStart). */
export interface HardwareStartSettings {
  sensorPollSeconds: number;
  paperLoadedStart: boolean;
  pedal: { vendorId: string; productId: string; report: 'keyboard' | 'bits'; byte: number; mask: number };
}

/** Starts the configured pedal and sensor poller; returns their stops. */
export function startHardwareTriggers(cfg: HardwareStartSettings, scanner: SensorSource, start: HardwareStart, log?: Logger): Array<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  const vendorId = parseUsbId(cfg.pedal.vendorId);
  const productId = parseUsbId(cfg.pedal.productId);
  if (vendorId !== null && productId !== null) {
    const pedal = new HidPedal({
      vendorId, productId, format: { kind: cfg.pedal.report, byte: cfg.pedal.byte, mask: cfg.pedal.mask },
      onPress: () => start.trigger('pedal'), log: log?.child({ part: 'pedal' }),
    });
    pedal.start();
    stops.push(async () => pedal.stop());
  }
  if (cfg.sensorPollSeconds > 0) {
    const poller = new SensorPoller({
      scanner, intervalMs: cfg.sensorPollSeconds * 1000, log: log?.child({ part: 'scanner-sensors' }),
      onTrigger: (t) => (t === 'button' ? start.trigger('button') : cfg.paperLoadedStart ? start.trigger('paper') : undefined),
    });
    poller.start();
    stops.push(() => poller.stop());
  }
  return stops;
}
