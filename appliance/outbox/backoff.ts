/**
 * Delay before retry number `attempt` (1-based): exponential from `minMs`, capped at `maxMs`, with
 * "full jitter" (uniformly anywhere from 0 to that ceiling): desks that failed together after an
 * outage spread out instead of coming back in step (AWS Architecture Blog, "Exponential Backoff
 * and Jitter"). The shared retry budget (retry-budget.ts) bounds how many go at once on top.
 */
export function retryDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.max(0, Math.min(attempt - 1, 40)));
  return Math.round(random() * ceiling);
}

/** Longest Retry-After honoured: a central system asking for more is asked again after a day. */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/**
 * `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP date. The wait in ms from `now`, or
 * null when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return null;
  const t = v.trim();
  if (/^\d+$/.test(t)) return Math.min(Number(t) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(t);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}
