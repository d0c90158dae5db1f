import type { DocumentState } from '../events.js';

// The life of one incoming document, in one place: every state, which state may follow it, and
// which stage writes each move (crash-safe: one atomic file write per move, by that stage only).
// The register refuses any other move (register.ts); start-up reconciliation (appliance/reconcile/)
// repairs a document a crash left between two stores using the same table.
//
//   scan job (jobs/<jobId>.json)           register (register/documents/<docId>.json)     outbox (outbox/items/<docId>/)
//   captured → extracted → review ──clerk──▶ registered ──▶ signing ──▶ signed ──▶ queued ──▶ sending ──▶ delivered (01)
//                                     │          ▲             │                     ▲            │            ├──▶ accepted (03)
//                                     │          └─(token, disk)┘                     └────────────┘            └──▶ rejected (02)
//                                     └──▶ held-secret ──clerk──▶ discarded                  any stage ──▶ failed ──clerk──▶ again
//
// Scan job states (captured = 'scanning', extracted = 'extracting', confirmed = the clerk's
// "Đăng ký" on a 'review' job) live in the job record; from 'registered' on the register is the
// document's state, and the job record only says which document it became (its docId).

export interface Transition {
  to: DocumentState;
  /** The stage that writes this move (the module that calls Register.setState / register). */
  by: 'desk' | 'filing' | 'delivery' | 'reconcile' | 'clerk';
  why: string;
}

/** Every allowed move, with who makes it. `NEXT` (below) is derived from it. */
export const LIFECYCLE: Record<DocumentState, Transition[]> = {
  // scan side: job states, never a register entry's
  scanning: [], extracting: [], review: [],
  registered: [
    { to: 'signing', by: 'filing', why: 'the filing queue takes it: searchable PDF, token signature' },
    { to: 'failed', by: 'filing', why: 'cannot be signed (no scan, broken page): "Ký lại" or scan again' },
    { to: 'discarded', by: 'clerk', why: 'the clerk withdraws it' },
  ],
  signing: [
    { to: 'signed', by: 'filing', why: 'signature made, verified, PDF written whole (documents/<docId>.pdf)' },
    { to: 'failed', by: 'filing', why: 'the signer refused the PDF' },
    { to: 'registered', by: 'filing', why: 'token locked or unplugged, disk full: waits and is signed again' },
    // also by 'reconcile': a crash while signing (start-up puts it back and signs again)
  ],
  signed: [
    { to: 'queued', by: 'filing', why: 'edXML package in the outbox (outbox/items/<docId>/state.json written last)' },
    { to: 'failed', by: 'filing', why: 'the package could not be queued' },
  ],
  queued: [
    { to: 'sending', by: 'delivery', why: 'an upload attempt' },
    { to: 'delivered', by: 'delivery', why: 'central said 01 (arrived)' },
    { to: 'accepted', by: 'delivery', why: 'central said 03' },
    { to: 'rejected', by: 'delivery', why: 'central said 02, or refused the package for good' },
    { to: 'failed', by: 'reconcile', why: 'its outbox item is gone or unreadable: "Gửi lại" from the signed PDF' },
  ],
  sending: [
    { to: 'queued', by: 'delivery', why: 'the attempt failed: retried with backoff' },
    { to: 'delivered', by: 'delivery', why: 'central said 01' },
    { to: 'accepted', by: 'delivery', why: 'central said 03' },
    { to: 'rejected', by: 'delivery', why: 'central said 02' },
    { to: 'failed', by: 'reconcile', why: 'its outbox item is gone or unreadable' },
  ],
  // After 01 the central system still decides: 03 accepted, or 02 rejected with a reason.
  delivered: [
    { to: 'accepted', by: 'delivery', why: 'central said 03' },
    { to: 'rejected', by: 'delivery', why: 'central said 02' },
  ],
  accepted: [],
  // The clerk fixes the fields and sends again.
  rejected: [
    { to: 'signed', by: 'clerk', why: '"Gửi lại": the signed PDF packaged again' },
    { to: 'registered', by: 'clerk', why: 'fields fixed: signed again' },
    { to: 'discarded', by: 'clerk', why: 'withdrawn' },
  ],
  'held-secret': [
    { to: 'discarded', by: 'desk', why: 'the clerk confirmed: the scan is deleted (state written first, pages after)' },
  ],
  failed: [
    { to: 'registered', by: 'clerk', why: '"Ký lại" (its scan is still here)' },
    { to: 'signing', by: 'filing', why: 'signed again' },
    { to: 'signed', by: 'clerk', why: '"Gửi lại" (its signed PDF is here)' },
    { to: 'queued', by: 'reconcile', why: 'the outbox holds its package after all (crash between queuing and recording it)' },
    { to: 'discarded', by: 'clerk', why: 'withdrawn' },
  ],
  discarded: [],
};

/** Which state may follow which: anything else is a bug in the caller (Register.setState refuses it). */
export const NEXT: Record<DocumentState, DocumentState[]> = Object.fromEntries(
  Object.entries(LIFECYCLE).map(([from, moves]) => [from, moves.map((m) => m.to)]),
) as Record<DocumentState, DocumentState[]>;

/** States after which nothing more happens to a document. */
export const FINAL: readonly DocumentState[] = ['accepted', 'discarded'];

/**
 * The shortest chain of allowed moves from `from` to `to` (excluding `from`), passing only through
 * `via`; null when there is none. Start-up uses it to carry the outbox's word into the register
 * (signed → queued → delivered) without ever making a move the register would refuse.
 */
export function pathBetween(from: DocumentState, to: DocumentState, via: readonly DocumentState[] = ['queued']): DocumentState[] | null {
  const seen = new Set<DocumentState>([from]);
  const paths: { at: DocumentState; path: DocumentState[] }[] = [{ at: from, path: [] }];
  for (let i = 0; i < paths.length; i++) {
    const { at, path } = paths[i]!;
    if (at === to) return path;
    for (const n of NEXT[at]) {
      if (seen.has(n) || (n !== to && !via.includes(n))) continue;
      seen.add(n);
      paths.push({ at: n, path: [...path, n] });
    }
  }
  return null;
}
