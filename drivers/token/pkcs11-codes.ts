// What PKCS#11's numbers mean to this driver: the return values it reacts to and the session
// states of a login (pkcs11js names neither). Kept apart so the call logic in cryptoki.ts reads as
// decisions, not as hex.

export const CKS_RO_USER_FUNCTIONS = 1;
export const CKS_RW_USER_FUNCTIONS = 3;
export const CKR = {
  ALREADY_INITIALIZED: 0x191, USER_ALREADY_LOGGED_IN: 0x100, PIN_INCORRECT: 0xa0, PIN_INVALID: 0xa1,
  PIN_LEN_RANGE: 0xa2, PIN_LOCKED: 0xa4, USER_NOT_LOGGED_IN: 0x101, NOT_INITIALIZED: 0x190,
  KEY_HANDLE_INVALID: 0x60, OBJECT_HANDLE_INVALID: 0x82,
} as const;
/** Return values meaning the token (or its session) went away under us. */
export const GONE = new Set([0x30 /* DEVICE_ERROR */, 0x32 /* DEVICE_REMOVED */, 0xe0 /* TOKEN_NOT_PRESENT */, 0xe1 /* NOT_RECOGNIZED */,
  0xb0 /* SESSION_CLOSED */, 0xb3 /* SESSION_HANDLE_INVALID */, 0x05 /* GENERAL_ERROR */, 0x03 /* SLOT_ID_INVALID */, CKR.NOT_INITIALIZED]);

/** What a call answers when the token ended the login under us (SoftHSM: the key's handle goes with it). */
export const LOGIN_LOST = new Set<number>([CKR.USER_NOT_LOGGED_IN, CKR.KEY_HANDLE_INVALID, CKR.OBJECT_HANDLE_INVALID]);

/** The CKR_ return value of a failed pkcs11js call; -1 for anything else. */
export const rv = (err: unknown): number => (typeof (err as { code?: unknown })?.code === 'number' ? (err as { code: number }).code : -1);
export const msg = (err: unknown): string => (err as Error)?.message ?? String(err);
