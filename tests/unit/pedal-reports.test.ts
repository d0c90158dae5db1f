import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { projectPath } from '../../appliance/config/paths.js';
import { parseUsbId, pedalDown, PedalPresses, type PedalFormat } from '../../drivers/pedal/hid-report.js';

// Foot pedal reports (tests/fixtures/pedal/README.md says where the bytes come from): one scan per
// press, none on release, none while held, none for the other pedals of a three-pedal set.

const fixtures = JSON.parse(readFileSync(projectPath('tests', 'fixtures', 'pedal', 'reports.json'), 'utf8')) as
  Record<string, { format: PedalFormat; reports: string[]; presses: number }>;
const bytes = (hex: string) => Buffer.from(hex, 'hex');

describe('HID pedal reports', () => {
  it.each(Object.entries(fixtures))('%s: one press per time the pedal goes down', (_name, f) => {
    const presses = new PedalPresses(f.format);
    expect(f.reports.map(bytes).filter((r) => presses.feed(r))).toHaveLength(f.presses);
  });

  it('keyboard pedals: a key or a modifier is down; the reserved byte alone is not', () => {
    const kb: PedalFormat = { kind: 'keyboard', byte: 0, mask: 255 };
    expect(pedalDown(bytes('0000050000000000'), kb)).toBe(true);
    expect(pedalDown(bytes('0200000000000000'), kb)).toBe(true);
    expect(pedalDown(bytes('0001000000000000'), kb)).toBe(false);
    expect(pedalDown(bytes('0000000000000000'), kb)).toBe(false);
  });

  it('bit pedals: only the configured bits count (Infinity: the left and right pedals do nothing)', () => {
    const centre: PedalFormat = { kind: 'bits', byte: 0, mask: 2 };
    expect(pedalDown(bytes('0100'), centre)).toBe(false);
    expect(pedalDown(bytes('0400'), centre)).toBe(false);
    expect(pedalDown(bytes('0600'), centre)).toBe(true);
    expect(pedalDown(bytes(''), centre)).toBe(false); // a short report is no press
  });

  it('after the pedal was unplugged while held, the next press counts', () => {
    const p = new PedalPresses({ kind: 'bits', byte: 0, mask: 2 });
    expect(p.feed(bytes('0200'))).toBe(true);
    p.reset();
    expect(p.feed(bytes('0200'))).toBe(true);
  });

  it('VID/PID as the technician writes them', () => {
    expect(parseUsbId('0c45')).toBe(0x0c45);
    expect(parseUsbId('0x05F3')).toBe(0x05f3);
    expect(parseUsbId('')).toBeNull();
    expect(parseUsbId('12345')).toBeNull();
  });
});
