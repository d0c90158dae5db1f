import { useState } from 'preact/hooks';
import { api, errorInfo } from '../api.js';
import { S } from '../strings.js';
import type { ErrorInfo, TokenState } from '../types.js';
import { ErrorBanner } from '../components/error-banner.js';

// The PIN pad. The token locks after 3 wrong PINs, so a PIN is sent once, only when the clerk
// touches "Mở khoá", and is forgotten right after — never re-sent by the UI.

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

export function TokenScreen({ token, onToken }: { token: TokenState | null; onToken: (t: TokenState) => void }) {
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const present = !!token?.present;
  const blocked = !!token?.pinLocked;
  const canType = present && !blocked && !busy && !token?.loggedIn;

  const press = (k: string) => {
    setError(null);
    setPin((p) => (p.length < 32 ? p + k : p));
  };
  const submit = async () => {
    const typed = pin;
    setPin('');
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
        <p class={`lead ${present ? '' : 'text-warn'}`} data-testid="token-presence">{present ? S.token.present : S.token.absent}</p>
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
        <div class="pinpad" aria-disabled={!canType}>
          <div class="pin-display" data-testid="pin-display" aria-label={S.token.pinLabel}>
            {busy ? S.token.submitting : pin ? '●'.repeat(pin.length) : S.token.pinLabel}
          </div>
          <div class="pin-keys">
            {KEYS.map((k) => <button class="btn pin-key" key={k} disabled={!canType} onClick={() => press(k)}>{k}</button>)}
            <button class="btn pin-key" disabled={!canType} onClick={() => setPin('')}>{S.token.clear}</button>
            <button class="btn pin-key" disabled={!canType} onClick={() => press('0')}>0</button>
            <button class="btn pin-key" disabled={!canType} onClick={() => setPin((p) => p.slice(0, -1))}>{S.token.back}</button>
          </div>
          <button class="btn btn-primary btn-wide" disabled={!canType || pin.length < 4} onClick={submit}>{S.token.submit}</button>
        </div>
      )}
    </div>
  );
}
