import type { ErrorInfo } from '../types.js';
import { S } from '../strings.js';

/** A failure, in the appliance's plain Vietnamese, until the clerk dismisses it. */
export function ErrorBanner({ error, onDismiss }: { error: ErrorInfo | null; onDismiss?: () => void }) {
  if (!error) return null;
  return (
    <div class="banner banner-error" role="alert" data-code={error.code}>
      <span class="banner-text">{error.message}</span>
      {onDismiss && <button class="btn btn-small" onClick={onDismiss}>{S.errors.dismiss}</button>}
    </div>
  );
}
