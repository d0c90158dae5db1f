import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus, type EventMap } from '../../appliance/events.js';
import { emptyFields, type DocumentFields } from '../../appliance/extract/fields.js';
import { Register } from '../../appliance/register/register.js';

// Business hours every day, so the receipt time is the arrival time unless a test says otherwise.
const ALWAYS = { start: '00:00', end: '24:00', days: [0, 1, 2, 3, 4, 5, 6] };
const OFFICE = { start: '07:30', end: '17:00', days: [1, 2, 3, 4, 5] };

function doc(n: number, over: Partial<DocumentFields> = {}): DocumentFields {
  return { ...emptyFields(), issuer: 'UBND HUYỆN BẢO THẮNG', numberNotation: `${n}/UBND-VP`, number: String(n), date: '2024-03-01', summary: `Việc số ${n}`, pages: 1, ...over };
}

describe('Register on disk', () => {
  let dir: string;
  const open: Register[] = [];
  let now = new Date('2024-03-05T09:00:00+07:00');

  async function register(opts: { hours?: typeof OFFICE; bus?: EventBus } = {}): Promise<Register> {
    const r = new Register({ dir, officeHours: opts.hours ?? ALWAYS, clock: () => now, ...(opts.bus ? { bus: opts.bus } : {}) });
    await r.start();
    open.push(r);
    return r;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sohoa-register-'));
    now = new Date('2024-03-05T09:00:00+07:00');
  });
  afterEach(async () => {
    for (const r of open.splice(0)) await r.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('numbers sequentially and keeps numbering across a restart, never reusing one', async () => {
    const a = await register();
    const n1 = await a.register(doc(1), 'Nguyễn Văn A');
    const n2 = await a.register(doc(2), 'Nguyễn Văn A');
    expect([n1.arrivalNumber, n2.arrivalNumber]).toEqual([1, 2]);
    expect(n1.arrivalDate).toBe('2024-03-05T09:00:00+07:00');
    await a.stop();
    open.pop();

    const b = await register();
    expect(b.get(n2.docId)?.fields.summary).toBe('Việc số 2');
    const n3 = await b.register(doc(3), 'Trần Thị B');
    expect(n3.arrivalNumber).toBe(3);
  });

  it('re-derives the counter from the documents when a crash lost the counters checkpoint', async () => {
    const a = await register();
    for (let i = 1; i <= 3; i++) await a.register(doc(i), 'A');
    await a.stop();
    open.pop();
    // A crash between the document write (the commit) and the checkpoint: counters.json is stale.
    await writeFile(join(dir, 'counters.json'), JSON.stringify({ 2024: 1 }));
    await writeFile(join(dir, 'documents', '2024-000009.json.tmp-1-2'), '{"torn":'); // an interrupted write
    const b = await register();
    expect((await b.register(doc(4), 'A')).arrivalNumber).toBe(4);
  });

  it('serialises concurrent registrations: unique, gap-free numbers', async () => {
    const r = await register();
    const entries = await Promise.all(Array.from({ length: 25 }, (_, i) => r.register(doc(i + 1), 'A')));
    expect(entries.map((e) => e.arrivalNumber).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(new Set(entries.map((e) => e.docId)).size).toBe(25);
    expect((await readdir(join(dir, 'documents'))).filter((f) => f.endsWith('.json'))).toHaveLength(25);
  });

  it('restarts at 1 on 1 January (Vietnam time)', async () => {
    const r = await register();
    now = new Date('2024-12-31T23:59:00+07:00');
    expect((await r.register(doc(1), 'A')).arrivalNumber).toBe(1);
    expect((await r.register(doc(2), 'A')).arrivalNumber).toBe(2);
    now = new Date('2024-12-31T17:00:00Z'); // 00:00 on 1 January 2025 in Vietnam
    const jan = await r.register(doc(3), 'A');
    expect(jan).toMatchObject({ arrivalNumber: 1, year: 2025 });
    expect((await r.book({ from: '2024-01-01', to: '2024-12-31' })).entries.map((e) => e.arrivalNumber)).toEqual([1, 2]);
  });

  it('counts an after-hours receipt from the next opening, keeping the real receipt time', async () => {
    const r = await register({ hours: OFFICE });
    now = new Date('2024-03-08T19:45:10+07:00'); // Friday evening
    const e = await r.register(doc(1), 'A');
    expect(e.arrivalDate).toBe('2024-03-11T07:30:00+07:00');
    expect(e.receivedAt).toBe('2024-03-08T19:45:10+07:00');
    // New Year's Eve after hours belongs to next year's numbering.
    now = new Date('2024-12-31T18:00:00+07:00');
    expect(await r.register(doc(2), 'A')).toMatchObject({ arrivalNumber: 1, year: 2025, arrivalDate: '2025-01-01T07:30:00+07:00' });
  });

  it('holds a secret document: no number, no content kept, a Vietnamese reason', async () => {
    const bus = new EventBus();
    const seen: EventMap['document.changed'][] = [];
    bus.on('document.changed', (e) => seen.push(e));
    const r = await register({ bus });
    const e = await r.register(doc(7, { confidentiality: 'Tối mật', summary: 'Nội dung mật không được lưu' }), 'A');
    expect(e.state).toBe('held-secret');
    expect(e.arrivalNumber).toBeNull();
    expect(e.message).toMatch(/độ mật "Tối mật" không được gửi qua mạng/);
    const onDisk = await readFile(join(dir, 'documents', `${e.docId}.json`), 'utf8');
    expect(onDisk).not.toContain('Nội dung mật');
    expect(onDisk).not.toContain('7/UBND-VP');
    expect(seen.at(-1)).toMatchObject({ docId: e.docId, state: 'held-secret' });
    await expect(r.setState(e.docId, 'queued')).rejects.toMatchObject({ code: 'register.state' });
    // The secret document did not consume a number.
    expect((await r.register(doc(8), 'A')).arrivalNumber).toBe(1);
  });

  it('warns of a duplicate (same issuer + number/notation) without blocking it', async () => {
    const r = await register();
    const first = await r.register(doc(15), 'A');
    const again = await r.register(doc(15, { issuer: 'UBND  huyện Bảo Thắng', numberNotation: '15 / UBND-VP' }), 'B');
    expect(again.duplicateOf).toBe(first.docId);
    expect(again.arrivalNumber).toBe(2);
    expect((await r.register(doc(15, { issuer: 'UBND XÃ KHÁC' }), 'B')).duplicateOf).toBeNull();
    expect(r.findDuplicate('UBND HUYỆN BẢO THẮNG', '15/UBND-VP')).toBe(first.docId);
  });

  it('writes an audit line per action: corrections old→new, registration, state changes, by whom', async () => {
    const r = await register();
    const extracted = doc(21, { summary: 'Viêc sô 21 (OCR)', signer: null });
    const confirmed = doc(21, { summary: 'Việc số 21', signer: 'Lê Văn C' });
    const e = await r.register(confirmed, 'Nguyễn Văn A', { extracted });
    await r.setState(e.docId, 'signing', { actor: 'Nguyễn Văn A' });
    await r.setState(e.docId, 'signed', { actor: 'Nguyễn Văn A' });
    await r.setState(e.docId, 'queued');
    await r.setState(e.docId, 'sending');
    await r.setState(e.docId, 'delivered', { detail: 'StatusCode 01' });
    await expect(r.setState(e.docId, 'registered')).rejects.toMatchObject({ code: 'register.state' });
    await expect(r.setState('nope', 'signed')).rejects.toMatchObject({ code: 'register.not-found' });

    const lines = (await readFile(join(dir, 'audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.action)).toEqual(['corrected', 'registered', 'state', 'signed', 'state', 'sent', 'delivered']);
    expect(lines[0]).toMatchObject({ actor: 'Nguyễn Văn A', docId: e.docId });
    expect(lines[0].detail.changes).toEqual([
      { field: 'summary', old: 'Viêc sô 21 (OCR)', new: 'Việc số 21' },
      { field: 'signer', old: null, new: 'Lê Văn C' },
    ]);
    expect(lines[1].detail).toMatchObject({ arrivalNumber: 1, numberNotation: '21/UBND-VP' });
    expect(lines.every((l) => /\+07:00$/.test(l.at))).toBe(true);
    expect(r.get(e.docId)!.history.map((h) => h.state)).toEqual(['registered', 'signing', 'signed', 'queued', 'sending', 'delivered']);
  });

  it('stores text as NFC', async () => {
    const r = await register();
    const decomposed = 'Quyết định'.normalize('NFD');
    const e = await r.register(doc(1, { type: decomposed, summary: decomposed }), 'A');
    expect(e.fields.summary).toBe('Quyết định'.normalize('NFC'));
    expect(e.fields.type).toBe('Quyết định'.normalize('NFC'));
  });
});
