import type { ErrorInfo } from './types.js';
import { S } from './strings.js';
import { currentSession, setSession } from './session.js';

// The only door to the appliance: JSON over HTTP, in the logged-in person's session. Failures
// arrive as ApiError carrying the appliance's Vietnamese message, ready to show. A call refused
// because the session is over (401) sends the screen back to the login.

export class ApiError extends Error {
  constructor(readonly info: ErrorInfo, readonly status: number) {
    super(info.message);
  }
}

async function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const session = currentSession();
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError({ code: 'internal', message: S.errors.network, detail: String(err) }, 0);
  }
  const data = (await res.json().catch(() => null)) as { error?: ErrorInfo } | null;
  if (res.status === 401 && session && currentSession()?.token === session.token) setSession(null, 'expired');
  if (!res.ok) {
    throw new ApiError(data?.error ?? { code: 'internal', message: S.errors.network, detail: `HTTP ${res.status}` }, res.status);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body?: unknown) => call<T>('POST', path, body ?? {}),
  delete: <T>(path: string) => call<T>('DELETE', path),
};

export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof ApiError) return err.info;
  return { code: 'internal', message: S.errors.network, detail: String(err) };
}
