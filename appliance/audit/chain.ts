import { createHash } from 'node:crypto';
import type { AuditRecord } from '../register/audit-log.js';

// The hash chain of the audit log. Every line is one ChainEntry: the record, its sequence number
// (1, 2, 3… with no gap, across rotated files), the SHA-256 of the entry before it (`prev`) and its
// own (`hash`, over the entry without `hash`). Hashes are taken over canonical JSON (RFC 8785 /
// JCS: keys sorted, no whitespace; for the strings, integers, booleans and null an audit record
// holds, JCS is exactly JSON.stringify with sorted keys), so they do not depend on how the line was
// written. Changing, removing or moving a line breaks a link that `sohoa audit verify` names.

export interface ChainEntry extends AuditRecord {
  seq: number;
  /** hash of entry seq-1; GENESIS for seq 1. */
  prev: string;
  hash: string;
}

/** The chain's last entry: what the kept head file records. */
export interface ChainTail {
  seq: number;
  hash: string;
}

export const GENESIS = '0'.repeat(64);

/** Before the first entry: seq 0, hash GENESIS. */
export const EMPTY_TAIL: ChainTail = { seq: 0, hash: GENESIS };

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sorted(x);
    }
    return out;
  }
  return v;
}

export function canonicalJson(v: unknown): string {
  return JSON.stringify(sorted(v));
}

/** The hash an entry should carry: SHA-256 of its canonical JSON without the `hash` field. */
export function entryHash(e: Omit<ChainEntry, 'hash'> & { hash?: unknown }): string {
  const { hash: _h, ...rest } = e;
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
}

/** The entry that follows `tail`, sealed. */
export function seal(rec: AuditRecord, tail: ChainTail): ChainEntry {
  // Field order only for people reading the file; the hash does not depend on it.
  const body = { seq: tail.seq + 1, at: rec.at, actor: rec.actor, action: rec.action, docId: rec.docId, ...(rec.detail ? { detail: rec.detail } : {}), prev: tail.hash };
  return { ...body, hash: entryHash(body) };
}

/** A parsed line that has the chain's fields (it may still be tampered with). */
export function isChainEntry(v: unknown): v is ChainEntry {
  const e = v as ChainEntry;
  return typeof e === 'object' && e !== null && Number.isSafeInteger(e.seq) && e.seq > 0
    && typeof e.prev === 'string' && typeof e.hash === 'string' && typeof e.action === 'string';
}

/** The record as callers know it, without the chain's fields. */
export function recordOf(e: ChainEntry): AuditRecord {
  const { seq: _s, prev: _p, hash: _h, ...rec } = e;
  return rec;
}
