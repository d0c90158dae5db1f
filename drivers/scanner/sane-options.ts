import type { ScanRequest } from './scanner.js';
import { chooseSource, sourceKind, type SourceChoice, type SourceKind } from './source-names.js';

// Parses `scanimage -d DEV -A` into typed options and maps our request onto the names each backend
// offers (source names: source-names.ts). Option lines read `--name VALUES [default]`, where a
// default may itself hold brackets (brother4: `[24bit Color[Fast]]`).

export interface Range { min: number; max: number }

export interface DeviceOptions {
  sources: string[];
  /** The sources by what they are (Flatbed / ADF front / ADF back / ADF duplex). */
  sourceKinds: SourceKind[];
  modes: string[];
  /** Discrete resolutions, or a range. */
  resolutions: number[] | Range;
  /** `--adf-mode` values where duplex is an option rather than a source (epson2). */
  adfModes: string[];
  /** Read-only hardware sensors (`[hardware]`): scan button, page loaded, cover open… */
  sensors: string[];
  /** Scan area limits in mm (absent when the backend does not expose geometry). */
  width?: Range;
  height?: Range;
}

const OPTION = /^\s+--([\w-]+)(\[=\([^)]*\)\])?\s+(.*)$/;
const GEOM = /^\s+-(x|y)\s+([\d.]+)\.\.([\d.]+)mm/;

/** Pure: `VALUES [default] [flags]` → the values part and the bracketed tails. */
function splitTail(rest: string): { values: string; tails: string[] } {
  const tails: string[] = [];
  let s = rest.trim();
  while (s.endsWith(']')) {
    let depth = 0; let i = s.length - 1;
    for (; i >= 0; i--) {
      if (s[i] === ']') depth++;
      else if (s[i] === '[' && --depth === 0) break;
    }
    if (i <= 0 || !/\s/.test(s[i - 1]!)) break; // a bracket inside the last value, not a tail
    tails.unshift(s.slice(i + 1, -1));
    s = s.slice(0, i).trimEnd();
  }
  return { values: s, tails };
}

export function parseDeviceOptions(text: string): DeviceOptions {
  const opts: DeviceOptions = { sources: [], sourceKinds: [], modes: [], resolutions: [], adfModes: [], sensors: [] };
  for (const line of text.split('\n')) {
    const g = GEOM.exec(line);
    if (g) {
      const r = { min: Number(g[2]), max: Number(g[3]) };
      if (g[1] === 'x') opts.width = r;
      else opts.height = r;
      continue;
    }
    const m = OPTION.exec(line);
    if (!m) continue;
    const [, name = '', boolFlag, rest = ''] = m;
    const { values, tails } = splitTail(boolFlag ? `x ${rest}` : rest);
    if (boolFlag) { if (tails.includes('hardware')) opts.sensors.push(name); continue; }
    const list = values.split('|').map((s) => s.trim()).filter(Boolean);
    if (name === 'resolution') {
      const v = values.replace(/dpi.*$/, '');
      const range = /^(\d+)\.\.(\d+)/.exec(v);
      opts.resolutions = range ? { min: Number(range[1]), max: Number(range[2]) } : v.split('|').map(Number).filter((n) => n > 0);
    } else if (name === 'source') {
      opts.sources = list;
      opts.sourceKinds = [...new Set(list.map(sourceKind).filter((k): k is SourceKind => k !== null))];
    } else if (name === 'mode') opts.modes = list;
    else if (name === 'adf-mode') opts.adfModes = list;
  }
  return opts;
}

/** The `--source` (and `--adf-mode`) for a request; null when the device has no such source. */
export function pickSource(o: Pick<DeviceOptions, 'sources' | 'adfModes'>, want: ScanRequest['source']): SourceChoice | null {
  return chooseSource(o.sources, want, o.adfModes);
}

export function pickMode(modes: string[], want: ScanRequest['mode']): string | undefined {
  if (want === 'color') return modes.find((m) => /^colou?r$/i.test(m)) ?? modes.find((m) => /colou?r/i.test(m));
  // true grey before a dithered "Gray[Error Diffusion]" (brother4) or a halftone
  const grey = modes.filter((m) => /gr[ae]y/i.test(m) && !/diffusion|halftone|dither/i.test(m));
  return grey.find((m) => /^gr[ae]y$/i.test(m)) ?? grey[0];
}

/** The resolution the device will actually use: the request when allowed, else the nearest offered. */
export function pickResolution(res: DeviceOptions['resolutions'], want: number): number {
  if (Array.isArray(res)) {
    if (res.length === 0) return want;
    return res.reduce((best, r) => (Math.abs(r - want) < Math.abs(best - want) ? r : best), res[0]!);
  }
  return Math.min(res.max, Math.max(res.min, want));
}
