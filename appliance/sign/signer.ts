import { createHash, createPrivateKey, sign as cryptoSign, constants, type KeyObject } from 'node:crypto';
import type { SignMechanism, SigningToken } from '../../drivers/token/token.js';

// The one thing the CMS builder needs from whatever holds the private key: the certificate, the
// chain above it, and "sign these bytes" (the signer hashes them, as a PKCS#11 token does with
// CKM_SHA256_RSA_PKCS). The token driver and a software key both fit behind it.

export type CmsMechanism = SignMechanism;

export interface CmsSigner {
  /** DER of the signing certificate. */
  certificate: Uint8Array;
  /** DER certificates above it (intermediates, optionally the root), embedded in the CMS. */
  chain: Uint8Array[];
  mechanism: CmsMechanism;
  /** Signs `data` with SHA-256 and the mechanism; returns the raw signature (ECDSA: DER). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** A signer over the agency token: the token logs in elsewhere (by a person) and only signs here. */
export async function tokenSigner(token: SigningToken, chain: Uint8Array[], prefer?: CmsMechanism): Promise<CmsSigner> {
  const certificate = await token.certificate();
  const available = await token.mechanisms();
  const order: CmsMechanism[] = prefer ? [prefer, 'RSA-PKCS1-SHA256', 'ECDSA-SHA256', 'RSA-PSS-SHA256'] : ['RSA-PKCS1-SHA256', 'ECDSA-SHA256', 'RSA-PSS-SHA256'];
  const mechanism = order.find((m) => available.includes(m)) ?? 'RSA-PKCS1-SHA256';
  return { certificate, chain, mechanism, sign: (data) => token.sign(data, mechanism) };
}

/** A signer over a software key (tests, benchmarks, a technician's self-test). */
export function softwareSigner(key: KeyObject | string, certificate: Uint8Array, chain: Uint8Array[], mechanism?: CmsMechanism): CmsSigner {
  const keyObj = typeof key === 'string' ? createPrivateKey(key) : key;
  const mech: CmsMechanism = mechanism ?? (keyObj.asymmetricKeyType === 'ec' ? 'ECDSA-SHA256' : 'RSA-PKCS1-SHA256');
  return {
    certificate,
    chain,
    mechanism: mech,
    async sign(data) {
      if (mech === 'RSA-PSS-SHA256') {
        return cryptoSign('sha256', data, { key: keyObj, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
      }
      return cryptoSign('sha256', data, keyObj);
    },
  };
}

export const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();
