import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PROFILES, loadProfiles, profileSource } from '../../appliance/capture/profiles.js';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'sohoa-profiles-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });
const file = async (body: unknown) => { const p = join(dir, `p-${Math.random().toString(36).slice(2)}.json`); await writeFile(p, JSON.stringify(body)); return p; };

describe('capture profiles', () => {
  it('no file: "Văn bản đến", "Số hóa hàng loạt" and "Văn bản đi" (the outgoing book), all at ≥ 200 dpi', async () => {
    const p = await loadProfiles('');
    expect(p.map((x) => x.name)).toEqual(['Văn bản đến', 'Số hóa hàng loạt', 'Văn bản đi']);
    expect(p.map((x) => x.book)).toEqual(['incoming', 'incoming', 'outgoing']);
    expect(p.every((x) => x.dpi >= 200)).toBe(true);
    expect(p.map(profileSource)).toEqual(['adf-duplex', 'adf-duplex', 'adf-duplex']);
    expect(p).toBe(DEFAULT_PROFILES);
  });

  it('a provisioned file, with defaults filled in', async () => {
    const p = await loadProfiles(await file([{ name: 'Văn bản đi', source: 'flatbed', mode: 'gray' }, { name: 'Hồ sơ', dpi: 200, batch: true, maxPagesPerDocument: 50 }]));
    expect(p[0]).toMatchObject({ name: 'Văn bản đi', source: 'flatbed', duplex: false, dpi: 300, mode: 'gray', blankPages: 'drop', book: 'incoming' });
    expect(profileSource(p[0]!)).toBe('flatbed');
    expect(p[1]).toMatchObject({ name: 'Hồ sơ', source: 'adf', duplex: true, batch: true, maxPagesPerDocument: 50 });
  });

  it.each([
    [[{ name: 'Nhanh', dpi: 150 }], 'tối thiểu 200 dpi'],
    [[{ name: 'A' }, { name: 'A' }], 'hai cách quét cùng tên "A"'],
    [[{ name: 'Kính', source: 'flatbed', duplex: true }], 'không quét hai mặt'],
    [[{ name: 'X', mode: 'colour' }], '"mode" phải là một trong "color", "gray"'],
    [[], 'từ 1 đến 8'],
    [[{ name: 'Đi', book: 'out' }], '"book" phải là một trong "incoming", "outgoing"'],
  ])('refuses %j naming what is wrong', async (body, words) => {
    await expect(loadProfiles(await file(body))).rejects.toMatchObject({ code: 'config.invalid', vi: expect.stringContaining(words) });
  });
});
