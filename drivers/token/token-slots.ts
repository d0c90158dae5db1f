import pkcs11js from 'pkcs11js';
import type { Call } from './pkcs11-module.js';
import { cleanField } from './select-token.js';
import type { TokenFlags, TokenSlotInfo } from './token.js';

// The tokens present: every slot holding an initialised token, described from its
// CK_TOKEN_INFO (fields cleaned, the flags the clerk is told about). Reading only; which of them
// to use is select-token.ts's, and what happens when that changes is cryptoki.ts's.

const { CKF_TOKEN_INITIALIZED, CKF_LOGIN_REQUIRED, CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED } = pkcs11js;

export function listTokens(call: Call): TokenSlotInfo[] {
  const out: TokenSlotInfo[] = [];
  for (const slot of call('C_GetSlotList', (p) => p.C_GetSlotList(true))) {
    const t = call('C_GetTokenInfo', (p) => p.C_GetTokenInfo(slot));
    if (!(t.flags & CKF_TOKEN_INITIALIZED)) continue; // an empty slot (SoftHSM keeps one free) cannot sign
    out.push({
      slotId: slot.toString('hex'),
      label: cleanField(t.label),
      serial: cleanField(t.serialNumber),
      manufacturer: cleanField(t.manufacturerID),
      model: cleanField(t.model),
      flags: flagsOf(t.flags),
    });
  }
  return out;
}

/** The token's CK_TOKEN_INFO flags the driver and the clerk care about. */
function flagsOf(f: number): TokenFlags {
  return {
    loginRequired: Boolean(f & CKF_LOGIN_REQUIRED),
    pinCountLow: Boolean(f & CKF_USER_PIN_COUNT_LOW),
    pinFinalTry: Boolean(f & CKF_USER_PIN_FINAL_TRY),
    pinLocked: Boolean(f & CKF_USER_PIN_LOCKED),
  };
}
