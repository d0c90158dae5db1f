import type { FastifyInstance } from 'fastify';
import type { AccountsPort } from '../accounts/types.js';
import { SohoaError } from '../errors.js';
import { emptyBody, loginBody } from './schemas.js';
import { clearSessionCookie, setSessionCookie } from './session-auth.js';

// Logging in and out of the desk. The PIN goes straight to the accounts module: never logged,
// echoed or kept here. Answers are never cached (they carry the token).
//   GET    /api/users             the login picker's names (open)
//   POST   /api/session           {name, pin} → {token, name, role, expiresAt} (open) + cookie
//   GET    /api/session           {name, role, expiresAt} of the caller's session (read)
//   POST   /api/session/refresh   the person is still at the screen: restarts the idle time (command)
//   DELETE /api/session           logout (command)

export function sessionRoutes(app: FastifyInstance, accounts: AccountsPort): void {
  app.get('/api/users', { config: { access: 'open' } }, async () => accounts.names());

  app.post<{ Body: { name: string; pin: string } }>(
    '/api/session',
    { config: { access: 'open' }, schema: { body: loginBody } },
    async (req, reply) => {
      const session = await accounts.login(req.body.name, req.body.pin);
      setSessionCookie(reply, session.token);
      return reply.header('cache-control', 'no-store').send(session);
    },
  );

  app.get('/api/session', async (req, reply) => reply.header('cache-control', 'no-store').send(req.sohoaSession));

  app.post('/api/session/refresh', { schema: { body: emptyBody } }, async (req, reply) => reply.header('cache-control', 'no-store').send(req.sohoaSession));

  app.delete('/api/session', { schema: { body: emptyBody } }, async (req, reply) => {
    if (!req.sohoaToken || !(await accounts.logout(req.sohoaToken))) {
      throw new SohoaError('session.expired', 'Phiên làm việc đã kết thúc.', 'session already ended');
    }
    clearSessionCookie(reply);
    return { ok: true };
  });
}
