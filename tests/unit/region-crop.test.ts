import { describe, it, expect } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { cropGrey, inkThreshold, tallestInk, whiten } from '../../appliance/ocr/region-crop.js';
import { inkRaster } from '../../appliance/ocr/ink-raster.js';
import type { Grey } from '../../appliance/ocr/prepare-page.js';

// The crop a re-read hands to tesseract: what was read whitened, and the ink left measured.

/** A white raster with black rectangles. */
function page(w: number, h: number, boxes: Array<[number, number, number, number]>): Grey {
  const g = { data: Buffer.alloc(w * h, 240), width: w, height: h };
  for (const [x0, y0, x1, y1] of boxes) for (let y = y0; y < y1; y++) g.data.fill(10, y * w + x0, y * w + x1);
  return g;
}

describe('region crop', () => {
  it('cuts a rectangle, and refuses one outside the raster', () => {
    const g = page(100, 80, [[10, 10, 20, 20]]);
    const c = cropGrey(g, { x0: 5, y0: 5, x1: 25, y1: 25 });
    expect([c.width, c.height]).toEqual([20, 20]);
    expect(c.data[5 * 20 + 5]).toBe(10); // (10,10) of the page
    expect(c.data[0]).toBe(240);
    expect(() => cropGrey(g, { x0: 90, y0: 0, x1: 110, y1: 10 })).toThrow(/outside/);
  });

  it('finds a text-high block of ink, not a rule, and nothing once the block is whitened', () => {
    // a rule 3 px high across, and a "stamp" 30 px high
    const g = page(200, 120, [[0, 10, 200, 13], [50, 60, 110, 90]]);
    const t = inkThreshold(g)!;
    expect(t).toBeGreaterThan(10); expect(t).toBeLessThan(240);
    expect(tallestInk(g, t, 6)).toBe(30);
    whiten(g, { x0: 0, y0: 0 }, [{ x0: 52, y0: 62, x1: 108, y1: 88 }], 2);
    expect(tallestInk(g, t, 6)).toBe(3);
  });

  it('has no ink threshold on a crop with no contrast', () => {
    expect(inkThreshold(page(50, 50, []))).toBeNull();
  });

  it('keeps a red stroke light in the ink raster, black print dark', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sohoa-ink-'));
    try {
      const f = join(dir, 'colour.png');
      const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><rect width="60" height="20" fill="white"/><rect x="0" y="0" width="30" height="20" fill="#d01010"/><rect x="30" y="0" width="30" height="20" fill="black"/></svg>';
      await sharp(Buffer.from(svg)).png().toFile(f);
      const ink = await inkRaster(f);
      expect(ink.data[10 * 60 + 10]).toBeGreaterThan(200); // red: its red channel is light
      expect(ink.data[10 * 60 + 45]).toBeLessThan(30);
      expect(await inkRaster(f)).toBe(ink); // decoded once
    } finally { await rm(dir, { recursive: true, force: true }); }
  });
});
