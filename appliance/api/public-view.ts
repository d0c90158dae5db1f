import type { FastifyRequest } from 'fastify';
import type { AccountsPort, SessionView } from '../accounts/types.js';
import type { TokenState } from '../events.js';
import { bearerToken, cookieToken } from './session-auth.js';

// What the open routes and the event stream tell someone without a session: only whether the
// signing token is there and unlocked (the idle screen's pill). Its label, serial and PIN retry
// flags, and everything about documents, are for a logged-in person.

export type PublicTokenState = Pick<TokenState, 'present' | 'loggedIn'>;

export function publicTokenState(s: TokenState): PublicTokenState {
  return { present: s.present, loggedIn: s.loggedIn };
}

/** The live session a request on an open route carries (Bearer, else the cookie), if any. */
export async function optionalSession(req: FastifyRequest, accounts: AccountsPort): Promise<{ token: string; session: SessionView } | null> {
  const token = bearerToken(req) ?? cookieToken(req);
  const session = token ? await accounts.session(token) : undefined;
  return token && session ? { token, session } : null;
}
