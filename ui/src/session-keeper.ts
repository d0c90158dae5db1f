import { useEffect } from 'preact/hooks';
import { api } from './api.js';
import { extendSession, type Session } from './session.js';
import type { SessionView } from '../../appliance/accounts/types.js';

// Keeps the screen in step with the appliance's idle expiry. The appliance ends a session after
// its idle time without a command; a person reading or typing in a form at the screen is not
// idle, so touches and keys refresh it now and then. When the end time comes, the screen asks: a
// live session (a command extended it) goes on, an ended one (401) sends the screen to the login
// — the screens stay as they were, and a scan in progress goes on in the appliance.

export function useSessionKeeper(session: Session | null): void {
  const token = session?.token;
  const expiresAt = session?.expiresAt;

  useEffect(() => {
    if (!token || !expiresAt) return;
    let timer: ReturnType<typeof setTimeout>;
    const schedule = (at: string | null) => {
      timer = setTimeout(check, at ? Math.max(1000, Date.parse(at) - Date.now() + 500) : 5000);
    };
    const check = () => {
      api.get<SessionView>('/api/session').then(
        (v) => { extendSession(v.expiresAt); schedule(v.expiresAt); },
        // 401: api.ts already ended the session here; anything else (network): ask again soon.
        () => schedule(null),
      );
    };
    schedule(expiresAt);
    return () => clearTimeout(timer);
    // Rescheduled per session, not per extension: the check itself follows the newer end time.
  }, [token]);

  useEffect(() => {
    if (!token || !expiresAt) return;
    // A quarter of the idle time (at most a minute) between refreshes: cheap, and never late.
    const every = Math.min(60_000, Math.max(1000, (Date.parse(expiresAt) - Date.now()) / 4));
    let last = Date.now();
    const onActivity = () => {
      if (Date.now() - last < every) return;
      last = Date.now();
      api.post<SessionView>('/api/session/refresh').then((v) => extendSession(v.expiresAt), () => undefined);
    };
    document.addEventListener('pointerdown', onActivity, true);
    document.addEventListener('keydown', onActivity, true);
    return () => {
      document.removeEventListener('pointerdown', onActivity, true);
      document.removeEventListener('keydown', onActivity, true);
    };
  }, [token]);
}
