import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountsPort } from '../accounts/types.js';
import { SohoaError } from '../errors.js';
import type { EventBus, EventName, EventMap } from '../events.js';
import type { Desk } from '../pipeline/desk.js';
import { optionalSession, publicTokenState } from './public-view.js';

// `GET /api/events`: EventBus events go to the connected screens as `{event, data}`. Jobs,
// documents and the full token state only go to a connection opened with a session (the cookie
// the browser sends, or Bearer for a non-browser client) that is still live when the event
// happens (the UI reconnects after a login); anyone else gets the public token state only
// (public-view.ts). A browser's connection must come from a page of this appliance: a foreign
// Origin is refused, so a page of another site cannot listen with the clerk's cookie; a client
// that sends no Origin (not a browser) must have a session. A new connection first gets the
// current token state. Dead connections are found by ping and dropped.

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

const FOREIGN_VI = 'Kết nối bị từ chối: chỉ màn hình của máy này mới được nhận thông báo.';

/** Whether the Origin a browser sent names this very host and port (what the page was loaded from). */
function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && host !== undefined && u.host === host.toLowerCase();
  } catch {
    return false; // "null" (a sandboxed or file page) and anything unparsable
  }
}

export function eventsRelay(app: FastifyInstance, bus: EventBus, desk: Desk, accounts: AccountsPort): void {
  const clients = new Set<WebSocket>();
  const alive = new WeakSet<WebSocket>();
  const tokens = new WeakMap<WebSocket, string>();

  const unsubscribe = bus.onAny((event, data) => {
    const text = JSON.stringify({ event, data } satisfies EventMessage);
    const publicText = event === 'token.changed' ? JSON.stringify({ event, data: publicTokenState(data as EventMap['token.changed']) }) : null;
    for (const ws of clients) {
      if (ws.readyState !== ws.OPEN) continue;
      const token = tokens.get(ws);
      if (token && accounts.isLive(token)) ws.send(text);
      else if (publicText) ws.send(publicText);
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

  // Checked before the upgrade: a refusal is a plain HTTP 403, no socket is opened.
  const admit = async (req: FastifyRequest) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !sameOrigin(origin, req.headers.host)) {
      throw new SohoaError('session.forbidden', FOREIGN_VI, `event stream refused: Origin ${origin} is not this appliance (${req.headers.host ?? 'no Host'})`);
    }
    const found = await optionalSession(req, accounts);
    if (origin === undefined && !found) {
      throw new SohoaError('session.forbidden', FOREIGN_VI, 'event stream refused: no Origin (not a browser) and no session');
    }
    req.sohoaSession = found?.session ?? null;
    req.sohoaToken = found?.token ?? null;
  };

  app.get('/api/events', { websocket: true, config: { access: 'open' }, preValidation: admit }, (socket: WebSocket, req: FastifyRequest) => {
    if (req.sohoaToken) tokens.set(socket, req.sohoaToken);
    clients.add(socket);
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    socket.on('close', () => clients.delete(socket));
    socket.on('error', () => clients.delete(socket));
    // The UI only observes; anything it sends here is ignored.
    const state = desk.tokenState();
    socket.send(JSON.stringify({ event: 'token.changed', data: req.sohoaToken ? state : publicTokenState(state) }));
  });
}
