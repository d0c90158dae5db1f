import type { Logger } from '../log.js';
import type { UserStore } from './user-store.js';

// `npm start` on a fresh checkout must work with no setup, so the embedded defaults get one demo
// clerk. A provisioned device (a configuration file) never gets one: the technician adds people.

export const DEMO_ACCOUNT = { name: 'Văn thư thử nghiệm', pin: '1234' } as const;

/** Seeds the demo account when `embedded` and there is no users.json yet; true when it did. */
export async function ensureAccounts(store: UserStore, opts: { embedded: boolean; log: Logger }): Promise<boolean> {
  if (await store.exists()) {
    if ((await store.list()).length === 0) opts.log.warn('no accounts in users.json: add people with "sohoa users add"');
    return false;
  }
  if (!opts.embedded) {
    opts.log.warn({ path: store.path }, 'no accounts yet: nobody can log in until the technician runs "sohoa users add"');
    return false;
  }
  await store.add(DEMO_ACCOUNT.name, 'clerk', DEMO_ACCOUNT.pin);
  // Loud, but without the PIN: no PIN is ever written to a log (its PIN is in the README).
  opts.log.warn(
    { path: store.path, name: DEMO_ACCOUNT.name },
    `DEMO ACCOUNT CREATED: "${DEMO_ACCOUNT.name}" with the demo PIN of the README — embedded defaults only; a real device uses "sohoa users add" and removes it`,
  );
  return true;
}
