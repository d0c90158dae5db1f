import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountsPort, SessionView } from '../accounts/types.js';
import { SohoaError } from '../errors.js';

// Who is asking. A person logs in with name + PIN (routes-session.ts) and gets a token, which comes
// back two ways: `Authorization: Bearer <token>` (the UI's fetch calls) and an HttpOnly, SameSite
// cookie (what <img> previews, PDF links and the WebSocket can carry). Access per route:
//   open     no session: status/health, token state, login picker names, login itself, events
//            (events filter what a connection without a live session gets: events-relay.ts)
//   read     GET under /api/: Bearer or cookie; does not extend the session (screens poll)
//   command  POST/DELETE under /api/: Bearer only (a cookie alone never commands anything, so no
//            other page can act through the browser), and it restarts the idle time
// The actor of a command is the session's person, never anything the client says.

export type Access = 'open' | 'read' | 'command';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Overrides the access a route's method implies (see session-auth.ts). */
    access?: Access;
  }
  interface FastifyRequest {
    /** The live session of this request, set before the handler of a read or command. */
    sohoaSession: SessionView | null;
    /** Its token (logout ends it). */
    sohoaToken: string | null;
  }
}

export const SESSION_COOKIE = 'sohoa_session';

const NOT_LOGGED_IN_VI = 'Bạn chưa đăng nhập. Hãy chọn tên của bạn và nhập mã PIN ở màn hình "Người dùng".';
const EXPIRED_VI = 'Phiên làm việc đã hết hạn hoặc không hợp lệ. Hãy đăng nhập lại bằng tên và mã PIN của bạn.';

export function bearerToken(req: FastifyRequest): string | null {
  const m = /^Bearer\s+([A-Za-z0-9_-]{1,200})\s*$/i.exec(req.headers.authorization ?? '');
  return m ? m[1]! : null;
}

export function cookieToken(req: FastifyRequest): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.split('=', 2).map((x) => x.trim());
    if (k === SESSION_COOKIE && v && /^[A-Za-z0-9_-]{1,200}$/.test(v)) return v;
  }
  return null;
}

export function setSessionCookie(reply: FastifyReply, token: string): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`);
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`);
}

function accessOf(req: FastifyRequest): Access {
  const url = req.routeOptions.url;
  // Unknown routes (404) and the touchscreen app's files are not the API.
  if (!url || !url.startsWith('/api/')) return 'open';
  return req.routeOptions.config.access ?? (req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'command');
}

export function sessionAuth(app: FastifyInstance, accounts: AccountsPort): void {
  app.decorateRequest('sohoaSession', null);
  app.decorateRequest('sohoaToken', null);
  app.addHook('onRequest', async (req) => {
    const access = accessOf(req);
    if (access === 'open') return;
    const bearer = bearerToken(req);
    const token = bearer ?? (access === 'read' ? cookieToken(req) : null);
    if (!token) {
      throw new SohoaError('session.required', NOT_LOGGED_IN_VI,
        access === 'command' ? 'commands need Authorization: Bearer <session token>' : 'no session token');
    }
    const session = await accounts.session(token, { touch: access === 'command' });
    if (!session) throw new SohoaError('session.expired', EXPIRED_VI, 'unknown, expired or ended session token');
    req.sohoaSession = session;
    req.sohoaToken = token;
  });
}
