import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyFields, type DocumentFields } from '../../appliance/extract/fields.js';
import { Register } from '../../appliance/register/register.js';
import type { ResolvedRecipient } from '../../appliance/register/entry.js';
import { outgoingBookEntry, outgoingCsv } from '../../appliance/register/outgoing-book.js';

// The outgoing book (sổ văn bản đi) in the register on disk: its number is the printed số/ký hiệu,
// a duplicate in the same year of issue is refused with the reason, no số đến is taken (the
// incoming numbering stays gapless), and the book survives a restart (index rebuilt from files).

const ALWAYS = { start: '00:00', end: '24:00', days: [0, 1, 2, 3, 4, 5, 6] };
const incoming = (n: number): DocumentFields => ({ ...emptyFields(), issuer: 'SỞ TÀI CHÍNH', numberNotation: `${n}/STC-NS`, date: '2026-03-01', summary: `Đến ${n}`, pages: 1 });
const outgoing = (number: string, over: Partial<DocumentFields> = {}): DocumentFields => ({
  ...emptyFields(), issuer: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI', numberNotation: number, date: '2026-03-02', type: 'Công văn', summary: `Đi ${number}`,
  signer: 'Đặng Xuân Phong', recipients: ['Sở Tài chính;', 'Như trên;', 'Lưu: VT, NC.'], pages: 1, ...over,
});
const RECIPIENTS: ResolvedRecipient[] = [
  { text: 'Sở Tài chính;', organId: '000.00.15.H29', name: 'Sở Tài chính tỉnh Lào Cai', copyOnly: false },
  { text: 'Như trên;', organId: null, name: null, copyOnly: false },
  { text: 'Lưu: VT, NC.', organId: null, name: null, copyOnly: true },
];

describe('the outgoing register book', () => {
  let dir: string;
  const open: Register[] = [];
  let now = new Date('2026-03-05T09:00:00+07:00');
  async function register(): Promise<Register> {
    const r = new Register({ dir, officeHours: ALWAYS, clock: () => now });
    await r.start();
    open.push(r);
    return r;
  }
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'sohoa-outgoing-')); now = new Date('2026-03-05T09:00:00+07:00'); });
  afterEach(async () => {
    for (const r of open.splice(0)) await r.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('takes no số đến, refuses a printed number already in the book of its year, and keeps both books apart across a restart', async () => {
    const reg = await register();
    const a = await reg.register(incoming(1), 'Lan');
    const out = await reg.register(outgoing('1234/UBND-VP'), 'Lan', { outgoing: { recipients: RECIPIENTS } });
    now = new Date(now.getTime() + 60_000);
    const b = await reg.register(incoming(2), 'Lan');
    expect([a.arrivalNumber, b.arrivalNumber]).toEqual([1, 2]); // gapless: the outgoing one took none
    expect(out).toMatchObject({ arrivalNumber: null, book: 'outgoing', state: 'registered', outgoing: { number: '1234/UBND-VP', recipients: RECIPIENTS } });
    expect(out.docId).toMatch(/^out-/);

    // the same printed number, written another way, in the same year of issue: refused with the reason
    await expect(reg.register(outgoing('1234 / ubnd-vp'), 'Lan', { outgoing: { recipients: RECIPIENTS } }))
      .rejects.toMatchObject({ code: 'register.duplicate', vi: expect.stringContaining('đã có trong sổ văn bản đi năm 2026') });
    // the same number issued in another year is another document
    const next = await reg.register(outgoing('1234/UBND-VP', { date: '2025-12-30' }), 'Lan', { outgoing: { recipients: RECIPIENTS } });
    expect(next.book).toBe('outgoing');
    // an incoming document with that number is no duplicate of the outgoing one
    expect((await reg.register({ ...incoming(3), numberNotation: '1234/UBND-VP' }, 'Lan')).duplicateOf).toBeNull();

    const inBook = await reg.book({});
    expect(inBook.entries.map((e) => e.arrivalNumber)).toEqual([1, 2, 3]);
    const outBook = await reg.book({ book: 'outgoing' });
    expect(outBook.entries.map((e) => e.docId)).toEqual([out.docId, next.docId]);
    expect((await reg.book({ book: 'outgoing', q: 'tai chinh' })).total).toBe(2);

    // a withdrawn outgoing document frees its number
    await reg.setState(next.docId, 'discarded', { actor: 'Lan' });
    await reg.stop();
    open.pop();

    // the index rebuilt from the document files alone gives the same books and the same refusals
    await rm(join(dir, 'index'), { recursive: true, force: true });
    const again = await register();
    expect((await again.book({ book: 'outgoing' })).entries.map((e) => e.docId)).toEqual([out.docId, next.docId]);
    expect((await again.book({})).total).toBe(3);
    expect(again.outgoingDuplicates('1234/UBND-VP', '2026-03-02').map((e) => e.docId)).toEqual([out.docId]);
    expect(again.outgoingDuplicates('1234/UBND-VP', '2025-12-30')).toEqual([]);
    expect((await again.register(incoming(4), 'Lan')).arrivalNumber).toBe(4);

    const line = outgoingBookEntry(again.get(out.docId)!);
    expect(line).toMatchObject({ numberNotation: '1234/UBND-VP', signer: 'Đặng Xuân Phong', keptBy: 'VT, NC', copies: 3 });
    let csv = '';
    for await (const chunk of outgoingCsv(again.bookEntries({ book: 'outgoing' }))) csv += chunk;
    const rows = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rows[0]).toBe('"Số, ký hiệu văn bản","Ngày tháng văn bản","Tên loại và trích yếu nội dung văn bản","Người ký","Nơi nhận văn bản","Đơn vị, người nhận bản lưu","Số lượng bản","Ghi chú"');
    expect(rows[1]).toBe('"1234/UBND-VP","02/03/2026","Công văn: Đi 1234/UBND-VP","Đặng Xuân Phong","Sở Tài chính tỉnh Lào Cai (000.00.15.H29); Như trên (chưa gửi điện tử)","VT, NC","3",""');
    expect(rows[2]).toContain('Đã huỷ');
  });
});
