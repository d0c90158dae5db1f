import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useEvents, useReconnect } from '../events.js';
import { S } from '../strings.js';
import type { Notice } from '../types.js';

/**
 * What the desk must show until a technician deals with it (a state file set aside at start):
 * on every screen, the login included, from GET /api/status (open), reloaded when the event
 * stream reconnects or a new notice is announced. Not dismissable: it goes when the cause does.
 */
export function NoticeBanner() {
  const [notices, setNotices] = useState<Notice[]>([]);
  const load = useCallback(() => {
    api.get<{ notices?: Notice[] }>('/api/status').then((st) => setNotices(st.notices ?? []), () => undefined);
  }, []);
  useEffect(load, [load]);
  useReconnect(load);
  useEvents((e) => { if (e.event === 'notice.added') load(); });
  if (notices.length === 0) return null;
  // One banner whatever the number: the desk stays usable under it.
  return (
    <div class="notices" role="alert" aria-label={S.notices.title}>
      <div class="banner banner-warn" data-testid="notices">
        {notices.length === 1 ? (
          <span class="banner-text" data-testid="notice" data-store={notices[0]!.store}>{notices[0]!.message}</span>
        ) : (
          <div class="banner-text">
            {S.notices.several(notices.length)}
            <ul class="notice-list">
              {notices.map((n) => <li key={n.path} data-testid="notice" data-store={n.store}>{n.path}</li>)}
            </ul>
          </div>
        )}
      </div>
    </div>
  );
}
