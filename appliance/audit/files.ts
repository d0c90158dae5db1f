import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { atomicWrite } from '../store/atomic-write.js';
import type { ChainTail } from './chain.js';
import { readTextIfExists } from '../store/read-if-exists.js';

// Where the audit log lives, in the register's folder:
//   audit.jsonl                  the current file, appended to
//   audit-2026-11.jsonl          closed segments, named for the month of their first entry
//   audit-2026-11-2.jsonl        (a second one of the same month, after a rotation by size)
//   audit-legacy.jsonl           lines written before the chain existed, anchored by its first entry
// and, outside that folder (`sohoa restore` replaces the folder, never this file):
//   <dataDir>/audit-head.json    the chain head: last seq and hash, rewritten after every append

export const CURRENT = 'audit.jsonl';
const SEGMENT = /^audit-(legacy|\d{4}-\d\d)(?:-(\d+))?\.jsonl$/;
export const HEAD_FORMAT = 'sohoa-audit-head/1';

export function isSegmentName(name: string): boolean {
  return SEGMENT.test(name);
}

export function isLegacyName(name: string): boolean {
  return SEGMENT.exec(name)?.[1] === 'legacy';
}

/** Closed segments of a register folder (unordered: their first seq orders them). */
export async function listSegments(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter(isSegmentName).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** A free name for a closed segment: `audit-<month>.jsonl`, else `audit-<month>-2.jsonl`… */
export function segmentName(month: string, taken: ReadonlySet<string>): string {
  let name = `audit-${month}.jsonl`;
  for (let n = 2; taken.has(name); n++) name = `audit-${month}-${n}.jsonl`;
  return name;
}

export interface FileLines {
  /** Complete lines (ended by \n), numbered from 1; empty lines are kept out. */
  lines: { no: number; text: string }[];
  /** Bytes after the last \n: a line being written, or torn by a power cut. */
  tail: string;
  bytes: number;
}

export function splitLines(text: string): FileLines {
  const end = text.lastIndexOf('\n') + 1;
  const lines = text.slice(0, end).split('\n').slice(0, -1).map((t, i) => ({ no: i + 1, text: t })).filter((l) => l.text !== '');
  return { lines, tail: text.slice(end), bytes: Buffer.byteLength(text) };
}

export async function readLines(path: string): Promise<FileLines | null> {
  const text = await readTextIfExists(path);
  return text === null ? null : splitLines(text);
}

export interface AuditHead extends ChainTail {
  format: typeof HEAD_FORMAT;
  /** When it was written (ISO). */
  at: string;
}

export type HeadRead = { state: 'missing' } | { state: 'unreadable'; reason: string } | { state: 'ok'; head: AuditHead };

export async function readHead(path: string): Promise<HeadRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    return { state: 'unreadable', reason: (err as Error).message };
  }
  try {
    const h = JSON.parse(text) as AuditHead;
    if (h.format !== HEAD_FORMAT || !Number.isSafeInteger(h.seq) || h.seq < 0 || typeof h.hash !== 'string') throw new Error('unexpected shape');
    return { state: 'ok', head: h };
  } catch (err) {
    return { state: 'unreadable', reason: `${path}: ${(err as Error).message}` };
  }
}

export function writeHead(path: string, tail: ChainTail, now: Date = new Date()): Promise<void> {
  const head: AuditHead = { format: HEAD_FORMAT, seq: tail.seq, hash: tail.hash, at: now.toISOString() };
  return atomicWrite(path, JSON.stringify(head) + '\n');
}

/**
 * Where the head is kept for a register folder: `<dataDir>/audit-head.json` for the appliance's
 * `<dataDir>/register`; a register folder elsewhere (a test's) keeps it inside, never in a shared parent.
 */
export function defaultHeadPath(registerDir: string): string {
  return basename(resolve(registerDir)) === 'register' ? join(registerDir, '..', 'audit-head.json') : join(registerDir, 'audit-head.json');
}
