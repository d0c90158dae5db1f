import { VN_OFFSET_MS, vnWall } from './vn-time.js';

/** Config `register.officeHours`: local times "HH:mm" and week days (0 = Sunday … 6 = Saturday). */
export interface OfficeHours {
  start: string;
  end: string;
  days: number[];
}

function minutes(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  // "24:00" closes at midnight.
  if (!m || Number(m[2]) > 59 || Number(m[1]) * 60 + Number(m[2]) > 24 * 60) throw new Error(`office hours: "${hhmm}" is not HH:mm`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * When a document received at `at` counts as received (Hà Nam art. 10.2): the same instant inside
 * office hours, otherwise the opening of the next office-hours period. Public holidays are not
 * known here; they count as working days.
 */
export function effectiveArrival(at: Date, hours: OfficeHours): Date {
  const open = minutes(hours.start);
  const close = minutes(hours.end);
  if (close <= open || hours.days.length === 0) throw new Error('office hours: end must follow start, and some day must be open');
  const wall = vnWall(at);
  const minuteOfDay = wall.getUTCHours() * 60 + wall.getUTCMinutes() + wall.getUTCSeconds() / 60;
  const isOpenDay = (d: Date) => hours.days.includes(d.getUTCDay());
  if (isOpenDay(wall) && minuteOfDay >= open && minuteOfDay < close) return at;

  // Midnight (wall clock) of the day to open on: today if before opening, else the next open day.
  const day = new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate()));
  if (!(isOpenDay(wall) && minuteOfDay < open)) {
    do day.setUTCDate(day.getUTCDate() + 1); while (!isOpenDay(day));
  }
  return new Date(day.getTime() + open * 60_000 - VN_OFFSET_MS);
}
