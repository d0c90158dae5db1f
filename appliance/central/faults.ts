// Trouble the reference receiver can play on purpose, for tests, demos and the chaos benchmark:
// a slow network, a central system answering 503 (with Retry-After), connections reset mid-way.

export interface CentralFaults {
  /** Share of uploads and status reads answered 503 (0..1). */
  failRate: number;
  /** Retry-After (seconds) sent with those 503s; 0 = none. */
  retryAfterSeconds: number;
  /** Share of uploads whose connection is destroyed (0..1): half before the package is stored, half after. */
  resetRate: number;
  /** Added before every answer under /edxml/ (ms). */
  delayMs: number;
}

export const NO_FAULTS: CentralFaults = { failRate: 0, retryAfterSeconds: 0, resetRate: 0, delayMs: 0 };

/** What happens to one request: go on, answer 503, or reset the connection (before or after storing). */
export type FaultDraw = 'none' | 'fail' | 'reset-before' | 'reset-after';

export function drawFault(f: CentralFaults, random: () => number): FaultDraw {
  const r = random();
  if (r < f.failRate) return 'fail';
  if (r < f.failRate + f.resetRate / 2) return 'reset-before';
  if (r < f.failRate + f.resetRate) return 'reset-after';
  return 'none';
}
