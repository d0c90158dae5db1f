import { runProcess, ProcessError } from '../../appliance/util/run-process.js';
import { parseDeviceOptions, type DeviceOptions } from './sane-options.js';
import { scannerErrors } from './scanner-errors.js';

// Scanner discovery, once and cached: `scanimage -L` for the devices, then `scanimage -d DEV -A`
// for each one's options (typed, with its sources normalised). Discovery is slow (network
// backends probe for seconds) and opening a device disturbs a scan, so it runs on first use and
// again only when asked (`refresh()`: the technician's button, a USB hot-plug).

export interface DiscoveredScanner {
  device: string;
  vendor: string;
  model: string;
  type: string;
  /** Its options; null when `-A` failed (the device is listed but cannot be opened now). */
  options: DeviceOptions | null;
  /** Why `-A` failed, when it did. */
  error?: string;
}

export interface DiscoveryOptions {
  /** SANE_CONFIG_DIR ('' or absent = the system's). */
  saneConfigDir?: string;
  scanimage?: string;
  /** Time limit of `-L` (network discovery) and of each `-A`; default 30 s / 15 s. */
  listTimeoutMs?: number;
  optionsTimeoutMs?: number;
}

/** Pure: the lines of `scanimage -f '%d\t%v\t%m\t%t\n' -L`. */
export function parseDeviceList(text: string): Array<Omit<DiscoveredScanner, 'options'>> {
  return text.split('\n').filter((l) => l.includes('\t')).map((l) => {
    const [device = '', vendor = '', model = '', type = ''] = l.split('\t');
    return { device, vendor, model, type };
  });
}

export class ScannerDiscovery {
  private cached?: Promise<DiscoveredScanner[]>;

  constructor(private readonly opts: DiscoveryOptions = {}) {}

  /** The scanners found the first time (or since the last refresh). */
  list(): Promise<DiscoveredScanner[]> {
    if (!this.cached) {
      this.cached = this.discover();
      this.cached.catch(() => { this.cached = undefined; }); // a failed discovery is tried again next time
    }
    return this.cached;
  }

  /** Forgets what was found and looks again. */
  refresh(): Promise<DiscoveredScanner[]> {
    this.cached = undefined;
    return this.list();
  }

  private async discover(): Promise<DiscoveredScanner[]> {
    const listed = parseDeviceList(await this.run(['-f', '%d\t%v\t%m\t%t\n', '-L'], this.opts.listTimeoutMs ?? 30_000));
    const found: DiscoveredScanner[] = [];
    for (const d of listed) { // one at a time: backends do not like being opened in parallel
      try {
        const text = await this.run(['-d', d.device, '-A'], this.opts.optionsTimeoutMs ?? 15_000);
        // some scanimage versions exit 0 when the device would not open: no option list then
        if (!/All options specific to device/.test(text)) throw scannerErrors.notFound(`scanimage -d ${d.device} -A listed no options`);
        found.push({ ...d, options: parseDeviceOptions(text) });
      } catch (err) {
        found.push({ ...d, options: null, error: (err as Error).message });
      }
    }
    return found;
  }

  private async run(args: string[], timeoutMs: number): Promise<string> {
    const env = this.opts.saneConfigDir ? { ...process.env, SANE_CONFIG_DIR: this.opts.saneConfigDir } : process.env;
    try {
      return (await runProcess(this.opts.scanimage ?? 'scanimage', args, { env, timeoutMs })).stdout.toString('utf8');
    } catch (err) {
      const e = err as ProcessError;
      const detail = `scanimage ${args.join(' ')}: ${e.stderr?.trim() || e.message}`;
      if (e instanceof ProcessError && e.kind === 'spawn') throw scannerErrors.device(`scanimage not installed (sane-utils): ${detail}`);
      throw e instanceof ProcessError && e.timedOut ? scannerErrors.stalled(detail) : scannerErrors.notFound(detail);
    }
  }
}
