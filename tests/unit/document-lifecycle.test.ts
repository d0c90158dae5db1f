import { describe, expect, it } from 'vitest';
import { LIFECYCLE, NEXT, pathBetween } from '../../appliance/register/lifecycle.js';
import { registerStateFor } from '../../appliance/reconcile/register-outbox.js';

// The one table of a document's life (register/lifecycle.ts), and how start-up walks it to carry
// the outbox's word into the register without a move the register would refuse.

describe('the document lifecycle table', () => {
  it('names a writing stage for every move, and the register moves come from it', () => {
    for (const [from, moves] of Object.entries(LIFECYCLE)) {
      expect(NEXT[from as keyof typeof NEXT]).toEqual(moves.map((m) => m.to));
      for (const m of moves) expect(['desk', 'filing', 'delivery', 'reconcile', 'clerk']).toContain(m.by);
    }
    // final states go nowhere; signing always has a way back (never stuck 'đang ký')
    expect(NEXT.accepted).toEqual([]);
    expect(NEXT.discarded).toEqual([]);
    expect(NEXT.signing).toContain('registered');
  });

  it('finds the allowed path from the register state to the outbox state, through queued only', () => {
    expect(pathBetween('signed', 'delivered')).toEqual(['queued', 'delivered']);
    expect(pathBetween('queued', 'delivered')).toEqual(['delivered']);
    expect(pathBetween('failed', 'accepted')).toEqual(['queued', 'accepted']);
    expect(pathBetween('signed', 'queued')).toEqual(['queued']);
    expect(pathBetween('delivered', 'delivered')).toEqual([]);
    // never backwards, never through signing or registration
    expect(pathBetween('delivered', 'queued')).toBeNull();
    expect(pathBetween('accepted', 'rejected')).toBeNull();
    expect(pathBetween('registered', 'delivered')).toBeNull();
  });

  it('maps every outbox state of the shared vocabulary to one register state', () => {
    expect(['queued', 'sending', 'held', 'delivered', 'accepted', 'rejected'].map(registerStateFor))
      .toEqual(['queued', 'queued', 'queued', 'delivered', 'accepted', 'rejected']);
    expect(registerStateFor('unknown')).toBeNull();
  });
});
