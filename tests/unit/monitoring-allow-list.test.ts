import { describe, expect, it } from 'vitest';
import { addressAllowList } from '../../appliance/api/allow-list.js';

describe('monitoring.allow: who may read /metrics and /healthz', () => {
  it('lets the default (loopback) in and nobody else', () => {
    const allow = addressAllowList(['127.0.0.0/8', '::1/128']);
    for (const a of ['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1']) expect(allow.allows(a), a).toBe(true);
    for (const a of ['10.0.0.5', '192.168.1.10', '::2', 'fe80::1', '::ffff:10.0.0.5', '', undefined]) expect(allow.allows(a), String(a)).toBe(false);
  });

  it('takes single addresses and ranges of both families, as a province network would give them', () => {
    const allow = addressAllowList(['10.20.0.0/16', '192.168.5.7', '2001:db8:5::/48', 'fd00::9']);
    expect(allow.allows('10.20.255.1')).toBe(true);
    expect(allow.allows('10.21.0.1')).toBe(false);
    expect(allow.allows('192.168.5.7')).toBe(true);
    expect(allow.allows('192.168.5.8')).toBe(false);
    expect(allow.allows('2001:db8:5:1::20')).toBe(true);
    expect(allow.allows('2001:db8:6::1')).toBe(false);
    expect(allow.allows('fd00::9')).toBe(true);
    expect(allow.allows('::ffff:10.20.3.4')).toBe(true);
  });

  it('allows nobody with an empty list', () => {
    expect(addressAllowList([]).allows('127.0.0.1')).toBe(false);
  });

  it('refuses a setting that is not an address or a range, naming the entry', () => {
    for (const bad of ['localhost', '10.0.0.0/33', '::1/129', '10.0.0.1/8/1', '300.1.1.1', '10.0.0.0/', '10.0.0.0/x']) {
      expect(() => addressAllowList(['127.0.0.1', bad]), bad).toThrow(new RegExp(`monitoring.allow: "${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`));
    }
  });
});
