/**
 * A secret (a PIN) as it would show if it leaked into a log or a file: the digits standing alone,
 * not inside a longer number or word. A plain substring check fails by chance — a log's
 * timestamps (13 digits), response times (0.5647380…) and hashes hold every six digits sometimes.
 */
export function standingAlone(secret: string): RegExp {
  return new RegExp(`(?<![0-9A-Za-z.])${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9A-Za-z])`);
}
