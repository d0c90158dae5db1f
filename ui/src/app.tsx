import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { EventStream, EventsContext } from './events.js';
import { api } from './api.js';
import { S } from './strings.js';
import { currentSession, onSessionChange, type EndReason, type Session } from './session.js';
import { useSessionKeeper } from './session-keeper.js';
import type { ProfileInfo, TokenState } from './types.js';
import { ScanScreen } from './screens/scan.js';
import { StatusScreen } from './screens/status.js';
import { RegisterBookScreen } from './screens/register-book.js';
import { TokenScreen } from './screens/token.js';
import { TechnicianScreen } from './screens/technician.js';
import { LogoutButton, UserScreen } from './screens/user.js';
import { TouchKeyboard } from './components/touch-keyboard.js';
import { NoticeBanner } from './components/notice-banner.js';
import { SignWaitingBanner } from './components/sign-waiting-banner.js';

// The shell: a top bar of big tabs and status pills, and the screens (the person's screen opens
// from the pill with their name: a tab for it too did not fit beside the pills at 1024×600).
// Screens stay mounted (hidden when not shown) so a scan in progress keeps its state while the clerk opens another tab,
// and while the screen is back at the login after a logout or the idle time: the next login finds
// everything as it was. Before the first login only the login is there.

type Screen = 'scan' | 'status' | 'book' | 'token' | 'user' | 'setup';

export function App() {
  const stream = useMemo(() => new EventStream(), []);
  const [session, setSessionState] = useState<Session | null>(currentSession());
  const [ended, setEnded] = useState<EndReason | null>(null);
  const [everIn, setEverIn] = useState(!!currentSession());
  const [screen, setScreen] = useState<Screen>(currentSession() ? 'scan' : 'user');
  const user = session?.name ?? null;
  const currentToken = useRef<string | null>(currentSession()?.token ?? null);
  useSessionKeeper(session);

  useEffect(() => onSessionChange((s, why) => {
    const wasIn = currentToken.current;
    currentToken.current = s?.token ?? null;
    setSessionState(s);
    if (!s) {
      setEnded(why ?? 'logout');
      setScreen('user');
    } else if (s.token !== wasIn) {
      setEnded(null);
      setEverIn(true);
      setScreen((sc) => (sc === 'user' ? 'scan' : sc));
      // The event stream carries jobs and documents only for a live session: reconnect with this
      // one (the screens reload on reconnect, so they show what happened meanwhile).
      stream.restart();
    }
  }), [stream]);
  // Optimistic until the first connection attempt fails: no warning flash while the page loads.
  const [online, setOnline] = useState(true);
  const mainRef = useRef<HTMLElement>(null);
  // Unreachable appliance: every screen is locked (inert: no typing, no touch reaches it) with the
  // reason on top, instead of a form that looks usable and fails on Đăng ký. Nothing is unmounted,
  // so what the clerk typed is still there when the connection is back.
  useEffect(() => {
    if (mainRef.current) mainRef.current.inert = !online;
  }, [online]);
  const [token, setToken] = useState<TokenState | null>(null);
  const [profile, setProfile] = useState<ProfileInfo | null>(null);
  // The screen is shown once the first answer is in (the demo banner above it, or the appliance
  // unreachable): a banner arriving later would move the buttons under a finger already pressing.
  const [settled, setSettled] = useState(false);

  useEffect(() => {
    const offStatus = stream.onStatus((up) => {
      setOnline(up);
      if (!up) setToken(null); // not known while the appliance cannot be asked
      if (up) api.get<TokenState>('/api/token').then(setToken, () => undefined);
      if (up) api.get<ProfileInfo>('/api/status').then(setProfile, () => undefined).finally(() => setSettled(true));
      else setSettled(true);
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
        {session ? (
          <nav class="tabs">
            {tab('scan', S.nav.scan)}
            {tab('status', S.nav.status)}
            {tab('book', S.nav.book)}
            {tab('token', S.nav.token)}
            {session.role === 'technician' && tab('setup', S.setup.tab)}
          </nav>
        ) : <div class="tabs app-name">{S.appName}</div>}
        <div class="pills">
          <button class={`pill ${online ? tokenPillClass(token) : 'pill-warn'}`} data-testid="token-pill" disabled={!session}
            onClick={() => setScreen('token')}>{online ? tokenPillText(token) : S.token.short.unknown}</button>
          {session && (
            <button class="pill pill-ok" data-testid="current-user" onClick={() => setScreen('user')}>{user}</button>
          )}
          {session && <LogoutButton />}
        </div>
      </header>
      {profile && <DemoBanner profile={profile} />}
      {!online && (
        <div class="banner banner-warn banner-offline" role="alert" data-testid="offline">
          <strong>{S.connection.offline}</strong><span class="banner-text">{S.connection.locked}</span>
        </div>
      )}
      <NoticeBanner />
      {session && online && (
        <SignWaitingBanner token={token} showButton={screen !== 'token'} onUnlock={() => setScreen('token')} />
      )}
      {/* Not rendered (rather than hidden) until settled: nothing can be found, measured or pressed
          before the screen stops moving. */}
      <main ref={mainRef} class={online ? '' : 'main-locked'}>
        {settled && everIn && (
          <>
            <section hidden={!session || screen !== 'scan'}><ScanScreen user={user} onNeedUser={() => setScreen('user')} /></section>
            <section hidden={!session || screen !== 'status'}><StatusScreen /></section>
            {session && screen === 'book' && <section><RegisterBookScreen /></section>}
            <section hidden={!session || screen !== 'token'}><TokenScreen token={token} onToken={setToken} /></section>
            {session?.role === 'technician' && screen === 'setup' && <section><TechnicianScreen /></section>}
          </>
        )}
        {settled && <section hidden={!!session && screen !== 'user'}><UserScreen session={session} ended={ended} /></section>}
      </main>
      <TouchKeyboard />
    </EventsContext.Provider>
  );
}

/** Permanent while a demo part runs: a clerk must never take "Đã gửi" from a demo receiver for real. */
function DemoBanner({ profile }: { profile: ProfileInfo }) {
  if (profile.profile !== 'demo' && profile.demoParts.length === 0) return null;
  const text = profile.profile === 'demo' ? S.demo.profile : S.demo.parts(profile.demoParts.map((p) => S.demo.part[p]));
  return (
    <div class="banner banner-demo" role="status" data-testid="demo-banner">
      <strong>{S.demo.label}</strong><span class="banner-text">{text}</span>
    </div>
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
