import { join } from 'node:path';
import { decodeStateFile, readStateFile, writeStateFile, type StateFileFormat, type StateRead } from '../store/state-file.js';
import type { Quarantine } from '../store/quarantine.js';

// register/counters.json: the last số đến issued per year, a checkpoint only. The document files
// are the truth (a number is committed when its file is on disk); start() re-derives the numbers
// from the index and the documents and raises them to this checkpoint and to documents set aside,
// so a number is never issued twice. Backups read it too (backup/snapshot.ts).

export interface Counters {
  /** Last số đến issued, per year ("2024" → 118). */
  lastNumber: Record<string, number>;
}

const COUNTERS: StateFileFormat = {
  format: 'register.counters',
  check: (d) => !!d.lastNumber && typeof d.lastNumber === 'object' && !Array.isArray(d.lastNumber) &&
    Object.entries(d.lastNumber).every(([y, n]) => /^\d{4}$/.test(y) && Number.isInteger(n) && (n as number) >= 0),
};

/** The last numbers per year in a counters.json text, whatever its format version (backup reads it too). */
export function lastNumbersIn(text: string, file = 'counters.json'): Record<string, number> {
  return decodeStateFile<Counters>(text, COUNTERS, file).value.lastNumber;
}

/** The checkpoint read at start (an unreadable one is set aside: start() does without it). */
export function readCounters(registerDir: string, quarantine: Quarantine): Promise<StateRead<Counters>> {
  return readStateFile<Counters>(join(registerDir, 'counters.json'), COUNTERS, { quarantine, store: 'register' });
}

/** Writes the checkpoint, crash-safe. */
export function writeCounters(registerDir: string, lastNumber: Record<string, number>): Promise<void> {
  return writeStateFile(join(registerDir, 'counters.json'), COUNTERS, { lastNumber } satisfies Counters);
}
