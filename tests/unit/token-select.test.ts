import { describe, expect, it } from 'vitest';
import { chooseToken, cleanField } from '../../drivers/token/select-token.js';
import type { TokenSlotInfo } from '../../drivers/token/token.js';

const flags = { loginRequired: true, pinCountLow: false, pinFinalTry: false, pinLocked: false };
const tok = (label: string, serial: string): TokenSlotInfo => ({ slotId: serial, label, serial, manufacturer: 'm', model: 'x', flags });

/** A 32-byte PKCS#11 label field as pkcs11js decodes it (UTF-8, padded, possibly cut mid-character). */
function field(label: string, pad = ' '): string {
  const bytes = Buffer.alloc(32, pad);
  Buffer.from(label.normalize('NFC'), 'utf8').copy(bytes, 0, 0, 32);
  return bytes.toString('utf8');
}

describe('token selection', () => {
  it('strips space and NUL padding and normalises to NFC', () => {
    expect(cleanField(field('VGCA'))).toBe('VGCA');
    expect(cleanField(field('Sở Tư pháp', '\0'))).toBe('Sở Tư pháp');
    expect(cleanField('Sở Tư pháp'.normalize('NFD') + '   ')).toBe('Sở Tư pháp'.normalize('NFC'));
  });

  it('matches a configured label longer than 32 bytes against the truncated stored label', () => {
    const long = 'Văn phòng Ủy ban nhân dân tỉnh Lào Cai'; // > 32 UTF-8 bytes; cut mid-character on the token
    const stored = tok(cleanField(field(long)), 's1');
    expect(stored.label.length).toBeLessThan(long.length);
    expect(chooseToken([stored, tok('Khác', 's2')], { label: long })).toBe(stored);
  });

  it('one token and no selector: that token; none: undefined', () => {
    const a = tok('A', '1');
    expect(chooseToken([a], {})).toBe(a);
    expect(chooseToken([], {})).toBeUndefined();
    expect(chooseToken([a], { label: 'B' })).toBeUndefined();
  });

  it('several tokens and no selector, or a selector matching several: token.ambiguous listing them', () => {
    const list = [tok('A', '1'), tok('B', '2')];
    expect(() => chooseToken(list, {})).toThrow(expect.objectContaining({ code: 'token.ambiguous' }));
    try {
      chooseToken([tok('A', '1'), tok('A', '2')], { label: 'A' });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'token.ambiguous' });
      expect((err as Error).message).toMatch(/serial 1.*serial 2/);
    }
  });

  it('label and serial together must both match', () => {
    const list = [tok('A', '1'), tok('A', '2')];
    expect(chooseToken(list, { label: 'A', serial: '2' })).toBe(list[1]);
    expect(chooseToken(list, { label: 'B', serial: '2' })).toBeUndefined();
  });
});
