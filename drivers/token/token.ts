// The signing-token seam: what signing needs from the agency's PKCS#11 token. The driver knows
// nothing of PDFs: it logs in and signs bytes.

export interface TokenFlags {
  loginRequired: boolean;
  pinCountLow: boolean;
  pinFinalTry: boolean;
  pinLocked: boolean;
}

export interface TokenSlotInfo {
  slotId: string;
  label: string;
  serial: string;
  manufacturer: string;
  model: string;
  flags: TokenFlags;
}

export type SignMechanism = 'RSA-PKCS1-SHA256' | 'RSA-PSS-SHA256' | 'ECDSA-SHA256';

export interface TokenSelector {
  label?: string;
  serial?: string;
}

export interface SigningToken {
  /** Tokens currently present (module loaded lazily; a missing module throws `token.module`). */
  list(): Promise<TokenSlotInfo[]>;
  /** Logs in to the selected token with a PIN typed by a person. Never retried by the driver. */
  login(pin: string): Promise<void>;
  logout(): Promise<void>;
  /** DER of the signing certificate (the certificate object whose CKA_ID matches the key). */
  certificate(): Promise<Uint8Array>;
  mechanisms(): Promise<SignMechanism[]>;
  /** Signs `data` (the token hashes it: CKM_SHA256_RSA_PKCS etc.). Requires login. */
  sign(data: Uint8Array, mechanism?: SignMechanism): Promise<Uint8Array>;
  /** Current state for the UI; cheap, never prompts. */
  status(): Promise<TokenSlotInfo & { present: boolean; loggedIn: boolean } | { present: false; loggedIn: false }>;
  close(): Promise<void>;
}
