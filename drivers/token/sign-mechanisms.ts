import pkcs11js from 'pkcs11js';
import { sha256, sha256DigestInfo } from './signature-der.js';
import { tokenError } from './token-errors.js';
import type { SignMechanism } from './token.js';

// Which PKCS#11 mechanism makes which signature, given the key's type and what the token offers,
// and the bytes that mechanism must be given (the data, its DigestInfo, or its hash). Pure
// decisions, apart from cryptoki.ts so the choice reads in one place and needs no token.

const {
  CKM_SHA256_RSA_PKCS, CKM_RSA_PKCS, CKM_SHA256_RSA_PKCS_PSS, CKM_SHA256, CKG_MGF1_SHA256, CK_PARAMS_RSA_PSS, CKM_ECDSA, CKM_ECDSA_SHA256,
} = pkcs11js;

export type KeyType = 'rsa' | 'ec';

/** The signatures a key of `keyType` can make on a token offering the mechanisms `have`. */
export function mechanismsFor(keyType: KeyType, have: Set<number>): SignMechanism[] {
  const out: SignMechanism[] = [];
  if (keyType === 'rsa') {
    if (have.has(CKM_SHA256_RSA_PKCS) || have.has(CKM_RSA_PKCS)) out.push('RSA-PKCS1-SHA256');
    if (have.has(CKM_SHA256_RSA_PKCS_PSS)) out.push('RSA-PSS-SHA256');
  } else if (have.has(CKM_ECDSA_SHA256) || have.has(CKM_ECDSA)) {
    out.push('ECDSA-SHA256');
  }
  return out;
}

/** The mechanism for C_SignInit and the input for C_Sign; token.key-missing when the key cannot make `mechanism`. */
export function signingInput(mechanism: SignMechanism, keyType: KeyType, have: Set<number>, data: Uint8Array): { mech: pkcs11js.Mechanism; input: Buffer } {
  let mech: { mechanism: number; parameter?: unknown };
  let input: Buffer;
  if (mechanism === 'RSA-PKCS1-SHA256' && keyType === 'rsa') {
    // Tokens without the combined mechanism still sign a DigestInfo with raw CKM_RSA_PKCS.
    [mech, input] = have.has(CKM_SHA256_RSA_PKCS) ? [{ mechanism: CKM_SHA256_RSA_PKCS }, Buffer.from(data)] : [{ mechanism: CKM_RSA_PKCS }, sha256DigestInfo(data)];
  } else if (mechanism === 'RSA-PSS-SHA256' && keyType === 'rsa' && have.has(CKM_SHA256_RSA_PKCS_PSS)) {
    mech = { mechanism: CKM_SHA256_RSA_PKCS_PSS, parameter: { type: CK_PARAMS_RSA_PSS, hashAlg: CKM_SHA256, mgf: CKG_MGF1_SHA256, saltLen: 32 } };
    input = Buffer.from(data);
  } else if (mechanism === 'ECDSA-SHA256' && keyType === 'ec') {
    [mech, input] = have.has(CKM_ECDSA_SHA256) ? [{ mechanism: CKM_ECDSA_SHA256 }, Buffer.from(data)] : [{ mechanism: CKM_ECDSA }, sha256(data)];
  } else {
    throw tokenError('token.key-missing', `the token's ${keyType.toUpperCase()} key cannot sign with ${mechanism}`);
  }
  return { mech: mech as pkcs11js.Mechanism, input };
}
