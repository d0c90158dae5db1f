import { SohoaError } from '../errors.js';
import { VN_OFFSET_MS, vnWall } from './vn-time.js';

/**
 * Config `register.officeHours`: local times "HH:mm" (or "H:mm") and week days, 0 = Sunday …
 * 6 = Saturday; 7 is Sunday too (ISO 8601 numbers Monday 1 … Sunday 7, and agrees with ours on 1–6).
 */
export interface OfficeHours {
  start: string;
  end: string;
  days: number[];
}

/** The settings key the office hours come from, named in every refusal. */
const KEY = 'register.officeHours';

const DAY_NAMES = 'Chủ nhật = 0 (hoặc 7), Thứ hai = 1, …, Thứ bảy = 6';

function refuse(vi: string, detail: string): never {
  throw new SohoaError('config.invalid', `Cấu hình "${KEY}" không hợp lệ: ${vi}`, `${KEY}: ${detail}`);
}

/** Minutes after midnight of "H:mm"/"HH:mm"; "24:00" (closing at midnight) included. Null when malformed. */
function minutes(hhmm: unknown): number | null {
  const m = typeof hhmm === 'string' ? /^(\d{1,2}):(\d{2})$/.exec(hhmm) : null;
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h * 60 + min > 24 * 60) return null;
  return h * 60 + min;
}

/**
 * Checks office hours from the configuration and returns them in the form the register computes
 * with (days 0–6, each once, sorted). Refuses, with a Vietnamese message naming the key, a time that
 * is not "HH:mm", an end not after the start, no day at all, or a day that is not 0–7: any of those
 * would make "the next opening" meaningless. The configuration layer calls this when it loads;
 * the register calls it again at start, so a bad value never reaches the computation.
 */
export function checkOfficeHours(value: unknown): OfficeHours {
  const v = value as Partial<OfficeHours> | null;
  if (!v || typeof v !== 'object') refuse('phải có giờ mở cửa "start", giờ đóng cửa "end" và các ngày làm việc "days".', `not an object: ${JSON.stringify(value)}`);
  const open = minutes(v.start);
  const close = minutes(v.end);
  if (open === null) refuse(`giờ mở cửa "start" phải viết dạng GG:PP, ví dụ "07:30" (đang là ${JSON.stringify(v.start)}).`, `start ${JSON.stringify(v.start)} is not HH:mm`);
  if (close === null) refuse(`giờ đóng cửa "end" phải viết dạng GG:PP, ví dụ "17:00" (đang là ${JSON.stringify(v.end)}).`, `end ${JSON.stringify(v.end)} is not HH:mm`);
  if (close <= open) refuse(`giờ đóng cửa "end" (${v.end}) phải sau giờ mở cửa "start" (${v.start}).`, `end ${v.end} must follow start ${v.start}`);
  if (!Array.isArray(v.days) || v.days.length === 0) refuse(`phải có ít nhất một ngày làm việc trong "days" (${DAY_NAMES}).`, 'days must list at least one day');
  const bad = v.days.filter((d) => !Number.isInteger(d) || d < 0 || d > 7);
  if (bad.length) refuse(`ngày ${bad.map((d) => JSON.stringify(d)).join(', ')} trong "days" không phải là ngày trong tuần (${DAY_NAMES}).`, `days ${JSON.stringify(bad)} are not 0-7`);
  const days = [...new Set(v.days.map((d) => d % 7))].sort((a, b) => a - b);
  return { start: v.start!, end: v.end!, days };
}

/**
 * When a document received at `at` counts as received (Hà Nam art. 10.2): the same instant inside
 * office hours, otherwise the opening of the next office-hours period. Public holidays are not
 * known here; they count as working days. Office hours are checked first (checkOfficeHours), so the
 * search for the next open day ends within a week.
 */
export function effectiveArrival(at: Date, hours: OfficeHours): Date {
  const { start, days } = checkOfficeHours(hours);
  const open = minutes(start)!;
  const close = minutes(hours.end)!;
  const wall = vnWall(at);
  const minuteOfDay = wall.getUTCHours() * 60 + wall.getUTCMinutes() + wall.getUTCSeconds() / 60;
  const isOpenDay = (d: Date) => days.includes(d.getUTCDay());
  if (isOpenDay(wall) && minuteOfDay >= open && minuteOfDay < close) return at;

  // Midnight (wall clock) of the day to open on: today if before opening, else the next open day
  // (one of the next seven: every listed day is a week day).
  const day = new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate()));
  if (!(isOpenDay(wall) && minuteOfDay < open)) {
    for (let i = 1; i <= 7; i++) {
      day.setUTCDate(day.getUTCDate() + 1);
      if (isOpenDay(day)) break;
      if (i === 7) throw new Error(`office hours: no open day in a week (${JSON.stringify(days)})`);
    }
  }
  return new Date(day.getTime() + open * 60_000 - VN_OFFSET_MS);
}
