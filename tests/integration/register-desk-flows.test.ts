import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyFields, type DocumentFields } from '../../appliance/extract/fields.js';
import { SohoaError } from '../../appliance/errors.js';
import { bookCells, bookEntry } from '../../appliance/register/book-view.js';
import { DocumentStore } from '../../appliance/register/document-store.js';
import { isFinal, type RegisterEntry } from '../../appliance/register/entry.js';
import { Register } from '../../appliance/register/register.js';
import { registerStats, statsCsv, type StatsBy } from '../../appliance/register/stats.js';
import { Quarantine } from '../../appliance/store/quarantine.js';

// Issue 13 items 2, 4, 5 on a real register in a temporary folder: a late entry after an outage
// keeps its real receipt time (office hours applied to it) and takes the next số đến; a receipt in
// the future or before the year rollover is refused with the reason; a complaint is held like a
// secret document, nothing of its content written; the statistics match the register.

const OFFICE = { start: '07:30', end: '17:00', days: [1, 2, 3, 4, 5] };

function doc(n: number, over: Partial<DocumentFields> = {}): DocumentFields {
  return { ...emptyFields(), issuer: 'SỞ TÀI CHÍNH TỈNH ĐẮK LẮK', numberNotation: `${n}/STC-NS`, number: String(n), date: '2026-12-01', summary: `Về việc phân bổ dự toán đợt ${n}`, pages: 1, ...over };
}

