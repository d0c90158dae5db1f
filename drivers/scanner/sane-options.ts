import type { ScanRequest } from './scanner.js';

// Parses `scanimage -d DEV -A` and maps our request onto the names each backend offers: the test
// backend says "Automatic Document Feeder", sane-airscan "ADF" / "ADF Duplex", others "Flatbed".

export interface Range { min: number; max: number }

export interface DeviceOptions {
  sources: string[];
  modes: string[];
  /** Discrete resolutions, or a range. */
  resolutions: number[] | Range;
  /** Scan area limits in mm (absent when the backend does not expose geometry). */
  width?: Range;
  height?: Range;
}

const LIST = /^\s+--(source|mode|resolution)\s+(.+?)\s+\[[^\]]*\]\s*$/;
const GEOM = /^\s+-(x|y)\s+([\d.]+)\.\.([\d.]+)mm/;

export function parseDeviceOptions(text: string): DeviceOptions {
  const opts: DeviceOptions = { sources: [], modes: [], resolutions: [] };
  for (const line of text.split('\n')) {
    const g = GEOM.exec(line);
    if (g) {
      const r = { min: Number(g[2]), max: Number(g[3]) };
      if (g[1] === 'x') opts.width = r;
      else opts.height = r;
      continue;
    }
    const m = LIST.exec(line);
    if (!m) continue;
    const [, name, values = ''] = m;
    if (name === 'resolution') {
      const v = values.replace(/dpi.*$/, '');
      const range = /^(\d+)\.\.(\d+)/.exec(v);
      opts.resolutions = range ? { min: Number(range[1]), max: Number(range[2]) } : v.split('|').map(Number).filter((n) => n > 0);
    } else {
      const list = values.split('|').map((s) => s.trim()).filter(Boolean);
      if (name === 'source') opts.sources = list;
      else opts.modes = list;
    }
  }
  return opts;
}

export function pickSource(sources: string[], want: ScanRequest['source']): string | undefined {
  const isDuplex = (s: string) => /duplex/i.test(s);
  const isAdf = (s: string) => /adf|feeder/i.test(s);
  if (want === 'flatbed') return sources.find((s) => /flatbed|platen/i.test(s));
  if (want === 'adf-duplex') return sources.find((s) => isAdf(s) && isDuplex(s));
  return sources.find((s) => isAdf(s) && !isDuplex(s));
}

export function pickMode(modes: string[], want: ScanRequest['mode']): string | undefined {
  if (want === 'color') return modes.find((m) => /^colou?r$/i.test(m)) ?? modes.find((m) => /colou?r/i.test(m));
  return modes.find((m) => /^gr[ae]y/i.test(m)) ?? modes.find((m) => /gr[ae]y/i.test(m));
}

/** The resolution the device will actually use: the request when allowed, else the nearest offered. */
export function pickResolution(res: DeviceOptions['resolutions'], want: number): number {
  if (Array.isArray(res)) {
    if (res.length === 0) return want;
    return res.reduce((best, r) => (Math.abs(r - want) < Math.abs(best - want) ? r : best), res[0]!);
  }
  return Math.min(res.max, Math.max(res.min, want));
}
