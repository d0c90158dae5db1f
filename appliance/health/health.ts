import type { TokenStatus } from '../../drivers/token/token.js';
import type { EventBus } from '../events.js';
import type { OutboxItem } from '../outbox/store.js';
import { CachedProbe } from './cached-probe.js';
import { checkCentral, checkDisk, checkLastDelivery, checkScanner, checkToken, type HealthCheck, type ScannerProbePort } from './checks.js';
import { diskSpace } from './disk-space.js';

// The truth about each part the desk needs, asked of the part itself: the scanner answers (a real
// probe of the SANE device, or a scan that just ran), the token is there, the data disk has room,
// the central system answers, documents go out. `GET /healthz` (200 only when every part is ok),
// and the touchscreen's status line through `GET /api/status`, both read it from here.

export type HealthPart = 'scanner' | 'token' | 'disk' | 'central' | 'lastDelivery';

export interface HealthReport {
  ok: boolean;
  checks: Record<HealthPart, HealthCheck>;
}

export interface HealthMonitorOptions {
  scanner: ScannerProbePort;
  token: () => TokenStatus;
  outbox: () => Pick<OutboxItem, 'state' | 'enqueuedAt' | 'deliveredAt'>[];
  /** The data folder: its file system's free space is the disk check. */
  dataDir: string;
  centralUrl: string;
  minFreeDiskMB: number;
  /** Below this many MB free the desk takes no new document (capture.minFreeDiskMB): /healthz says the disk is full. */
  fullDiskMB?: number;
  deliveryStaleMinutes: number;
  /** Scans tell the scanner's state as they happen, between probes. */
  bus: EventBus;
  /** How long a scanner answer holds (default 15 s) and how long a probe may take (default 10 s). */
  scannerTtlMs?: number;
  scannerTimeoutMs?: number;
  /** The same for the central system (default 5 s, 2 s). */
  centralTtlMs?: number;
  centralTimeoutMs?: number;
}

/** Paper problems end a scan, but the device answered. */
const PAPER_CODES = new Set(['scanner.jammed', 'scanner.no-docs', 'scanner.cover-open', 'scanner.busy']);

export class HealthMonitor {
  private scanner: CachedProbe<HealthCheck> | null = null;
  private central: CachedProbe<HealthCheck> | null = null;
  private unsubscribe: (() => void)[] = [];

  constructor(private readonly opts: HealthMonitorOptions) {}

  start(): void {
    const o = this.opts;
    this.scanner = new CachedProbe(() => checkScanner(o.scanner, o.scannerTimeoutMs ?? 10_000), o.scannerTtlMs ?? 15_000);
    this.central = new CachedProbe(() => checkCentral(o.centralUrl, o.centralTimeoutMs ?? 2000), o.centralTtlMs ?? 5000);
    const device = o.scanner.device;
    this.unsubscribe = [
      o.bus.on('scan.finished', () => this.scanner?.set({ ok: true, message: `Máy quét sẵn sàng: ${device}`, detail: { device, lastScan: 'finished' } })),
      o.bus.on('scan.failed', (e) => {
        // anything else (a full disk, an abort) says nothing about the device: the next probe will
        if (PAPER_CODES.has(e.error.code)) this.scanner?.set({ ok: true, message: `Máy quét sẵn sàng: ${device}`, detail: { device, lastScan: e.error.code } });
        else if (e.error.code === 'scanner.device') this.scanner?.set({ ok: false, message: e.error.message, detail: { device, lastScan: e.error.code, error: e.error.detail ?? null } });
      }),
    ];
  }

  stop(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
  }

  async report(): Promise<HealthReport> {
    const o = this.opts;
    const [scanner, central, space] = await Promise.all([
      this.scannerCheck(),
      this.centralCheck(),
      diskSpace(o.dataDir).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
    ]);
    const checks: Record<HealthPart, HealthCheck> = {
      scanner,
      token: checkToken(o.token()),
      disk: checkDisk(o.dataDir, space, o.minFreeDiskMB, o.fullDiskMB),
      central,
      lastDelivery: checkLastDelivery(o.outbox(), o.deliveryStaleMinutes),
    };
    return { ok: Object.values(checks).every((c) => c.ok), checks };
  }

  /** The touchscreen's status line (`GET /api/status`, open to the desk): the sentences, not the facts behind them. */
  async statusItems(): Promise<Record<'scanner' | 'central', { ok: boolean; message: string }>> {
    const [s, c] = await Promise.all([this.scannerCheck(), this.centralCheck()]);
    return { scanner: { ok: s.ok, message: s.message }, central: { ok: c.ok, message: c.message } };
  }

  scannerCheck(): Promise<HealthCheck> {
    return this.require(this.scanner).get();
  }

  centralCheck(): Promise<HealthCheck> {
    return this.require(this.central).get();
  }

  /** For /metrics: the last scanner and central answers at once, refreshed in the background when old. */
  async latest(): Promise<{ scanner: HealthCheck; central: HealthCheck }> {
    const [scanner, central] = await Promise.all([this.require(this.scanner).latest(), this.require(this.central).latest()]);
    return { scanner, central };
  }

  private require<T>(probe: T | null): T {
    if (!probe) throw new Error('HealthMonitor used before start()');
    return probe;
  }
}
