import { mkdtemp, readFile, readdir, rm, truncate, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyFields, type DocumentFields } from '../../appliance/extract/fields.js';
import { Register } from '../../appliance/register/register.js';
import { foldVietnamese, duplicateKey } from '../../appliance/register/fold.js';

// Issue 10, the register at scale: final documents are read from disk, not kept in memory; the
// per-year index is derived (lost lines and a lost index are rebuilt from the document files);
// the number is committed with the document's file; the year rolls over at 00:00 +07:00 on
// 1 January; duplicates are found folded (tones, đ, spacing) before registering.

const ALWAYS = { start: '00:00', end: '24:00', days: [0, 1, 2, 3, 4, 5, 6] };

function doc(n: number, over: Partial<DocumentFields> = {}): DocumentFields {
  return { ...emptyFields(), issuer: 'SỞ TÀI CHÍNH TỈNH ĐẮK LẮK', numberNotation: `${n}/STC-NS`, number: String(n), date: '2026-12-01', summary: `Về việc phân bổ dự toán đợt ${n}`, pages: 1, ...over };
}

describe('register index', () => {
  let dir: string;
  let now: Date;
  const open: Register[] = [];

  async function start(): Promise<Register> {
    const r = new Register({ dir, officeHours: ALWAYS, clock: () => now });
    await r.start();
    open.push(r);
    return r;
  }
  async function restart(r: Register): Promise<Register> {
    await r.stop();
    open.splice(open.indexOf(r), 1);
    return start();
  }
  async function accept(r: Register, docId: string): Promise<void> {
    for (const s of ['signing', 'signed', 'queued', 'accepted'] as const) await r.setState(docId, s);
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sohoa-register-index-'));
    now = new Date('2026-12-31T10:00:00+07:00');
  });
  afterEach(async () => {
    for (const r of open.splice(0)) await r.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('rolls the year over at 00:00 +07:00 on 1 January (17:00 UTC on 31 December)', async () => {
    const r = await start();
    expect((await r.register(doc(1), 'A')).arrivalNumber).toBe(1);
    now = new Date('2026-12-31T16:59:59Z'); // 23:59:59 on 31/12/2026 in Vietnam
    const last = await r.register(doc(2), 'A');
    expect(last).toMatchObject({ arrivalNumber: 2, year: 2026, arrivalDate: '2026-12-31T23:59:59+07:00', docId: '2026-000002' });
    now = new Date('2026-12-31T17:00:00Z'); // 00:00:00 on 01/01/2027
    const first = await r.register(doc(3), 'A');
    expect(first).toMatchObject({ arrivalNumber: 1, year: 2027, arrivalDate: '2027-01-01T00:00:00+07:00', docId: '2027-000001' });
    // and it holds across a restart: each year goes on from its own last number
    const r2 = await restart(r);
    expect((await r2.register(doc(4), 'A')).docId).toBe('2027-000002');
    expect((await r2.book({ from: '2026-12-31', to: '2026-12-31' })).entries.map((e) => e.arrivalNumber)).toEqual([1, 2]);
    expect((await r2.book({ from: '2027-01-01' })).entries.map((e) => e.docId)).toEqual(['2027-000001', '2027-000002']);
  });

  it('keeps only open documents in memory; final ones are read from their files', async () => {
    const r = await start();
    const a = await r.register(doc(1), 'A');
    const b = await r.register(doc(2), 'A');
    await accept(r, a.docId);
    expect(r.listOpen().map((e) => e.docId)).toEqual([b.docId]);
    expect(r.get(a.docId)).toMatchObject({ state: 'accepted', arrivalNumber: 1 });
    expect(r.stateCounts()).toEqual({ accepted: 1, registered: 1 });
    const r2 = await restart(r);
    expect(r2.listOpen().map((e) => e.docId)).toEqual([b.docId]);
    expect(r2.get(a.docId)?.history.map((h) => h.state)).toEqual(['registered', 'signing', 'signed', 'queued', 'accepted']);
    expect(r2.stateCounts()).toEqual({ accepted: 1, registered: 1 });
  });

  it('commits the number with the document file: a crash that lost index lines, or the whole index, loses nothing', async () => {
    const r = await start();
    for (let i = 1; i <= 5; i++) await r.register(doc(i), 'A');
    await accept(r, '2026-000001');
    await r.stop();
    open.pop();
    // A crash right after the document files were written: the index lost its last lines (one cut
    // in half), and a state line; counters.json is stale.
    const indexFile = join(dir, 'index', '2026.jsonl');
    const lines = (await readFile(indexFile, 'utf8')).split('\n');
    const regLines = lines.filter((l) => l.includes('"y":'));
    const keep = lines.slice(0, lines.indexOf(regLines[2]!)).join('\n') + '\n' + regLines[2]!.slice(0, 20);
    await writeFile(indexFile, keep);
    await writeFile(join(dir, 'counters.json'), JSON.stringify({ formatVersion: 2, lastNumber: { 2026: 1 } }));
    const r2 = await start();
    expect((await r2.register(doc(6), 'A')).arrivalNumber).toBe(6);
    expect((await r2.book({})).entries.map((e) => e.arrivalNumber)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r2.get('2026-000001')?.state).toBe('accepted');
    expect(r2.stateCounts()).toEqual({ accepted: 1, registered: 5 });
    // No index at all (an upgrade, or a technician removed it): rebuilt from the documents.
    await r2.stop();
    open.pop();
    await rm(join(dir, 'index'), { recursive: true });
    const r3 = await start();
    expect((await r3.book({})).total).toBe(6);
    expect(r3.listOpen()).toHaveLength(5);
    expect((await r3.register(doc(7), 'A')).arrivalNumber).toBe(7);
    expect(await readdir(join(dir, 'index'))).toEqual(['2026.jsonl']);
  });

  it('does not take a number when the document file cannot be written', async () => {
    const r = await start();
    await r.register(doc(1), 'A');
    // The document folder replaced by a file: every write fails (as a full disk would).
    await rm(join(dir, 'documents'), { recursive: true });
    await writeFile(join(dir, 'documents'), 'not a folder');
    await expect(r.register(doc(2), 'A')).rejects.toMatchObject({ code: 'storage.io' });
    await rm(join(dir, 'documents'));
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'documents'));
    expect((await r.register(doc(3), 'A')).arrivalNumber).toBe(2);
  });

  it('finds duplicates before registering, with or without tones, whatever the spacing', async () => {
    const r = await start();
    const first = await r.register(doc(15, { numberNotation: '15/STC-NS' }), 'A');
    await accept(r, first.docId);
    expect(r.duplicates('SỞ TÀI CHÍNH TỈNH ĐẮK LẮK', '15 / STC - NS').map((e) => e.docId)).toEqual([first.docId]);
    expect(r.duplicates('So tai chinh tinh Dak Lak', 'Số: 15/STC-NS').map((e) => e.docId)).toEqual([first.docId]);
    expect(r.duplicates('SỞ TÀI CHÍNH TỈNH ĐẮK LẮK', '16/STC-NS')).toEqual([]);
    expect(r.duplicates('SỞ Y TẾ TỈNH ĐẮK LẮK', '15/STC-NS')).toEqual([]);
    const again = await r.register(doc(15, { numberNotation: '15/STC-NS' }), 'B');
    expect(again.duplicateOf).toBe(first.docId);
    // kept on the entry, and found again after a restart (the index holds only a hash)
    const r2 = await restart(r);
    expect(r2.get(again.docId)?.duplicateOf).toBe(first.docId);
    expect(r2.duplicates('sở tài chính tỉnh đắk lắk', '15/stc-ns').map((e) => e.docId)).toEqual([first.docId, again.docId]);
    expect(duplicateKey('ỦY BAN', null)).toBeNull();
    expect(foldVietnamese('  Đắk   Lắk ')).toBe('dak lak');
  });

  it('searches the book by number, issuer and summary words, with or without tones, within a date range', async () => {
    const r = await start();
    const days = ['2026-12-01', '2026-12-02', '2026-12-03'];
    for (let i = 1; i <= 30; i++) {
      now = new Date(`${days[i % 3]}T09:${String(i).padStart(2, '0')}:00+07:00`);
      await r.register(doc(i, i === 7 ? { summary: 'Về việc phòng chống lụt bão năm 2027', issuer: 'UBND HUYỆN ĐÔNG ANH' } : {}), 'A');
    }
    expect((await r.book({ from: '2026-12-02', to: '2026-12-02' })).total).toBe(10);
    expect((await r.book({ q: 'phong chong lut bao' })).entries.map((e) => e.arrivalNumber)).toEqual([7]);
    expect((await r.book({ q: 'Phòng Chống' })).entries.map((e) => e.arrivalNumber)).toEqual([7]);
    expect((await r.book({ q: 'dong anh' })).total).toBe(1);
    expect((await r.book({ q: '12/STC' })).entries.map((e) => e.arrivalNumber)).toEqual([12]);
    expect((await r.book({ q: 'dak lak dot 2', from: '2026-12-03', to: '2026-12-03' })).entries.map((e) => e.arrivalNumber)).toEqual([2, 20, 23, 26, 29]); // (each word anywhere: "2" is in đợt 2, 20, 23…)
    const page = await r.book({ limit: 5, offset: 10 });
    expect(page.total).toBe(30);
    expect(page.entries.map((e) => e.arrivalNumber)).toEqual([11, 12, 13, 14, 15]);
    expect((await stat(join(dir, 'index', '2026.jsonl'))).mode & 0o777).toBe(0o600);
  });
});
