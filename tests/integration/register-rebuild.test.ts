import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyFields } from '../../appliance/extract/fields.js';
import type { IndexProgress } from '../../appliance/register/index-rebuild.js';
import { Register } from '../../appliance/register/register.js';
import { writeRegisterFiles } from '../helpers/register-files.js';

// The first start after an upgrade from a version without the register index: every document file
// is read once and indexed (index-rebuild.ts). On a register of realistic size (20 000 generated
// documents, a year of a busy desk) the rebuilt index must answer exactly as the one the register
// kept while it worked: numbering, counts, the book and its search, duplicates, the open documents,
// the outgoing book; a final document of an older format is read, not rewritten; an unreadable file
// is set aside with its number kept taken; progress is reported from 0 to the total (what the
// service turns into EXTEND_TIMEOUT_USEC for systemd). How long it takes is a benchmark figure
// (`npm run bench -- register`: firstStartMs), not asserted here.

const N = 20_000;
const ALWAYS = { start: '00:00', end: '24:00', days: [0, 1, 2, 3, 4, 5, 6] };
const NOW = new Date('2026-11-20T10:00:00+07:00');

let dir: string;
let openIds: string[];

async function start(onIndexProgress?: (p: IndexProgress) => void): Promise<Register> {
  const r = new Register({ dir, officeHours: ALWAYS, clock: () => NOW, onIndexProgress });
  await r.start();
  return r;
}

/** What a desk sees of the register, to compare a rebuilt index with the one kept while working. */
async function observe(r: Register) {
  const search = await r.book({ q: 'thien tai', limit: 100_000 });
  return {
    counts: r.stateCounts(),
    total: (await r.book({})).total,
    march: (await r.book({ from: '2026-03-01', to: '2026-03-31', limit: 100_000 })).entries.map((e) => e.docId),
    search: search.entries.map((e) => e.docId),
    duplicates: r.duplicates('BỘ NỘI VỤ', '8/UBND-VP').map((e) => e.docId),
    open: r.listOpen().map((e) => e.docId).sort(), // (the three of the same minute tie on receipt time)
    outgoing: (await r.book({ book: 'outgoing' })).entries.map((e) => e.docId),
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-register-rebuild-'));
  ({ openIds } = writeRegisterFiles(dir, N, { open: 50, now: new Date('2026-11-19T16:00:00+07:00') }));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('register index rebuilt from 20 000 document files', () => {
  it('answers as the index kept while working did, reads older final files without rewriting them, keeps a set-aside number taken', async () => {
    // First start on the generated files (no index), then the desk works: an outgoing document,
    // a complaint held on paper, a new incoming one. This is the index kept while working.
    const progress: IndexProgress[] = [];
    const r1 = await start((p) => progress.push(p));
    expect(progress[0]).toEqual({ done: 0, total: N });
    expect(progress.at(-1)).toEqual({ done: N, total: N });
    expect(progress.every((p, i) => i === 0 || p.done >= progress[i - 1]!.done)).toBe(true);
    const base = { ...emptyFields(), date: '2026-11-18', type: 'Công văn', pages: 1 };
    const out = await r1.register({ ...base, issuer: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI', numberNotation: '77/UBND-TH', summary: 'Về việc hội nghị tổng kết' }, 'A',
      { outgoing: { recipients: [{ text: 'Sở Tài chính', organId: '000.00.12.H99', name: 'Sở Tài chính', copyOnly: false }] } });
    await r1.register({ ...base, issuer: 'Công dân', summary: 'Đơn khiếu nại' }, 'A', { extras: { exclusion: 'complaint' } });
    const fresh = await r1.register({ ...base, issuer: 'BỘ NỘI VỤ', numberNotation: '8/UBND-VP', summary: 'Về việc phòng chống thiên tai, hội nghị' }, 'A');
    expect(fresh.arrivalNumber).toBe(N + 1);
    expect(fresh.duplicateOf).toBe('2026-000008'); // found through the index built from the files
    const kept = await observe(r1);
    await r1.stop();
    expect(kept.total).toBe(N + 1);
    expect(kept.search.length).toBeGreaterThan(500);
    expect(kept.march.length).toBeGreaterThan(1000);
    expect(kept.duplicates).toEqual(['2026-000008', fresh.docId]);
    expect(kept.outgoing).toEqual([out.docId]);
    expect(kept.open).toHaveLength(50 + 3); // + outgoing, held complaint (until its pages are gone), fresh

    // The upgrade: no index; older-format files (written before formatVersion), final and open;
    // the newest document's file torn.
    await rm(join(dir, 'index'), { recursive: true });
    const docs = join(dir, 'documents');
    const stripVersion = async (docId: string): Promise<string> => {
      const path = join(docs, `${docId}.json`);
      const { formatVersion: _v, ...old } = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
      const text = JSON.stringify(old, null, 2) + '\n';
      await writeFile(path, text);
      return text;
    };
    const oldFinal = new Map<string, string>();
    for (const n of [1, 2, 3, 5000, 12345]) {
      const docId = `2026-${String(n).padStart(6, '0')}`;
      oldFinal.set(docId, await stripVersion(docId));
    }
    const oldOpen = openIds[0]!;
    await stripVersion(oldOpen);
    await writeFile(join(docs, `${fresh.docId}.json`), '{"formatVersion":2,"docId":"2026-0');

    const again: IndexProgress[] = [];
    const r2 = await start((p) => again.push(p));
    try {
      expect(again[0]).toEqual({ done: 0, total: N + 3 });
      expect(again.at(-1)).toEqual({ done: N + 3, total: N + 3 });
      const rebuilt = await observe(r2);
      // the torn document is set aside: out of the book, the counts, the duplicates and the desk
      expect(rebuilt).toEqual({
        ...kept,
        counts: { ...kept.counts, registered: kept.counts.registered! - 1 },
        total: N,
        search: kept.search.filter((id) => id !== fresh.docId),
        duplicates: ['2026-000008'],
        open: kept.open.filter((id) => id !== fresh.docId),
      });
      expect(await readdir(join(dir, 'quarantine', 'register'))).toEqual([expect.stringMatching(new RegExp(`^${fresh.docId}\\.json`))]);
      // older final files are read as they are (carried forward in memory), not rewritten
      for (const [docId, text] of oldFinal) {
        expect(await readFile(join(docs, `${docId}.json`), 'utf8')).toBe(text);
        expect(r2.get(docId)).toMatchObject({ docId, state: 'accepted', arrivalNumber: Number(docId.slice(5)) });
      }
      // an open one (the desk is about to change it) is written back in the current format
      expect(JSON.parse(await readFile(join(docs, `${oldOpen}.json`), 'utf8'))).toMatchObject({ formatVersion: 2, docId: oldOpen });
      // the set-aside number stays taken: the next document follows it
      expect((await r2.register({ ...base, issuer: 'BỘ TÀI CHÍNH', numberNotation: '1/BTC', summary: 'Về việc dự toán' }, 'A')).arrivalNumber).toBe(N + 2);
    } finally {
      await r2.stop();
    }

    // An ordinary restart reads the rebuilt index and indexes nothing again.
    const none: IndexProgress[] = [];
    const r3 = await start((p) => none.push(p));
    try {
      expect(none).toEqual([]);
      expect((await r3.book({})).total).toBe(N + 1);
    } finally {
      await r3.stop();
    }
  }, 300_000);
});
