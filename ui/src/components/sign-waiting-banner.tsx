import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useEvents, useReconnect } from '../events.js';
import { S } from '../strings.js';
import type { DocumentView, TokenState } from '../types.js';

// Registered documents wait for the token to be unlocked before they are signed and sent; the
// PIN is held only in memory, so after a restart (or a lock) they wait until a person types it.
// This banner says so on every screen and leads to the token's PIN pad. It asks the appliance
// only while the token is plugged in and closed, and again when a document or the token changes.

export function SignWaitingBanner({ token, onUnlock, showButton }: { token: TokenState | null; onUnlock: () => void; showButton: boolean }) {
  const [waiting, setWaiting] = useState(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const closed = !!token?.present && !token.loggedIn && !token.pinLocked;

  const load = useCallback(() => {
    if (!closed) return setWaiting(0);
    api.get<DocumentView[]>('/api/documents').then(
      // 'signing' too: with the token closed the queue's try ends back in 'registered' (it cannot
      // sign); counting only 'registered' made the banner vanish and come back under the clerk.
      (docs) => setWaiting(docs.filter((d) => d.state === 'registered' || d.state === 'signing').length),
      () => undefined,
    );
  }, [closed]);
  useEffect(load, [load]);
  useReconnect(load);
  useEvents((e) => {
    if (e.event !== 'document.changed') return;
    if (pending.current) clearTimeout(pending.current);
    pending.current = setTimeout(load, 150);
  });

  if (!closed || waiting === 0) return null;
  return (
    <div class="banner banner-warn" role="status" data-testid="sign-waiting">
      <span class="banner-text">{S.token.waitingToSign(waiting)}</span>
      {showButton && <button class="btn btn-primary" onClick={onUnlock}>{S.token.goUnlock}</button>}
    </div>
  );
}
