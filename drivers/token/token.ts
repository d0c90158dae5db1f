// The signing-token seam: what signing needs from the agency's PKCS#11 token. The driver knows
// nothing of PDFs: it logs in and signs bytes.
import type { ErrorInfo } from '../../appliance/errors.js';

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

/** What the UI shows of the token (relayed as the `token.changed` event). */
export interface TokenStatus {
  present: boolean;
  label: string | null;
  serial: string | null;
  loggedIn: boolean;
  pinCountLow: boolean;
  pinFinalTry: boolean;
  pinLocked: boolean;
  /** Why the token cannot be used (module missing, several tokens, device error), else null. */
  error: ErrorInfo | null;
}

export interface SigningToken {
  /** Starts the token worker; never throws for a missing module or token (see status()). */
  start(): Promise<void>;
  /** Tokens currently present (module loaded lazily; a missing module throws `token.module`). */
  list(): Promise<TokenSlotInfo[]>;
  /**
   * Logs in to the selected token with a PIN typed by a person. Never retried by the driver. The
   * PIN goes to the token worker only; the worker holds it while the token accepts it, for keys
   * that demand a login right before each signature (CKA_ALWAYS_AUTHENTICATE), and drops it on
   * logout, idle logout, token removal or the first refusal.
   */
  login(pin: string): Promise<void>;
  logout(): Promise<void>;
  /** DER of the signing certificate (the certificate object whose CKA_ID matches the key). */
  certificate(): Promise<Uint8Array>;
  mechanisms(): Promise<SignMechanism[]>;
  /**
   * Signs `data` (the token hashes it: CKM_SHA256_RSA_PKCS etc.; ECDSA returns DER). Requires login.
   * A refused per-signature login fails with token.pin-incorrect / token.pin-locked and ends the
   * login; a login the token ended by itself is re-made once with the accepted PIN unless the
   * token's flags show a refused PIN (then token.not-logged-in): either way a person decides next.
   */
  sign(data: Uint8Array, mechanism?: SignMechanism): Promise<Uint8Array>;
  /** Current state for the UI; cheap, never prompts. */
  status(): Promise<TokenSlotInfo & { present: boolean; loggedIn: boolean } | { present: false; loggedIn: false }>;
  /** The last known state, synchronously (kept current by the worker's presence polling). */
  state(): TokenStatus;
  /** Called on every change of state(); returns the unsubscribe function. */
  onChange(fn: (s: TokenStatus) => void): () => void;
  /** Logs out, finalizes the module and stops the worker. */
  close(): Promise<void>;
}
