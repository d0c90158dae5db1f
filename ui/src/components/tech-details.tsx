import { S } from '../strings.js';

/**
 * Technical identifiers (device names, status codes, signature levels, raw errors) folded away
 * under "Chi tiết": the clerk's screen stays in plain words, a technician opens the fold.
 * Rows without a value are left out; nothing at all when no row has one.
 */
export function TechDetails({ rows, testId }: { rows: [string, string | number | null | undefined][]; testId?: string }) {
  const shown = rows.filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (shown.length === 0) return null;
  return (
    <details class="tech-details" data-testid={testId}>
      <summary>{S.details.summary}</summary>
      <dl>
        {shown.map(([k, v]) => [<dt key={`${k}-t`}>{k}</dt>, <dd key={`${k}-d`}>{String(v)}</dd>])}
      </dl>
    </details>
  );
}
