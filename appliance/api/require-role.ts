import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../accounts/types.js';
import { SohoaError } from '../errors.js';

// The one place that decides who may do a technician's action (accounts, settings and
// provisioning, restore, queue hold/release/export): a route hook, so the refusal is the API's
// (403, in Vietnamese), not only a hidden button. It runs as the route's onRequest hook, right
// after session-auth.ts found the session and before the body is even validated: a clerk learns
// nothing from a technician route but "not for you". The session's role is re-read from
// users.json on every request, so a change by the technician counts at once.
//
//   app.post('/api/accounts', { onRequest: requireRole('technician'), schema: … }, handler)

const ROLE_VI: Record<Role, string> = { clerk: 'văn thư', technician: 'kỹ thuật viên' };

export type RoleHook = ((req: FastifyRequest, reply: FastifyReply) => Promise<void>) & {
  /** The role the route needs (tests find every technician route by it). */
  readonly role: Role;
};

export function requireRole(role: Role): RoleHook {
  const hook = async (req: FastifyRequest) => {
    const s = req.sohoaSession;
    if (!s) throw new SohoaError('session.required', 'Bạn chưa đăng nhập.', `no session on a ${role} route`);
    if (s.role !== role) {
      throw new SohoaError('session.forbidden',
        `Chỉ ${ROLE_VI[role]} mới được làm việc này. Hãy nhờ ${ROLE_VI[role]} đăng nhập bằng tài khoản của mình.`,
        `${s.role} may not ${req.method} ${req.routeOptions.url ?? req.url} (needs ${role})`);
    }
  };
  return Object.assign(hook, { role });
}
