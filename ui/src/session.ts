// The person logged in on this screen: their session token (sent as `Authorization: Bearer` with
// every call) and how long it lasts. Kept in sessionStorage, so a reload keeps the login and
// closing the browser ends it. The appliance decides when a session ends; this only follows.
import type { SessionView } from '../../appliance/accounts/types.js';

export type Session = SessionView & { token: string };
/** Why the screen went back to the login: the person left, or the session ran out. */
export type EndReason = 'logout' | 'expired';

const KEY = 'sohoa.session';
let current: Session | null = load();
const listeners = new Set<(s: Session | null, why?: EndReason) => void>();

function load(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return s && typeof s.token === 'string' && typeof s.name === 'string' ? s : null;
  } catch {
    return null;
  }
}

export function currentSession(): Session | null {
  return current;
}

export function setSession(s: Session | null, why?: EndReason): void {
  if (!s && !current) return;
  current = s;
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
  listeners.forEach((fn) => fn(s, why));
}

/** A newer end time from the appliance (a command or a refresh extended the session). */
export function extendSession(expiresAt: string): void {
  if (current && expiresAt !== current.expiresAt) setSession({ ...current, expiresAt });
}

export function onSessionChange(fn: (s: Session | null, why?: EndReason) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
