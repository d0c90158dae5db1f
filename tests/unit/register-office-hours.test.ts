import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../appliance/config/config.js';
import { checkOfficeHours, effectiveArrival } from '../../appliance/register/office-hours.js';
import { SohoaError } from '../../appliance/errors.js';
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
    expect(() => effectiveArrival(new Date(), { start: '17:00', end: '07:30', days: [1] })).toThrow(/end 07:30 must follow start 17:00/);
    expect(() => effectiveArrival(new Date(), { start: '7h30', end: '17:00', days: [1] })).toThrow(/HH:mm/);
  });
  it('takes day 7 as Sunday (ISO 8601) instead of searching for it for ever', () => {
    // The desk froze on this setting: no date ever has week day 7.
    const sundays = { start: '07:30', end: '17:00', days: [7] };
    expect(toVnIso(effectiveArrival(new Date('2024-03-05T09:00:00+07:00'), sundays))).toBe('2024-03-10T07:30:00+07:00');
    expect(toVnIso(effectiveArrival(new Date('2024-03-10T09:00:00+07:00'), sundays))).toBe('2024-03-10T09:00:00+07:00');
    // ISO Monday–Sunday is every day, like 0–6.
    expect(checkOfficeHours({ start: '07:30', end: '17:00', days: [1, 2, 3, 4, 5, 6, 7] }).days).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
  it('reads "7:30" as "07:30"', () => {
    const short = { start: '7:30', end: '17:00', days: [1, 2, 3, 4, 5] };
    for (const iso of ['2024-03-05T07:29:00+07:00', '2024-03-05T07:30:00+07:00', '2024-03-05T17:00:00+07:00', '2024-03-09T10:00:00+07:00']) {
      expect(toVnIso(effectiveArrival(new Date(iso), short))).toBe(at(iso));
    }
    expect(at('2024-03-05T07:29:00+07:00')).toBe('2024-03-05T07:30:00+07:00');
  });
});

describe('checkOfficeHours (refused when the configuration loads, and at the register\'s start)', () => {
  const refused = (value: unknown) => {
    try {
      checkOfficeHours(value);
    } catch (err) {
      return err as SohoaError;
    }
    throw new Error(`accepted ${JSON.stringify(value)}`);
  };
  it('names the key and says what is wrong, in Vietnamese', () => {
    const e = refused({ start: '07:30', end: '17:00', days: [1, 8] });
    expect(e).toBeInstanceOf(SohoaError);
    expect(e.code).toBe('config.invalid');
    expect(e.vi).toContain('register.officeHours');
    expect(e.vi).toMatch(/ngày 8 trong "days" không phải là ngày trong tuần/);
  });
  it('refuses an unknown day, no day at all, start at or after end, a malformed time', () => {
    expect(refused({ start: '07:30', end: '17:00', days: [-1] }).vi).toMatch(/ngày -1/);
    expect(refused({ start: '07:30', end: '17:00', days: [1.5] }).vi).toMatch(/ngày 1.5/);
    expect(refused({ start: '07:30', end: '17:00', days: ['2'] }).vi).toMatch(/ngày "2"/);
    expect(refused({ start: '07:30', end: '17:00', days: [] }).vi).toMatch(/ít nhất một ngày/);
    expect(refused({ start: '07:30', end: '17:00' }).vi).toMatch(/ít nhất một ngày/);
    expect(refused({ start: '17:00', end: '07:30', days: [1] }).vi).toMatch(/phải sau giờ mở cửa/);
    expect(refused({ start: '08:00', end: '08:00', days: [1] }).vi).toMatch(/phải sau giờ mở cửa/);
    expect(refused({ start: '7h30', end: '17:00', days: [1] }).vi).toMatch(/"start" phải viết dạng GG:PP/);
    expect(refused({ start: '07:30', end: '25:00', days: [1] }).vi).toMatch(/"end" phải viết dạng GG:PP/);
    expect(refused({ start: '07:60', end: '17:00', days: [1] }).vi).toMatch(/"start"/);
    expect(refused(null).vi).toMatch(/register.officeHours/);
  });
  it('accepts the embedded default, "24:00" as a closing time, and normalises the days', () => {
    expect(checkOfficeHours({ start: '07:30', end: '17:00', days: [5, 1, 1, 3] })).toEqual({ start: '07:30', end: '17:00', days: [1, 3, 5] });
    expect(checkOfficeHours({ start: '00:00', end: '24:00', days: [0, 7] }).days).toEqual([0]);
  });
  it('is checked when the configuration loads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sohoa-hours-'));
    try {
      const file = join(dir, 'config.json');
      // Days are written by name in the file (numbers invite 0–6 / 1–7 confusion); the schema turns
      // them into the register's 0–6 and the register's own check sees a valid set.
      writeFileSync(file, JSON.stringify({ dataDir: dir, register: { officeHours: { start: '07:30', end: '17:00', days: [1, 2, 3, 4, 5, 8] } } }));
      expect(() => loadConfig({ SOHOA_CONFIG: file }, { check: 'settings' })).toThrow(SohoaError);
      expect(() => loadConfig({ SOHOA_CONFIG: file }, { check: 'settings' })).toThrow(/register\.officeHours\.days/);
      writeFileSync(file, JSON.stringify({ dataDir: dir, register: { officeHours: { start: '17:00', end: '07:30', days: ['Thứ Hai'] } } }));
      expect(() => loadConfig({ SOHOA_CONFIG: file }, { check: 'settings' })).toThrow(/register\.officeHours/);
      writeFileSync(file, JSON.stringify({ dataDir: dir, register: { officeHours: { start: '07:30', end: '17:00', days: ['Thứ Hai', 'Chủ Nhật'] } } }));
      const hours = loadConfig({ SOHOA_CONFIG: file }, { check: 'settings' }).register.officeHours;
      expect([...hours.days].sort()).toEqual([0, 1]);
      expect(() => checkOfficeHours(hours)).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('ends the search for the next opening for any input it lets through', () => {
    for (let day = 0; day <= 7; day++) {
      const hours = { start: '23:59', end: '24:00', days: [day] };
      const got = effectiveArrival(new Date('2024-03-05T23:59:30+07:00'), hours);
      expect(got.getTime() - Date.parse('2024-03-05T23:59:30+07:00')).toBeLessThan(8 * 86_400_000);
    }
  });
});

describe('Vietnam time', () => {
  it('formats ISO 8601 with +07:00 and takes the Vietnam calendar year', () => {
    expect(toVnIso(new Date('2024-12-31T17:00:00Z'))).toBe('2025-01-01T00:00:00+07:00');
    expect(vnYear(new Date('2024-12-31T16:59:59Z'))).toBe(2024);
    expect(vnYear(new Date('2024-12-31T17:00:00Z'))).toBe(2025);
  });
});
