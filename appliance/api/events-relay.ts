import type { FastifyInstance } from 'fastify';
import type { EventBus, EventName, EventMap } from '../events.js';
import type { Desk } from '../pipeline/desk.js';

// `GET /api/events`: every EventBus event goes to every connected screen as `{event, data}`.
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

export function eventsRelay(app: FastifyInstance, bus: EventBus, desk: Desk): void {
  const clients = new Set<WebSocket>();
  const alive = new WeakSet<WebSocket>();

  const unsubscribe = bus.onAny((event, data) => {
    const text = JSON.stringify({ event, data } satisfies EventMessage);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
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

  app.get('/api/events', { websocket: true }, (socket: WebSocket) => {
    clients.add(socket);
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    socket.on('close', () => clients.delete(socket));
    socket.on('error', () => clients.delete(socket));
    // The UI only observes; anything it sends here is ignored.
    socket.send(JSON.stringify({ event: 'token.changed', data: desk.tokenState() } satisfies EventMessage));
  });
}
