import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// PINs are stored as `scrypt$N$r$p$salt$hash` (base64url), a fresh 16-byte salt per user. scrypt is
// in Node itself; N=2^14, r=8 costs ~16 MB and a few tens of ms: cheap for one login, slow for a
// guesser holding a copy of users.json (a 4–8 digit PIN is a small space, hence the login lockout).

const N = 16384;
const R = 8;
const P = 1;
const KEY_LEN = 32;

export const PIN_PATTERN = /^\d{4,8}$/;

export function isValidPin(pin: string): boolean {
  return PIN_PATTERN.test(pin);
}

function derive(pin: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pin.normalize('NFC'), salt, KEY_LEN, { ...opts, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(pin, salt, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `pin` matches; false for a wrong PIN or an unreadable hash (never throws on input). */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  if (expected.length !== KEY_LEN) return false;
  const key = await derive(pin, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(key, expected);
}
