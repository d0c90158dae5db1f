import type { FastifyRequest } from 'fastify';
import type { Actor } from '../pipeline/desk.js';
import { invalidRequest } from './http-errors.js';

// Every command is done by a named person (audit log). The UI sends the name picked on its
// "Người dùng" screen in `X-Sohoa-User`, percent-encoded UTF-8 because HTTP headers are Latin-1.

export const USER_HEADER = 'x-sohoa-user';

export function actorOf(req: FastifyRequest): Actor {
  const raw = req.headers[USER_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  let name = '';
  if (value) {
    try {
      name = decodeURIComponent(value);
    } catch {
      name = value;
    }
  }
  name = name.normalize('NFC').trim();
  if (!name || name.length > 100) {
    throw invalidRequest(
      'Chưa chọn người dùng. Hãy chọn tên của bạn ở màn hình "Người dùng" rồi thử lại.',
      `missing or invalid ${USER_HEADER} header`,
    );
  }
  return { name };
}
