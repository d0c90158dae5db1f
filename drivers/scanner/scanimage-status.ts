import type { SohoaError } from '../../appliance/errors.js';
import { scannerErrors } from './scanner-errors.js';

// What a scanimage run's end means, from its exit status and stderr (pure, so it is tested on
// recorded stderr: tests/fixtures/scanner/stderr/). Failures read "scanimage: sane_start: <status>"
// or "scanimage: open of device … failed: …" (sane_strstatus sentences); other "scanimage:" lines
// are warnings (e.g. a rounded geometry value).

export type ScanEndKind = 'jammed' | 'no-docs' | 'cover-open' | 'double-feed' | 'not-found' | 'device-busy' | 'disconnected';

/** Sentences that name the failure, most specific first. */
const STATUS_SENTENCES: Array<[RegExp, ScanEndKind]> = [
  // backends that tell a double feed apart (fujitsu, canon_dr, kodakaio) say so in their message
  [/double.?feed|multi(?:ple)?.?feed/i, 'double-feed'],
  [/Document feeder jammed/i, 'jammed'],
  [/Document feeder out of documents/i, 'no-docs'],
  [/Scanner cover is open/i, 'cover-open'],
  // "open of device X failed: Invalid argument" — no such device (unplugged, renamed, never there)
  [/open of device .* failed: (Invalid argument|No such device|Error during device I\/O)/i, 'not-found'],
  // SANE_STATUS_DEVICE_BUSY: warming up, or another program holds the device
  [/: Device busy/i, 'device-busy'],
  // SANE_STATUS_IO_ERROR once the device was open: the cable pulled, the network scanner gone
  [/sane_(start|read): Error during device I\/O/i, 'disconnected'],
];

/** scanimage's exit status is the SANE status of the failure. */
const EXIT_STATUS: Record<number, ScanEndKind> = { 3: 'device-busy', 6: 'jammed', 7: 'no-docs', 8: 'cover-open', 9: 'disconnected' };

/** The kind of failure scanimage reported, or undefined when it names none. */
export function scanEndKind(code: number | null, stderr: string): ScanEndKind | undefined {
  const errorLines = stderr.split('\n').filter((l) => /^scanimage: (sane_\w+: |open of device )/.test(l));
  return STATUS_SENTENCES.find(([re]) => errorLines.some((l) => re.test(l)))?.[1] ?? EXIT_STATUS[code ?? -1];
}

/**
 * The error a run ended with; null when it ended normally (the feeder ran out after at least one
 * page — how every batch ends — or the page count was reached).
 */
export function scanEndError(code: number | null, stderr: string, pages: number): SohoaError | null {
  const detail = stderr.trim() || `scanimage exited with ${code}`;
  const kind = scanEndKind(code, stderr);
  switch (kind) {
    case 'double-feed': return scannerErrors.doubleFeed(detail);
    case 'not-found': return scannerErrors.notFound(detail);
    case 'jammed': return scannerErrors.jammed(detail);
    case 'cover-open': return scannerErrors.coverOpen(detail);
    case 'device-busy': return scannerErrors.deviceBusy(detail);
    case 'disconnected': return scannerErrors.disconnected(pages, detail);
    case 'no-docs': return pages > 0 ? null : scannerErrors.noDocs(detail);
    default: break;
  }
  const failed = code !== 0 || /^scanimage: (sane_\w+: |open of device )/m.test(stderr);
  if (failed) return scannerErrors.device(detail);
  return pages > 0 ? null : scannerErrors.noDocs(detail);
}
