import { tokenError } from './token-errors.js';
import type { TokenSelector, TokenSlotInfo } from './token.js';

// Which token to use. Never silently the first: with several tokens and no selector, or a
// selector that matches several, the clerk and the technician are told what is there.

/**
 * PKCS#11 pads labels and serials to a fixed width with spaces (some tokens with NULs) and
 * pkcs11js decodes the whole field as UTF-8, so a Vietnamese label cut at byte 32 can end in a
 * replacement character.
 */
export function cleanField(s: string): string {
  return s.replace(/[\s\u0000\uFFFD]+$/u, '').normalize('NFC');
}

/** A configured label as the token would store it: NFC, at most 32 UTF-8 bytes, whole characters. */
function asStored(label: string): string {
  let out = '';
  for (const ch of label.normalize('NFC')) {
    if (Buffer.byteLength(out + ch, 'utf8') > 32) break;
    out += ch;
  }
  return cleanField(out);
}

export function matches(t: TokenSlotInfo, sel: TokenSelector): boolean {
  if (sel.serial && cleanField(t.serial) !== cleanField(sel.serial)) return false;
  if (sel.label && cleanField(t.label) !== asStored(sel.label)) return false;
  return true;
}

const describe = (t: TokenSlotInfo) => `"${t.label}" (serial ${t.serial || '?'})`;

/** The selected token among those present; undefined when it is absent. */
export function chooseToken(tokens: TokenSlotInfo[], sel: TokenSelector): TokenSlotInfo | undefined {
  const configured = Boolean(sel.label || sel.serial);
  const hits = configured ? tokens.filter((t) => matches(t, sel)) : tokens;
  if (hits.length <= 1) return hits[0];
  const what = configured ? `several tokens match ${JSON.stringify(sel)}` : 'several tokens are present and none is configured (token.label / token.serial)';
  throw tokenError('token.ambiguous', `${what}: ${hits.map(describe).join(', ')}`);
}
