import type { ErrorInfo } from '../../appliance/errors.js';
import type { SignMechanism, TokenSelector, TokenSlotInfo, TokenStatus } from './token.js';

// Messages across the worker boundary: plain data only (structured clone), no class instances.

export interface WorkerOptions {
  /** Configured module path, '' = discover. */
  module: string;
  selector: TokenSelector;
  pollMs: number;
  idleLogoutMs: number;
}

export type Request =
  | { op: 'list' }
  /** The PIN's UTF-8 bytes; their buffer is transferred, so the main thread keeps no copy. */
  | { op: 'login'; pin: Uint8Array }
  | { op: 'logout' }
  | { op: 'certificate' }
  | { op: 'mechanisms' }
  | { op: 'sign'; data: Uint8Array; mechanism: SignMechanism }
  | { op: 'calls' }
  | { op: 'close' };

export interface Results {
  list: TokenSlotInfo[];
  login: null;
  logout: null;
  certificate: Uint8Array;
  mechanisms: SignMechanism[];
  sign: Uint8Array;
  calls: Record<string, number>;
  close: null;
}

export type ToWorker = { id: number; req: Request };

export type FromWorker =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: ErrorInfo }
  | { kind: 'state'; state: TokenStatus; info: TokenSlotInfo | null };
