import { SohoaError } from '../errors.js';

// The on-disk formats of the appliance's state files and how each is carried forward. Every file
// carries `formatVersion`; a file without one was written before versions existed and is version 1.
// On start a store reads each file, runs the steps from its version up to `current` (v1→v2, v2→v3…)
// and writes it back (atomically) in the current format, so an upgraded package finds the register,
// the queue, the scans and the accounts as it left them. A file from a newer format than this code
// knows is never touched: the store refuses to start (a downgrade must not corrupt what a newer
// version wrote).
//
// To change a format: raise `current`, add the step from the old version, and keep every older step.

export type Migration = (data: Record<string, unknown>) => Record<string, unknown>;

export interface FileFormat {
  /** What the file is, for the technician's messages. */
  what: string;
  /** The version this code writes. */
  current: number;
  /** steps[n] turns a version-n file into a version-(n+1) one. */
  steps: Record<number, Migration>;
}

/** Version 2 of most formats is version 1 with its version written in it: nothing else changes. */
const tagOnly: Migration = (d) => d;

export const FORMATS = {
  /** jobs/<jobId>.json: a scan job (pipeline/scan-jobs.ts). */
  'jobs.job': { what: 'bản quét (jobs)', current: 2, steps: { 1: tagOnly } },
  /** register/documents/<docId>.json: one register entry (register/register.ts). */
  'register.document': { what: 'văn bản trong sổ đăng ký (register/documents)', current: 2, steps: { 1: tagOnly } },
  /**
   * register/counters.json: the last number issued per year. v1 was the bare map {"2024": 12},
   * where a version key would read as a year; v2 holds it under `lastNumber`.
   */
  'register.counters': {
    what: 'bộ đếm số đến (register/counters.json)', current: 2,
    steps: { 1: (d) => ({ lastNumber: d }) },
  },
  /** outbox/items/<docId>/state.json: a queued package's state (outbox/store.ts). */
  'outbox.item': { what: 'hàng đợi gửi (outbox)', current: 2, steps: { 1: tagOnly } },
  /** users.json: the desk's accounts (accounts/user-store.ts). v1 had `version: 1`. */
  'accounts.users': {
    what: 'danh sách tài khoản (users.json)', current: 2,
    steps: { 1: ({ version: _v, ...rest }) => rest },
  },
} satisfies Record<string, FileFormat>;

export type FormatName = keyof typeof FORMATS;

/** A file's content is not a state file of this format (unreadable version, not an object…). */
export class MalformedStateError extends Error {}

/** The version a parsed file declares: its `formatVersion`, or 1 when it has none. */
export function versionOf(data: unknown): number {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new MalformedStateError('not a JSON object');
  const v = (data as { formatVersion?: unknown }).formatVersion;
  if (v === undefined) return 1;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new MalformedStateError(`formatVersion ${JSON.stringify(v)} is not a version`);
  return v;
}

/**
 * Carries a parsed file forward to the current version of its format. Returns the data without
 * its `formatVersion` and the version it was read at. Throws `storage.newer-format` when the file
 * is newer than this code, MalformedStateError when it is not a file of this format at all.
 */
export function upgrade(name: FormatName, data: unknown, file: string): { data: Record<string, unknown>; from: number } {
  const format: FileFormat = FORMATS[name];
  const from = versionOf(data);
  if (from > format.current) {
    throw new SohoaError('storage.newer-format',
      `Tệp ${format.what} được ghi bởi một phiên bản Sohoa mới hơn (định dạng ${from}; phiên bản này chỉ đọc được đến định dạng ${format.current}). ` +
      'Máy không khởi động để khỏi làm hỏng dữ liệu: hãy cài lại phiên bản Sohoa mới hơn, hoặc báo kỹ thuật viên.',
      `${file}: formatVersion ${from} is newer than ${format.current}, the newest this version of Sohoa reads (${name}); refusing to start rather than touch it`);
  }
  const { formatVersion: _v, ...rest } = data as Record<string, unknown>;
  let out: Record<string, unknown> = rest;
  for (let v = from; v < format.current; v++) {
    const step = format.steps[v];
    if (!step) throw new Error(`migrations: ${name} has no step from version ${v}`);
    out = step(out);
  }
  return { data: out, from };
}

/** The text of a state file in the current version of its format (version first, for a person reading it). */
export function stateFileText(name: FormatName, value: object, indent?: number): string {
  const formatVersion = FORMATS[name].current;
  // (assigned again after the value: an in-memory object never carries an older version out)
  return JSON.stringify(Object.assign({ formatVersion }, value, { formatVersion }), null, indent);
}
