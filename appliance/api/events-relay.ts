import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountsPort } from '../accounts/types.js';
import type { EventBus, EventName, EventMap } from '../events.js';
import type { Desk } from '../pipeline/desk.js';
import { cookieToken } from './session-auth.js';

// `GET /api/events`: EventBus events go to the connected screens as `{event, data}`. Anyone gets
// the token state (the idle screen's pill); jobs and documents only go to a connection opened with
// a session cookie that is still live when the event happens (the UI reconnects after a login).
// A new connection first gets the current token state, so a screen that (re)connects is never
// left guessing. Dead connections are found by ping and dropped.

export interface EventMessage<K extends EventName = EventName> {
  event: K;
  data: EventMap[K];
}

const PING_MS = 20_000;

/** The part of a `ws` socket used here (the project has no `ws` type declarations). */
interface WebSocket {
  readonly readyState: number;
  readonly OPEN: number;
  send(text: string): void;
  ping(): void;
  terminate(): void;
  on(event: 'pong' | 'close' | 'error', fn: () => void): void;
}

const PUBLIC: ReadonlySet<EventName> = new Set(['token.changed']);

export function eventsRelay(app: FastifyInstance, bus: EventBus, desk: Desk, accounts: AccountsPort): void {
  const clients = new Set<WebSocket>();
  const alive = new WeakSet<WebSocket>();
  const tokens = new WeakMap<WebSocket, string>();

  const unsubscribe = bus.onAny((event, data) => {
    const text = JSON.stringify({ event, data } satisfies EventMessage);
    for (const ws of clients) {
      if (ws.readyState !== ws.OPEN) continue;
      const token = tokens.get(ws);
      if (PUBLIC.has(event) || (token && accounts.isLive(token))) ws.send(text);
    }
  });

  const timer = setInterval(() => {
    for (const ws of clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, PING_MS);
  timer.unref();

  app.addHook('onClose', async () => {
    unsubscribe();
    clearInterval(timer);
    for (const ws of clients) ws.terminate();
    clients.clear();
  });

  app.get('/api/events', { websocket: true, config: { access: 'open' } }, (socket: WebSocket, req: FastifyRequest) => {
    const token = cookieToken(req);
    if (token) tokens.set(socket, token);
    clients.add(socket);
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    socket.on('close', () => clients.delete(socket));
    socket.on('error', () => clients.delete(socket));
    // The UI only observes; anything it sends here is ignored.
    socket.send(JSON.stringify({ event: 'token.changed', data: desk.tokenState() } satisfies EventMessage));
  });
}
