import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, errorInfo } from '../api.js';
import { useReconnect } from '../events.js';
import { S } from '../strings.js';
import { setSession, type EndReason, type Session } from '../session.js';
import type { ErrorInfo } from '../types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { PinPad } from '../components/pin-pad.js';

// "Người dùng": logged out, the login — touch your name (the appliance's list of accounts), type
// your PIN on the pad; logged in, who is working and "Đăng xuất". Wrong PINs and a locked name are
// explained by the appliance's own Vietnamese message.

export function UserScreen({ session, ended }: { session: Session | null; ended: EndReason | null }) {
  return session ? <CurrentUser session={session} /> : <Login ended={ended} />;
}

function CurrentUser({ session }: { session: Session }) {
  return (
    <div class="screen">
      <h1>{S.nav.user}</h1>
      <p class="lead" data-testid="user-current">{S.user.current(session.name)}</p>
      <p class="hint">{S.user.role[session.role]}</p>
      <LogoutButton wide />
    </div>
  );
}

export function LogoutButton({ wide = false }: { wide?: boolean }) {
  const logout = async () => {
    // Logged out here even if the appliance cannot be reached: the next person must log in.
    await api.delete('/api/session').catch(() => undefined);
    setSession(null, 'logout');
  };
  return <button class={wide ? 'btn btn-wide btn-logout' : 'pill pill-logout'} data-testid={wide ? 'logout-wide' : 'logout'} onClick={logout}>{S.user.logout}</button>;
}

function Login({ ended }: { ended: EndReason | null }) {
  const [names, setNames] = useState<string[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const load = useCallback(async () => {
    try {
      const list = await api.get<string[]>('/api/users');
      setNames(list);
      setChosen((c) => (c && list.includes(c) ? c : list.length === 1 ? list[0]! : null));
    } catch (err) {
      setError(errorInfo(err));
    }
  }, []);
  useEffect(() => void load(), [load]);
  useReconnect(load);

  const submit = async (pin: string) => {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      setSession(await api.post<Session>('/api/session', { name: chosen, pin }));
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };

  if (names && names.length === 0) {
    return (
      <div class="screen">
        <h1>{S.user.title}</h1>
        <p class="lead text-warn" data-testid="no-accounts">{S.user.noAccounts}</p>
        <p class="hint">{S.user.noAccountsHint}</p>
      </div>
    );
  }
  return (
    <div class="screen login-screen">
      <div class="login-names">
        <h1>{S.user.title}</h1>
        {ended === 'expired' && <div class="banner banner-warn" role="status" data-testid="session-expired">{S.user.expired}</div>}
        {ended === 'logout' && <p class="text-ok">{S.user.loggedOut}</p>}
        <p class="lead">{S.user.intro}</p>
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
        <div class="user-list" role="list" aria-label={S.user.pickName}>
          {(names ?? []).map((n) => (
            <button class={`btn btn-user ${n === chosen ? 'btn-primary' : ''}`} key={n} role="listitem"
              onClick={() => { setChosen(n); setError(null); }}>{n}</button>
          ))}
        </div>
      </div>
      <div class="login-pin">
        <p class="lead">{chosen ? S.user.pinFor(chosen) : S.user.pickName}</p>
        <PinPad label={S.user.pinLabel} submitLabel={S.user.submit} busyText={S.user.submitting} busy={busy}
          disabled={!chosen} minLength={4} maxLength={8} testId="login-pin" onType={() => setError(null)} onSubmit={submit} />
      </div>
    </div>
  );
}
