import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import sharp from 'sharp';
import { judgeBlank } from '../../appliance/pages/clean-page.js';
import { projectPath } from '../../appliance/config/paths.js';
import { patchSheet } from '../helpers/patch-sheet.js';

// The patch-code detector on generated vendor sheets at 200 and 300 dpi, crooked and dusty, read
// through capture's own 100 dpi copy (judgeBlank); ordinary pages and Sohoa's QR sheet are no patch.

const exec = promisify(execFile);
const judge = async (img: Buffer, dpi: number) => (await judgeBlank(sharp(img), dpi)).patch;

describe('patch code detector', () => {
  for (const dpi of [200, 300]) {
    it(`names every patch at ${dpi} dpi, clean, and T and 2 crooked and dusty`, async () => {
      for (const code of ['1', '2', '3', '4', 'T', '6']) {
        expect((await judge(await patchSheet({ code, dpi }), dpi))?.code, `patch ${code}`).toBe(code);
      }
      for (const code of ['T', '2']) {
        for (const skewDeg of [-1.5, 0.8, 2]) {
          const found = await judge(await patchSheet({ code, dpi, skewDeg, noise: true }), dpi);
          expect(found?.code, `patch ${code} at ${skewDeg}°`).toBe(code);
          expect(found!.direction).toBe('across');
          expect(found!.lengthIn).toBeGreaterThanOrEqual(0.75);
        }
      }
    }, 60_000);
  }

  it('reads an end-fed patch from the right edge', async () => {
    const found = await judge(await patchSheet({ code: 'T', dpi: 300, noise: true, endFed: true }), 300);
    expect(found).toMatchObject({ code: 'T', direction: 'along' });
  });

  it('a patch whose bars are too short is not one (a stray mark of the same widths)', async () => {
    expect(await judge(await patchSheet({ code: 'T', dpi: 200, lengthIn: 0.4 }), 200)).toBeNull();
  });

  it('printed pages and the QR separator sheet carry no patch', async () => {
    const demo = projectPath('provisioning', 'demo-pages');
    for (const f of ['doc-021/page-1.png', 'doc-024/page-1.png', 'doc-004/page-1.png', 'doc-012/page-1.jpg', 'doc-029/page-1.png', 'doc-029/page-4.png', 'doc-031/page-1.jpg']) {
      const { patch } = await judgeBlank(join(demo, f), 200);
      expect(patch, f).toBeNull();
    }
    const dir = await mkdtemp(join(tmpdir(), 'sohoa-patch-'));
    try {
      const pdf = join(dir, 'sheet.pdf');
      await exec(process.execPath, [projectPath('bin', 'sohoa.js'), 'separator-sheet', '--out', pdf], { timeout: 60_000 });
      await exec('pdftoppm', ['-r', '200', '-gray', '-png', '-singlefile', pdf, join(dir, 'sheet')], { timeout: 60_000 });
      expect((await judgeBlank(join(dir, 'sheet.png'), 200)).patch).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
