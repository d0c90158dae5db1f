import type { DiscoveredScanner, ScannerDiscovery } from '../../drivers/scanner/discovery.js';
import type { Logger } from '../log.js';
import { toErrorInfo, type ErrorInfo } from '../errors.js';

// Is the configured scanner there right now? The scan screen asks after a run ended with the
// scanner unplugged ("Máy quét bị ngắt kết nối…"): once the answer is yes, it shows "Tiếp tục".
// The technician's "Tìm lại máy quét" and a USB hot-plug re-run discovery here. A device with a
// job running is never opened (that would disturb the scan): it is evidently there.

export interface PresenceScanner {
  readonly device: string;
  readonly busy: boolean;
  /** Opens the device (scanimage -A) within the time limit; throws with the reason. */
  check(timeoutMs: number): Promise<unknown>;
}

export interface ScannerStatus {
  device: string;
  present: boolean;
  busy: boolean;
  /** Why it is not there (scanner.not-found / scanner.device…), null when present. */
  error: ErrorInfo | null;
  checkedAt: string;
}

export interface ScannerPresenceDeps {
  scanner: PresenceScanner;
  discovery: ScannerDiscovery;
  log?: Logger;
  /** Time limit of one check; default 10 s. */
  checkTimeoutMs?: number;
  /** A status this fresh is answered again without opening the device; default 2 s. */
  reuseMs?: number;
}

export class ScannerPresence {
  private last?: { at: number; status: Promise<ScannerStatus> };
  /** Set after each discovery: the scanners SANE lists (technician screen). */
  private found: DiscoveredScanner[] = [];

  constructor(private readonly deps: ScannerPresenceDeps) {}

  /** The configured scanner's presence (checks at most every `reuseMs`; never while it scans). */
  status(fresh = false): Promise<ScannerStatus> {
    const { scanner } = this.deps;
    const now = Date.now();
    if (scanner.busy) return Promise.resolve({ device: scanner.device, present: true, busy: true, error: null, checkedAt: new Date(now).toISOString() });
    if (!fresh && this.last && now - this.last.at < (this.deps.reuseMs ?? 2000)) return this.last.status;
    const status = scanner.check(this.deps.checkTimeoutMs ?? 10_000).then(
      () => ({ device: scanner.device, present: true, busy: false, error: null, checkedAt: new Date().toISOString() }),
      (err: unknown) => {
        const error = toErrorInfo(err);
        // a job that started meanwhile: there, and busy
        if (error.code === 'scanner.busy') return { device: scanner.device, present: true, busy: true, error: null, checkedAt: new Date().toISOString() };
        return { device: scanner.device, present: false, busy: false, error, checkedAt: new Date().toISOString() };
      },
    );
    this.last = { at: now, status };
    return status;
  }

  /** Discovery again (`scanimage -L`, then `-A` each): the technician's button, a USB hot-plug. */
  async refresh(): Promise<{ scanners: DiscoveredScanner[]; status: ScannerStatus }> {
    if (this.deps.scanner.busy) return { scanners: this.found, status: await this.status() }; // never during a scan
    this.found = await this.deps.discovery.refresh();
    const status = await this.status(true);
    this.deps.log?.info({ scanners: this.found.map((s) => s.device), present: status.present }, 'scanners discovered');
    return { scanners: this.found, status };
  }

  /** The scanners found by the last discovery (none before the first). */
  scanners(): DiscoveredScanner[] {
    return this.found;
  }
}
