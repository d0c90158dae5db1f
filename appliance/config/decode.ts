import { isIP } from 'node:net';
import type { Sourced } from './layers.js';
import type { DurationUnit } from './schema-kinds.js';
import { leaves, type Node } from './schema-walk.js';
import { shown, type Problem } from './validate.js';
import { WEEKDAY_HELP, dayNumber } from './weekdays.js';

// After the schema check: the values a person writes turned into what the code base uses
// ("5 phút" → 5 in a …Minutes key, "Thứ Hai" → 1), and the checks that span several keys.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, giây: 1000, min: 60_000, phút: 60_000, h: 3_600_000, giờ: 3_600_000 };
const KEY_UNIT_MS: Record<DurationUnit, number> = { ms: 1, seconds: 1000, minutes: 60_000 };

/** "90 s" in a seconds key → 90; a plain number is already in the key's unit. */
export function durationIn(unit: DurationUnit, v: number | string): number {
  if (typeof v === 'number') return v;
  const m = /^\s*(\d+(?:[.,]\d+)?)\s*(\S+)\s*$/.exec(v)!;
  return (Number(m[1]!.replace(',', '.')) * UNIT_MS[m[2]!]!) / KEY_UNIT_MS[unit];
}

/** A label for a key that says where the value came from when that was the environment. */
export type Labeller = (key: string) => string;

/** Decodes `values` in place; the problems found. */
export function decodeValues(schema: Node, values: Map<string, Sourced>, label: Labeller, refused: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  for (const { key, schema: s } of leaves(schema)) {
    const entry = values.get(key);
    if (!entry || refused.has(key)) continue;
    const v = entry.value;
    if (s['x-unit'] && typeof v === 'string') {
      const n = durationIn(s['x-unit'], v);
      if (n < (s.minimum ?? -Infinity) || n > (s.maximum ?? Infinity)) {
        problems.push({ key, message: `Giá trị của ${label(key)} là ${shown(v)}, ngoài khoảng cho phép: cần ${s['x-expect']}.` });
      }
      entry.value = Math.round(n);
    }
    if (s['x-weekdays'] && Array.isArray(v)) {
      const days: number[] = [];
      (v as string[]).forEach((name, i) => {
        const d = dayNumber(name);
        if (d === undefined) problems.push({ key: `${key}[${i}]`, message: `Giá trị của ${label(`${key}[${i}]`)} là ${shown(name)}, không phải tên một ngày: ${WEEKDAY_HELP}.` });
        else if (!days.includes(d)) days.push(d);
      });
      entry.value = days.sort((a, b) => a - b);
    }
    if (s.pattern?.includes('https?://') && typeof v === 'string' && v && !URL.canParse(v)) {
      problems.push({ key, message: `Giá trị của ${label(key)} là ${shown(v)}, không phải một địa chỉ hợp lệ: cần ${s['x-expect']}.` });
    }
    if (s.items && (s.items as Node)['x-cidr'] && Array.isArray(v)) {
      (v as string[]).forEach((c, i) => {
        if (!isCidr(c)) problems.push({ key: `${key}[${i}]`, message: `Giá trị của ${label(`${key}[${i}]`)} là ${shown(c)}, không đúng dạng: cần ${s['x-expect']}.` });
      });
    }
  }
  return problems;
}

function isCidr(s: string): boolean {
  const [addr, prefix, ...rest] = s.split('/');
  const family = isIP(addr ?? '');
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Checks that span keys: office hours in order, retry delays in order, the embedded receiver on this machine. */
export function crossChecks(get: (key: string) => unknown, label: Labeller): Problem[] {
  const problems: Problem[] = [];
  const minutes = (hhmm: unknown) => (typeof hhmm === 'string' && /^\d\d:\d\d$/.test(hhmm) ? Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)) : NaN);
  const start = get('register.officeHours.start');
  const end = get('register.officeHours.end');
  if (minutes(end) <= minutes(start)) {
    problems.push({ key: 'register.officeHours.end', message: `Giờ đóng cửa ${label('register.officeHours.end')} là "${String(end)}", không sau giờ mở cửa "${String(start)}": cần giờ đóng cửa muộn hơn giờ mở cửa.` });
  }
  const lo = get('outbox.minDelayMs');
  const hi = get('outbox.maxDelayMs');
  if (typeof lo === 'number' && typeof hi === 'number' && lo > hi) {
    problems.push({ key: 'outbox.maxDelayMs', message: `Giá trị của ${label('outbox.maxDelayMs')} là ${hi} ms, nhỏ hơn "outbox.minDelayMs" (${lo} ms): cần thời gian chờ tối đa không nhỏ hơn thời gian chờ đầu tiên.` });
  }
  const url = get('central.url');
  if (get('central.embedded') === true && typeof url === 'string' && url) {
    const host = URL.canParse(url) ? new URL(url).hostname.replace(/^\[|\]$/g, '') : '';
    if (host && !['127.0.0.1', 'localhost', '::1'].includes(host)) {
      problems.push({ key: 'central.url', message: `Giá trị của ${label('central.url')} là "${url}" trong khi "central.embedded" là true: hệ thống nhận thử nghiệm chỉ chạy trên chính máy này (127.0.0.1). Hãy bỏ "central.embedded" để gửi tới hệ thống thật, hoặc dùng địa chỉ http://127.0.0.1:CỔNG.` });
    }
  }
  return problems;
}
