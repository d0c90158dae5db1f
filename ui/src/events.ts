import { createContext } from 'preact';
import { useContext, useEffect, useRef } from 'preact/hooks';
import type { EventMap, EventName } from './types.js';

// One WebSocket to `/api/events`, reconnecting by itself; screens subscribe to the events they
// show. After a reconnect screens reload from the API (events missed meanwhile are not replayed).

export type AnyEvent = { [K in EventName]: { event: K; data: EventMap[K] } }[EventName];
type Listener = (e: AnyEvent) => void;

export class EventStream {
  private ws: WebSocket | null = null;
  private listeners = new Set<Listener>();
  private statusListeners = new Set<(online: boolean) => void>();
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
  }

  /** A new connection now (e.g. with a new session cookie); listeners see it come online. */
  restart(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const old = this.ws;
    if (old) {
      old.onclose = null;
      old.close();
    }
    this.retry = 0;
    this.open();
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onStatus(fn: (online: boolean) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  private open(): void {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.retry = 0;
      this.statusListeners.forEach((fn) => fn(true));
    };
    ws.onmessage = (m) => {
      let e: AnyEvent;
      try {
        e = JSON.parse(String(m.data)) as AnyEvent;
      } catch {
        return;
      }
      this.listeners.forEach((fn) => fn(e));
    };
    ws.onclose = () => {
      this.statusListeners.forEach((fn) => fn(false));
      if (this.stopped) return;
      // 0.5 s, 1 s, 2 s … capped at 5 s: the appliance restarting is back within seconds.
      const delay = Math.min(5000, 500 * 2 ** this.retry++);
      this.timer = setTimeout(() => this.open(), delay);
    };
  }
}

export const EventsContext = createContext<EventStream | null>(null);

/** Calls `fn` for every event while the component is mounted (latest `fn`, one subscription). */
export function useEvents(fn: Listener): void {
  const stream = useContext(EventsContext);
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => stream?.subscribe((e) => ref.current(e)), [stream]);
}

/** Calls `fn` each time the event stream (re)connects, so a screen reloads what it may have missed. */
export function useReconnect(fn: () => void): void {
  const stream = useContext(EventsContext);
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => stream?.onStatus((online) => online && ref.current()), [stream]);
}
