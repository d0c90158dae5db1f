import { isFinal, type RegisterEntry } from './entry.js';
import { foldVietnamese } from './fold.js';
import { vnDate } from './book-view.js';
import { withheldOf } from './withheld.js';

// The clerk's statistics (Lào Cai art. 11.2b): how many documents were received, sent, entered
// late, refused and are still waiting, and how many were held on paper, per day, ISO week, month or
// issuer, over a range of arrival days. Computed from the register one document at a time
// (Register.statsEntries reads the index for the range, then each document's file): only the
// counters are kept, so a year of documents is counted in constant memory.

export type StatsBy = 'day' | 'week' | 'month' | 'issuer';

export interface StatsFilter {
  /** First arrival day, YYYY-MM-DD (Vietnam), inclusive. */
  from?: string;
  /** Last arrival day, inclusive. */
  to?: string;
}

/** What the statistics read (implemented by Register). */
export interface RegisterStatsPort {
  /** Every registration (numbered or held on paper, incoming or outgoing) arriving in the range. */
  statsEntries(filter: StatsFilter): AsyncGenerator<RegisterEntry>;
}

export interface StatsCounts {
  /** Incoming documents (sổ văn bản đến), held ones included. */
  received: number;
  /** Outgoing documents (sổ văn bản đi: entries with book 'outgoing'). */
  sent: number;
  /** Entered late after an outage, from a paper record. */
  late: number;
  /** Refused by the central system (state 'rejected'). */
  refused: number;
  /** Not in a final state yet (being signed, queued, sent but not answered, failed, held awaiting the clerk). */
  waiting: number;
  /** Held on paper only: secret documents and complaints/denunciations. */
  withheld: number;
}

export interface StatsRow extends StatsCounts {
  /** Sort key: YYYY-MM-DD, YYYY-Www, YYYY-MM, or the folded issuer. */
  key: string;
  /** As people read it: "05/12/2026", "Tuần 49/2026 (30/11–06/12)", "Tháng 12/2026", the issuer. */
  label: string;
}

export interface RegisterStats {
  from: string | null;
  to: string | null;
  by: StatsBy;
  rows: StatsRow[];
  total: StatsCounts;
}

/** Column titles, in the order of STATS_KEYS (CSV, PDF, screen). */
export const STATS_COLUMNS: Record<keyof StatsCounts, string> = {
  received: 'Văn bản đến', sent: 'Văn bản đi', late: 'Vào sổ muộn', refused: 'Bị từ chối', waiting: 'Đang xử lý', withheld: 'Giữ bản giấy',
};
export const STATS_KEYS = Object.keys(STATS_COLUMNS) as (keyof StatsCounts)[];

export const BY_TITLE: Record<StatsBy, string> = { day: 'Ngày', week: 'Tuần', month: 'Tháng', issuer: 'Nơi gửi' };

const zero = (): StatsCounts => ({ received: 0, sent: 0, late: 0, refused: 0, waiting: 0, withheld: 0 });

const DAY_MS = 86_400_000;
const utcDay = (day: string) => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
const ddmm = (t: number) => new Date(t).toISOString().slice(5, 10).split('-').reverse().join('/');

/** ISO 8601 week of a day (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(day: string): { year: number; week: number; monday: number } {
  const t = utcDay(day);
  const weekday = (new Date(t).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const monday = t - weekday * DAY_MS;
  const thursday = new Date(monday + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return { year, week, monday };
}

/** The group a document falls in. */
function groupOf(e: RegisterEntry, by: StatsBy): { key: string; label: string } {
  const day = e.arrivalDate.slice(0, 10);
  switch (by) {
    case 'day': return { key: day, label: vnDate(day) };
    case 'month': return { key: day.slice(0, 7), label: `Tháng ${day.slice(5, 7)}/${day.slice(0, 4)}` };
    case 'week': {
      const w = isoWeek(day);
      return { key: `${w.year}-W${String(w.week).padStart(2, '0')}`, label: `Tuần ${w.week}/${w.year} (${ddmm(w.monday)}–${ddmm(w.monday + 6 * DAY_MS)})` };
    }
    case 'issuer': {
      const issuer = e.fields.issuer?.trim();
      if (issuer) return { key: foldVietnamese(issuer), label: issuer };
      return withheldOf(e) ? { key: '~held', label: '(giữ bản giấy, không ghi nơi gửi)' } : { key: '~none', label: '(chưa ghi nơi gửi)' };
    }
  }
}

/** Adds one document to the counts. */
export function countInto(c: StatsCounts, e: RegisterEntry): void {
  // (`book` is written by the outgoing register; absent on every incoming entry)
  if ((e as RegisterEntry & { book?: string }).book === 'outgoing') c.sent++;
  else c.received++;
  if (e.late) c.late++;
  if (e.state === 'rejected') c.refused++;
  if (!isFinal(e.state)) c.waiting++;
  if (withheldOf(e)) c.withheld++;
}

export async function registerStats(entries: AsyncIterable<RegisterEntry>, filter: StatsFilter, by: StatsBy): Promise<RegisterStats> {
  const groups = new Map<string, StatsRow>();
  const total = zero();
  for await (const e of entries) {
    const g = groupOf(e, by);
    let row = groups.get(g.key);
    if (!row) groups.set(g.key, (row = { ...g, ...zero() }));
    countInto(row, e);
    countInto(total, e);
  }
  const rows = [...groups.values()];
  // Periods in time order; issuers by how many documents they sent, then by name.
  if (by === 'issuer') rows.sort((a, b) => b.received + b.sent - (a.received + a.sent) || a.label.localeCompare(b.label, 'vi'));
  else rows.sort((a, b) => a.key.localeCompare(b.key));
  return { from: filter.from ?? null, to: filter.to ?? null, by, rows, total };
}

const csvCell = (v: string) => `"${v.replace(/"/g, '""')}"`;

/** The statistics as CSV (RFC 4180, CRLF), UTF-8 with a byte-order mark for Excel, like register.csv. */
export function statsCsv(s: RegisterStats): string {
  const line = (cells: (string | number)[]) => cells.map((c) => csvCell(String(c))).join(',') + '\r\n';
  return '\uFEFF' + line([BY_TITLE[s.by], ...STATS_KEYS.map((k) => STATS_COLUMNS[k])]) +
    s.rows.map((r) => line([r.label, ...STATS_KEYS.map((k) => r[k])])).join('') +
    line(['Tổng cộng', ...STATS_KEYS.map((k) => s.total[k])]);
}
