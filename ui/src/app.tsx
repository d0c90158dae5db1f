import { useEffect, useMemo, useState } from 'preact/hooks';
import { EventStream, EventsContext } from './events.js';
import { api } from './api.js';
import { S } from './strings.js';
import { currentUser } from './user.js';
import type { TokenState } from './types.js';
import { ScanScreen } from './screens/scan.js';
import { StatusScreen } from './screens/status.js';
import { TokenScreen } from './screens/token.js';
import { UserScreen } from './screens/user.js';
import { TouchKeyboard } from './components/touch-keyboard.js';

// The shell: a top bar of big tabs and status pills, and the four screens. Screens stay mounted
// (hidden when not shown) so a scan in progress keeps its state while the clerk opens another tab.

type Screen = 'scan' | 'status' | 'token' | 'user';

export function App() {
  const stream = useMemo(() => new EventStream(), []);
  const [user, setUser] = useState<string | null>(currentUser());
  const [screen, setScreen] = useState<Screen>(currentUser() ? 'scan' : 'user');
  // Optimistic until the first connection attempt fails: no warning flash while the page loads.
  const [online, setOnline] = useState(true);
  const [token, setToken] = useState<TokenState | null>(null);

  useEffect(() => {
    const offStatus = stream.onStatus((up) => {
      setOnline(up);
      if (up) api.get<TokenState>('/api/token').then(setToken, () => undefined);
    });
    const offEvents = stream.subscribe((e) => {
      if (e.event === 'token.changed') setToken(e.data);
    });
    stream.start();
    return () => {
      offStatus();
      offEvents();
      stream.stop();
    };
  }, [stream]);

  const tab = (id: Screen, label: string) => (
    <button class={`tab ${screen === id ? 'tab-active' : ''}`} data-tab={id} onClick={() => setScreen(id)}>{label}</button>
  );

  return (
    <EventsContext.Provider value={stream}>
      <header class="topbar">
        <nav class="tabs">
          {tab('scan', S.nav.scan)}
          {tab('status', S.nav.status)}
          {tab('token', S.nav.token)}
          {tab('user', S.nav.user)}
        </nav>
        <div class="pills">
          <button class={`pill ${tokenPillClass(token)}`} onClick={() => setScreen('token')}>{tokenPillText(token)}</button>
          <button class={`pill ${user ? 'pill-ok' : 'pill-warn'}`} data-testid="current-user" onClick={() => setScreen('user')}>
            {user ?? S.user.none}
          </button>
        </div>
      </header>
      {!online && <div class="banner banner-warn" role="status">{S.connection.offline}</div>}
      <main>
        <section hidden={screen !== 'scan'}><ScanScreen user={user} onNeedUser={() => setScreen('user')} /></section>
        <section hidden={screen !== 'status'}><StatusScreen /></section>
        <section hidden={screen !== 'token'}><TokenScreen token={token} onToken={setToken} /></section>
        <section hidden={screen !== 'user'}>
          <UserScreen user={user} onChoose={(n) => { setUser(n); if (n) setScreen('scan'); }} />
        </section>
      </main>
      <TouchKeyboard />
    </EventsContext.Provider>
  );
}

function tokenPillClass(t: TokenState | null): string {
  if (!t || !t.present) return 'pill-warn';
  if (t.pinLocked) return 'pill-bad';
  return t.loggedIn ? 'pill-ok' : 'pill-warn';
}

function tokenPillText(t: TokenState | null): string {
  if (!t || !t.present) return S.token.short.absent;
  if (t.pinLocked) return S.token.short.blocked;
  return t.loggedIn ? S.token.short.ok : S.token.short.locked;
}
