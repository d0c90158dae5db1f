import type { FastifyRequest } from 'fastify';
import type { Actor } from '../pipeline/desk.js';
import { SohoaError } from '../errors.js';

// Every command is done by a named person (audit log): the one whose session the request carries
// (session-auth.ts checked it before the handler ran). Nothing the client sends names the actor.

export function actorOf(req: FastifyRequest): Actor {
  if (!req.sohoaSession) throw new SohoaError('session.required', 'Bạn chưa đăng nhập.', 'no session on a command route');
  return { name: req.sohoaSession.name };
}
