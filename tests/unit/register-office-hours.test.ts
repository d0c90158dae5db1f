import { describe, expect, it } from 'vitest';
import { effectiveArrival } from '../../appliance/register/office-hours.js';
import { toVnIso, vnYear } from '../../appliance/register/vn-time.js';

const hours = { start: '07:30', end: '17:00', days: [1, 2, 3, 4, 5] };
const at = (iso: string) => toVnIso(effectiveArrival(new Date(iso), hours));

describe('effectiveArrival (Hà Nam art. 10.2)', () => {
  it('keeps a receipt inside office hours', () => {
    expect(at('2024-03-05T09:15:42+07:00')).toBe('2024-03-05T09:15:42+07:00'); // Tuesday
    expect(at('2024-03-05T07:30:00+07:00')).toBe('2024-03-05T07:30:00+07:00');
  });
  it('moves an early-morning receipt to the opening the same day', () => {
    expect(at('2024-03-05T06:59:00+07:00')).toBe('2024-03-05T07:30:00+07:00');
  });
  it('moves an evening receipt to the next working morning', () => {
    expect(at('2024-03-05T17:00:00+07:00')).toBe('2024-03-06T07:30:00+07:00');
    expect(at('2024-03-05T23:59:59+07:00')).toBe('2024-03-06T07:30:00+07:00');
  });
  it('moves Friday evening and the weekend to Monday', () => {
    expect(at('2024-03-08T18:00:00+07:00')).toBe('2024-03-11T07:30:00+07:00');
    expect(at('2024-03-09T10:00:00+07:00')).toBe('2024-03-11T07:30:00+07:00');
    expect(at('2024-03-10T08:00:00+07:00')).toBe('2024-03-11T07:30:00+07:00');
  });
  it('works in Vietnam time whatever the instant is written in', () => {
    // 2024-03-05 23:30 UTC is Wednesday 06:30 in Vietnam.
    expect(at('2024-03-05T23:30:00Z')).toBe('2024-03-06T07:30:00+07:00');
  });
  it('crosses into the next year from the last evening of December', () => {
    expect(at('2024-12-31T17:30:00+07:00')).toBe('2025-01-01T07:30:00+07:00'); // 1 Jan 2025 is a Wednesday
  });
  it('refuses nonsense office hours', () => {
    expect(() => effectiveArrival(new Date(), { start: '17:00', end: '07:30', days: [1] })).toThrow(/end must follow start/);
    expect(() => effectiveArrival(new Date(), { start: '7h30', end: '17:00', days: [1] })).toThrow(/HH:mm/);
  });
});

describe('Vietnam time', () => {
  it('formats ISO 8601 with +07:00 and takes the Vietnam calendar year', () => {
    expect(toVnIso(new Date('2024-12-31T17:00:00Z'))).toBe('2025-01-01T00:00:00+07:00');
    expect(vnYear(new Date('2024-12-31T16:59:59Z'))).toBe(2024);
    expect(vnYear(new Date('2024-12-31T17:00:00Z'))).toBe(2025);
  });
});
