import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { preparePage } from '../../appliance/ocr/prepare-page.js';
import { judgePage } from '../../appliance/pages/clean-page.js';
import { estimateSkew } from '../../appliance/pages/skew.js';
import { projectPath } from '../../appliance/config/paths.js';

// The OCR's page preparation applies the page cleanup's judgement: a crooked page is read (and
// handed to the PDF) level, an upside-down one upright, with the same rotation and skew
// `sohoa pages` reports for it.

const demo = projectPath('provisioning', 'demo-pages');
const crooked = join(demo, 'doc-021', 'page-1.png'); // 200 dpi, skewed 0.75° clockwise in the corpus
const upsideDown = join(demo, 'doc-024', 'page-1.png'); // 200 dpi, upside down in the corpus

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'sohoa-prepare-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const skewOf = async (path: string) => {
  const meta = await sharp(path).metadata();
  const { data, info } = await sharp(path).greyscale().resize({ width: Math.round((meta.width! * 150) / 200) }).raw().toBuffer({ resolveWithObject: true });
  return estimateSkew({ data, width: info.width, height: info.height }).deg;
};

describe('page preparation for OCR', () => {
  it('levels a crooked page by the skew the page cleanup finds, at the page\'s own size', async () => {
    const judged = await judgePage(crooked);
    expect(Math.abs(judged.skewDeg - 0.75)).toBeLessThanOrEqual(0.3);
    const prep = await preparePage(crooked, dir);
    expect(prep.skewDeg).toBe(judged.skewDeg);
    expect(prep.rotation).toBe(judged.rotation);
    expect(prep.imagePath).not.toBe(crooked); // a levelled image, written for the recogniser and the PDF
    const meta = await sharp(prep.imagePath).metadata();
    expect([meta.width, meta.height]).toEqual([prep.width, prep.height]);
    expect([prep.width, prep.height]).toEqual([judged.width, judged.height]);
    expect(Math.abs(await skewOf(crooked))).toBeGreaterThan(0.4);
    expect(Math.abs(await skewOf(prep.imagePath))).toBeLessThanOrEqual(0.3);
  }, 60_000);

  it('turns an upside-down page upright once, with the same judgement as sohoa pages', async () => {
    const judged = await judgePage(upsideDown);
    const prep = await preparePage(upsideDown, dir);
    expect(prep.rotation).toBe(180);
    expect(prep.rotation).toBe(judged.rotation);
    expect(prep.skewDeg).toBe(judged.skewDeg);
  }, 60_000);
});
