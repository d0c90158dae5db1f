import { SohoaError } from '../errors.js';

// The seam between the set-up steps and whoever drives them (`sohoa provision` on a terminal or
// from an answer file, the technician screen over /api/provision/*). A step checks its answers
// live against the real part (central system, token, scanner…) and returns what to write; nothing
// is written until every step asked for has passed (see apply.ts).

export type StepName = 'agency' | 'central' | 'token' | 'seal' | 'hours' | 'scanner' | 'accounts';

export const STEP_NAMES: readonly StepName[] = ['agency', 'central', 'token', 'seal', 'hours', 'scanner', 'accounts'];

export const STEP_TITLES: Record<StepName, string> = {
  agency: 'Cơ quan',
  central: 'Hệ thống trung tâm',
  token: 'Khoá ký số',
  seal: 'Con dấu',
  hours: 'Giờ làm việc',
  scanner: 'Máy quét',
  accounts: 'Tài khoản văn thư',
};

/** A file the step needs written beside the configuration (secret, SANE config). */
export interface PendingFile {
  path: string;
  content: string;
  /** 0o600 for secrets. */
  mode: number;
}

export interface PendingAccount {
  name: string;
  role: 'clerk' | 'technician';
  pin: string;
}

/** What a step that passed asks to write. */
export interface StepOutcome {
  step: StepName;
  /** Configuration keys (dotted paths) → their new values; every other key is kept. */
  settings: Record<string, unknown>;
  files: PendingFile[];
  accounts: PendingAccount[];
  /** What was found, to show the technician (subject, expiry, the server's answer…). Never a secret. */
  shown: string[];
  /** Things that do not stop the set-up but the technician should look at. */
  warnings: string[];
}

export function outcome(step: StepName, settings: Record<string, unknown>, shown: string[], more: Partial<StepOutcome> = {}): StepOutcome {
  return { step, settings, files: [], accounts: [], shown, warnings: [], ...more };
}

/** A step's answer is wrong: the Vietnamese message says exactly what and what to do. */
export class ProvisionError extends SohoaError {
  constructor(readonly step: StepName, vi: string, detail?: string) {
    super('config.invalid', vi, detail ?? vi);
    this.name = 'ProvisionError';
  }
}

/** The current configuration file's content (nested JSON as written), {} when there is none. */
export type ConfigJson = Record<string, unknown>;

/** A value at a dotted path of a nested object. */
export function getPath(obj: ConfigJson, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/** Sets a dotted path in a nested object (groups created as needed). */
export function setPath(obj: ConfigJson, key: string, value: unknown): void {
  const parts = key.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) {
    const next = o[p];
    o = (next && typeof next === 'object' && !Array.isArray(next) ? next : (o[p] = {})) as ConfigJson;
  }
  o[parts.at(-1)!] = value;
}

export const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
