import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atomicWrite } from '../../appliance/store/atomic-write.js';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'sohoa-atomic-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('atomicWrite', () => {
  it('survives many concurrent writes of the same file: one whole version wins, no temp file is left', async () => {
    const path = join(dir, 'state.json');
    const versions = Array.from({ length: 50 }, (_, i) => JSON.stringify({ version: i, pad: 'x'.repeat(1000 + i) }));
    await Promise.all(versions.map((v) => atomicWrite(path, v)));
    expect(versions).toContain(await readFile(path, 'utf8'));
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('creates the folder it writes into', async () => {
    const path = join(dir, 'a', 'b', 'c.txt');
    await atomicWrite(path, 'hello');
    expect(await readFile(path, 'utf8')).toBe('hello');
  });
});
