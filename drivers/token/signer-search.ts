import { X509Certificate } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Call } from './pkcs11-module.js';
import type { KeyType } from './sign-mechanisms.js';
import { tokenError } from './token-errors.js';

// Finding what signs on the token: the end-entity certificate and the private key with its
// CKA_ID (and whether that key demands the PIN before each signature). Object search only; the
// session and the login it needs are cryptoki.ts's.

const {
  CKA_ALWAYS_AUTHENTICATE, CKO_CERTIFICATE, CKO_PRIVATE_KEY, CKA_CLASS, CKA_ID, CKA_VALUE, CKA_CERTIFICATE_TYPE, CKC_X_509, CKA_SIGN,
} = pkcs11js;

export interface Signer {
  cert: Buffer;
  id: Buffer;
  key: Buffer | null;
  keyType: KeyType;
  /** CKA_ALWAYS_AUTHENTICATE: the key wants C_Login(CKU_CONTEXT_SPECIFIC) after each C_SignInit. */
  alwaysAuth: boolean;
}

/**
 * The certificate (X.509, not a CA) and, when `loggedIn`, the private key with the same CKA_ID,
 * on the token labelled `label` (for the errors).
 */
export function searchSigner(call: Call, session: Buffer, label: string, loggedIn: boolean): Signer {
  const certs = find(call, session, [{ type: CKA_CLASS, value: CKO_CERTIFICATE }, { type: CKA_CERTIFICATE_TYPE, value: CKC_X_509 }]);
  const candidates: Signer[] = [];
  for (const h of certs) {
    const attrs = call('C_GetAttributeValue', (p) => p.C_GetAttributeValue(session, h, [{ type: CKA_VALUE }, { type: CKA_ID }]));
    const der = attrs[0]?.value;
    const id = attrs[1]?.value;
    if (!der || !id) continue;
    let x: X509Certificate;
    try { x = new X509Certificate(der); } catch { continue; }
    if (x.ca) continue;
    const keyType = x.publicKey.asymmetricKeyType === 'ec' ? 'ec' : 'rsa';
    candidates.push({ cert: Buffer.from(der), id: Buffer.from(id), key: null, keyType, alwaysAuth: false });
  }
  if (candidates.length === 0) throw tokenError('token.certificate', `token "${label}" holds no end-entity X.509 certificate`);
  if (!loggedIn) return candidates[0]!;
  for (const c of candidates) {
    const keys = find(call, session, [{ type: CKA_CLASS, value: CKO_PRIVATE_KEY }, { type: CKA_ID, value: c.id }, { type: CKA_SIGN, value: true }]);
    if (keys[0]) return { ...c, key: keys[0], alwaysAuth: alwaysAuthenticate(call, session, keys[0]) };
  }
  throw tokenError('token.key-missing', `no private signing key on "${label}" has the CKA_ID of its certificate (${candidates.map((c) => c.id.toString('hex')).join(', ')})`);
}

/** CKA_ALWAYS_AUTHENTICATE of a private key; tokens that do not know the attribute do not demand it. */
function alwaysAuthenticate(call: Call, session: Buffer, key: Buffer): boolean {
  try {
    const v = call('C_GetAttributeValue', (p) => p.C_GetAttributeValue(session, key, [{ type: CKA_ALWAYS_AUTHENTICATE }]))[0]?.value;
    return Buffer.isBuffer(v) ? v.some((b) => b !== 0) : Boolean(v);
  } catch {
    return false;
  }
}

function find(call: Call, session: Buffer, template: pkcs11js.Template): Buffer[] {
  call('C_FindObjectsInit', (p) => p.C_FindObjectsInit(session, template));
  try {
    return call('C_FindObjects', (p) => p.C_FindObjects(session, 64));
  } finally {
    call('C_FindObjectsFinal', (p) => p.C_FindObjectsFinal(session));
  }
}
