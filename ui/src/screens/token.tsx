import { useState } from 'preact/hooks';
import { api, errorInfo } from '../api.js';
import { S } from '../strings.js';
import type { ErrorInfo, TokenState } from '../types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { PinPad } from '../components/pin-pad.js';

// The token's PIN pad. The token locks after 3 wrong PINs, so a PIN is sent once, only when the
// clerk touches "Mở khoá", and is forgotten right after — never re-sent by the UI.

export function TokenScreen({ token, onToken }: { token: TokenState | null; onToken: (t: TokenState) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const present = !!token?.present;
  const blocked = !!token?.pinLocked;
  const canType = present && !blocked && !busy && !token?.loggedIn;

  const submit = async (typed: string) => {
    setBusy(true);
    try {
      onToken(await api.post<TokenState>('/api/token/unlock', { pin: typed }));
      setError(null);
    } catch (err) {
      setError(errorInfo(err));
      // The appliance reports the new retry flags in a token.changed event; ask too, in case it was missed.
      api.get<TokenState>('/api/token').then(onToken, () => undefined);
    } finally {
      setBusy(false);
    }
  };
  const lock = async () => {
    setBusy(true);
    try {
      onToken(await api.post<TokenState>('/api/token/lock'));
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="screen token-screen">
      <div class="token-info">
        <h1>{S.token.title}</h1>
        {/* null: not known (appliance unreachable or not asked yet) — never shown as "not plugged in". */}
        <p class={`lead ${present || !token ? '' : 'text-warn'}`} data-testid="token-presence">
          {!token ? S.token.unknown : present ? S.token.present : S.token.absent}
        </p>
        {token?.label && <p>{S.token.label(token.label)}</p>}
        {present && !blocked && <p class={token?.loggedIn ? 'text-ok' : ''}>{token?.loggedIn ? S.token.unlocked : S.token.locked}</p>}
        {token?.pinCountLow && !token.pinFinalTry && !blocked && <p class="flag flag-warn" data-flag="low">{S.token.pinLow}</p>}
        {token?.pinFinalTry && !blocked && <p class="flag flag-bad" data-flag="final">{S.token.pinFinal}</p>}
        {blocked && <p class="flag flag-bad" data-flag="locked">{S.token.pinLocked}</p>}
        {token?.error && <ErrorBanner error={token.error} />}
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
        <p class="hint">{S.token.neverRetried}</p>
        {token?.loggedIn && <button class="btn btn-wide" onClick={lock} disabled={busy}>{S.token.lock}</button>}
      </div>
      {!token?.loggedIn && (
        <PinPad label={S.token.pinLabel} submitLabel={S.token.submit} busyText={S.token.submitting} busy={busy}
          disabled={!canType} minLength={4} maxLength={32} testId="pin-display" onType={() => setError(null)} onSubmit={submit} />
      )}
    </div>
  );
}
