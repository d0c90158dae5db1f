/**
 * Delay before retry number `attempt` (1-based): exponential from `minMs`, capped at `maxMs`,
 * with "equal jitter" (half fixed, half random) so a fleet of desks coming back after an outage
 * does not hammer the central system in step, yet each delay is at least as long as the last.
 */
export function retryDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