describe('register: late entry, complaints, statistics', () => {
  let dir: string;
  let now: Date;
  let reg: Register;

  const start = async () => {
    reg = new Register({ dir, officeHours: OFFICE, clock: () => now });
    await reg.start();
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sohoa-desk-flows-'));
    now = new Date('2026-12-04T10:00:00+07:00'); // a Friday
    await start();
  });
  afterEach(async () => {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(SohoaError);
    return err as SohoaError;
  };

  it('enters a late document with its real receipt time, office hours applied to it, and the next number', async () => {
    const first = await reg.register(doc(1), 'Lan');
    await reg.register(doc(2), 'Lan');
    for (const s of ['signing', 'signed', 'queued', 'accepted'] as const) await reg.setState(first.docId, s);

    // Received on paper Wednesday evening during the outage, entered Friday morning.
    const late = await reg.register(doc(3), 'Hùng', { late: { receivedAt: new Date('2026-12-02T18:30:00+07:00'), paperRecord: '  Sổ giấy trang 12, dòng 3 ' } });
    expect(late.arrivalNumber).toBe(3);
    expect(late.receivedAt).toBe('2026-12-02T18:30:00+07:00');
    expect(late.arrivalDate).toBe('2026-12-03T07:30:00+07:00'); // the next opening after the REAL receipt
    expect(late.late).toEqual({ enteredAt: '2026-12-04T10:00:00+07:00', enteredBy: 'Hùng', paperRecord: 'Sổ giấy trang 12, dòng 3' });
    // Nothing already registered or sent moves.
    expect(reg.get(first.docId)).toMatchObject({ arrivalNumber: 1, state: 'accepted' });
    expect(reg.get('2026-000002')).toMatchObject({ arrivalNumber: 2, state: 'registered' });

    const audit = (await reg.auditTrail()).find((r) => r.docId === late.docId && r.action === 'registered');
    expect(audit?.actor).toBe('Hùng');
    expect(audit?.at).toBe('2026-12-04T10:00:00+07:00');
    expect(audit?.detail).toMatchObject({ arrivalNumber: 3, late: { receivedAt: '2026-12-02T18:30:00+07:00', paperRecord: 'Sổ giấy trang 12, dòng 3' } });

    // The book finds it on its real arrival day, marked late.
    const book = await reg.book({ from: '2026-12-03', to: '2026-12-03' });
    expect(book.entries.map((e) => e.docId)).toEqual([late.docId]);
    expect(bookCells(bookEntry(book.entries[0]!))[8]).toBe('Vào sổ muộn ngày 04/12/2026 (Hùng), theo Sổ giấy trang 12, dòng 3');

    // Numbers go on after a restart.
    await reg.stop();
    await start();
    expect((await reg.register(doc(4), 'Lan')).arrivalNumber).toBe(4);
  });

  it('refuses a receipt time in the future or before the year rollover, with the reason, and takes no number', async () => {
    const future = await refusal(reg.register(doc(1), 'Lan', { late: { receivedAt: new Date('2026-12-04T10:05:00+07:00'), paperRecord: 'Sổ giấy trang 1' } }));
    expect(future.code).toBe('request.invalid');
    expect(future.vi).toMatch(/04\/12\/2026 lúc 10:05.*tương lai/);
    const lastYear = await refusal(reg.register(doc(1), 'Lan', { late: { receivedAt: new Date('2025-12-31T23:59:00+07:00'), paperRecord: 'Sổ giấy trang 1' } }));
    expect(lastYear.vi).toMatch(/trước ngày 01\/01\/2026/);
    // (16:59 UTC on 31 December is 23:59 in Vietnam: the rollover is at 00:00 +07:00)
    await refusal(reg.register(doc(1), 'Lan', { late: { receivedAt: new Date('2025-12-31T16:59:59Z'), paperRecord: 'x' } }));
    const blank = await refusal(reg.register(doc(1), 'Lan', { late: { receivedAt: new Date('2026-12-01T09:00:00+07:00'), paperRecord: '   ' } }));
    expect(blank.vi).toMatch(/sổ giấy/);

    const rollover = await reg.register(doc(1), 'Lan', { late: { receivedAt: new Date('2026-01-01T00:00:00+07:00'), paperRecord: 'Sổ giấy năm 2026, trang 1' } });
    expect(rollover.arrivalNumber).toBe(1); // the refusals took none
    expect(rollover.year).toBe(2026);
    expect(rollover.arrivalDate).toBe('2026-01-01T07:30:00+07:00'); // 1 January 2026 is a Thursday
  });

  it('holds a complaint like a secret document: no number, none of its content written', async () => {
    const words = 'Đơn tố cáo ông Trần Văn Khiếunại về việc lấn chiếm đất';
    const held = await reg.register(doc(9, { issuer: 'Ông Nguyễn Văn Tốcáo', numberNotation: null, summary: words, pages: 3 }), 'Lan', { extras: { exclusion: 'complaint', note: 'Khiếunại ghi chú' } });
    expect(held).toMatchObject({ state: 'held-secret', withheld: 'complaint', arrivalNumber: null, extras: {}, duplicateOf: null });
    expect(held.fields).toEqual({ ...emptyFields(), pages: 3 });
    expect(held.message).toMatch(/khiếu nại, tố cáo/);
    expect((await reg.register(doc(1), 'Lan')).arrivalNumber).toBe(1);
    await reg.stop();
    // grep exits 1 when nothing matches: no byte of the complaint's text anywhere in the register
    for (const w of ['Khiếunại', 'Tốcáo', 'lấn chiếm']) {
      expect(() => execFileSync('grep', ['-r', '-l', w, dir], { timeout: 10_000 })).toThrow(expect.objectContaining({ status: 1 }));
    }
    await start();
    expect(reg.get(held.docId)).toMatchObject({ state: 'held-secret', withheld: 'complaint' });
  });

  it('counts received, sent, late, refused, waiting and held documents by day, week, month and issuer, as the register says', async () => {
    const issuers = ['SỞ TÀI CHÍNH TỈNH ĐẮK LẮK', 'UBND HUYỆN KRÔNG PẮC', 'Sở tài chính tỉnh Đắk Lắk'];
    const days = ['2026-11-27T09:00:00+07:00', '2026-11-30T08:00:00+07:00', '2026-12-01T14:00:00+07:00', '2026-12-02T20:00:00+07:00', '2026-12-04T09:30:00+07:00'];
    for (let i = 0; i < 15; i++) {
      const receivedAt = new Date(days[i % days.length]!);
      const fields = doc(i + 1, { issuer: issuers[i % 3]! });
      const e = i % 7 === 3
        ? await reg.register(fields, 'Lan', { late: { receivedAt, paperRecord: `Sổ giấy dòng ${i}` } })
        : await reg.register(fields, 'Lan', { receivedAt, ...(i % 5 === 4 ? { extras: { exclusion: 'complaint' as const } } : {}) });
      if (e.state === 'held-secret') continue;
      if (i % 3 === 0) for (const s of ['signing', 'signed', 'queued', 'rejected'] as const) await reg.setState(e.docId, s);
      if (i % 3 === 1) for (const s of ['signing', 'signed', 'queued', 'accepted'] as const) await reg.setState(e.docId, s);
    }
    await reg.register(doc(99, { confidentiality: 'Mật' }), 'Lan', { receivedAt: new Date(days[2]!) });
    // An outgoing document (the sổ văn bản đi writes these): a file the register indexes at start.
    await reg.stop();
    const store = new DocumentStore(dir, new Quarantine({ dataDir: dir }));
    await store.start();
    const out = { ...(await reg.book({})).entries[0]!, docId: 'out-2026-0001', arrivalNumber: null, book: 'outgoing', arrivalDate: '2026-12-01T10:00:00+07:00', receivedAt: '2026-12-01T10:00:00+07:00', state: 'delivered' } as RegisterEntry;
    await store.write(out);
    await start();

    // Independently: every document file, read back, grouped here by hand.
    const all: RegisterEntry[] = [];
    for (const name of await store.names()) all.push((await store.read(name.slice(0, -5)))!);
    expect(all).toHaveLength(17);
    const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase();
    const keyOf: Record<StatsBy, (e: RegisterEntry) => string> = {
      day: (e) => e.arrivalDate.slice(0, 10),
      month: (e) => e.arrivalDate.slice(0, 7),
      week: (e) => ({ '2026-11-27': '2026-W48', '2026-11-30': '2026-W49', '2026-12-01': '2026-W49', '2026-12-03': '2026-W49', '2026-12-04': '2026-W49' })[e.arrivalDate.slice(0, 10)]!,
      issuer: (e) => (e.fields.issuer ? fold(e.fields.issuer) : e.state === 'held-secret' || e.withheld ? '~held' : '~none'),
    };
    const expected = (by: StatsBy, from?: string, to?: string) => {
      const m = new Map<string, number[]>();
      for (const e of all.filter((d) => (!from || d.arrivalDate.slice(0, 10) >= from) && (!to || d.arrivalDate.slice(0, 10) <= to))) {
        const c = m.get(keyOf[by](e)) ?? [0, 0, 0, 0, 0, 0];
        const outgoing = (e as { book?: string }).book === 'outgoing';
        [!outgoing, outgoing, !!e.late, e.state === 'rejected', !isFinal(e.state), e.docId.startsWith('secret-') || e.docId.startsWith('held-')].forEach((v, i) => { c[i]! += v ? 1 : 0; });
        m.set(keyOf[by](e), c);
      }
      return Object.fromEntries([...m].sort());
    };
    for (const by of ['day', 'week', 'month', 'issuer'] as const) {
      for (const [from, to] of [[undefined, undefined], ['2026-11-30', '2026-12-03']] as const) {
        const s = await registerStats(reg.statsEntries({ ...(from ? { from } : {}), ...(to ? { to } : {}) }), {}, by);
        const got = Object.fromEntries(s.rows.map((r) => [r.key, [r.received, r.sent, r.late, r.refused, r.waiting, r.withheld]]).sort());
        expect(got, `${by} ${from}–${to}`).toEqual(expected(by, from, to));
      }
    }
    const s = await registerStats(reg.statsEntries({}), {}, 'issuer');
    expect(s.total).toMatchObject({ received: 16, sent: 1 });
    expect(s.rows.find((r) => r.key === fold('UBND HUYỆN KRÔNG PẮC'))?.label).toBe('UBND HUYỆN KRÔNG PẮC');
    const week = await registerStats(reg.statsEntries({}), {}, 'week');
    expect(week.rows.map((r) => r.label)).toEqual(['Tuần 48/2026 (23/11–29/11)', 'Tuần 49/2026 (30/11–06/12)']);
    const csv = statsCsv(week);
    expect(csv.startsWith('\uFEFF"Tuần","Văn bản đến","Văn bản đi"')).toBe(true);
    expect(csv.trimEnd().split('\r\n').at(-1)).toBe(['Tổng cộng', 16, 1, s.total.late, s.total.refused, s.total.waiting, s.total.withheld].map((v) => `"${v}"`).join(','));
  });
});
