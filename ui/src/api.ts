import type { ErrorInfo } from './types.js';
import { S } from './strings.js';
import { currentUser } from './user.js';

// The only door to the appliance: JSON over HTTP. Failures arrive as ApiError carrying the
// appliance's Vietnamese message, ready to show.

export class ApiError extends Error {
  constructor(readonly info: ErrorInfo, readonly status: number) {
    super(info.message);
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const user = currentUser();
  // HTTP headers are Latin-1: the Vietnamese name travels percent-encoded.
  if (user) headers['x-sohoa-user'] = encodeURIComponent(user);
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError({ code: 'internal', message: S.errors.network, detail: String(err) }, 0);
  }
  const data = (await res.json().catch(() => null)) as { error?: ErrorInfo } | null;
  if (!res.ok) {
    throw new ApiError(data?.error ?? { code: 'internal', message: S.errors.network, detail: `HTTP ${res.status}` }, res.status);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body?: unknown) => call<T>('POST', path, body ?? {}),
};

export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof ApiError) return err.info;
  return { code: 'internal', message: S.errors.network, detail: String(err) };
}
