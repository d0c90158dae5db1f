import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { NativeTesseractEngine } from '../../appliance/ocr/native-engine.js';
import { TesseractJsEngine } from '../../appliance/ocr/tesseract-js-engine.js';
import { createOcrEngine, DEBIAN_TESSDATA, NPM_VIE } from '../../appliance/ocr/create-engine.js';
import { fold } from '../../appliance/extract/vn-text.js';
import { SohoaError } from '../../appliance/errors.js';
import { buildSearchablePdf } from '../../appliance/pdf/searchable-pdf.js';
import { writeBlankPage, writeHugePng, writeTruncatedPng } from '../fixtures/extract/bad-images.js';

const run = promisify(execFile);

// Real tesseract (native CLI and tesseract.js) on two corpus pages; bad inputs give ocr.input.
const pages = join(import.meta.dirname, '../fixtures/extract/pages');
const CLEAN = join(pages, 'clean-thong-bao.png');
const ROTATED = join(pages, 'rotated-180-bien-ban.png');
let dir: string;

beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'sohoa-ocr-test-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('native tesseract engine', () => {
  const engine = new NativeTesseractEngine({ tessdataDir: DEBIAN_TESSDATA, processes: 2 });
  afterAll(() => engine.close());

  it('turns an upside-down page upright and returns positioned words on the upright image', async () => {
    const page = await engine.recognize(ROTATED, { workDir: dir });
    expect(page.rotation).toBe(180);
    expect(page.imagePath.startsWith(dir)).toBe(true);
    const meta = await sharp(page.imagePath).metadata();
    expect([meta.width, meta.height]).toEqual([page.width, page.height]);
    expect(fold(page.text)).toContain('BIEN BAN');
    expect(page.text).toContain('Số: 150/BB-UBND');
    const words = page.lines.flatMap((l) => l.words);
    expect(words.length).toBeGreaterThan(150);
    for (const w of words) {
      expect(w.bbox.x0).toBeGreaterThanOrEqual(0); expect(w.bbox.x1).toBeLessThanOrEqual(page.width);
      expect(w.bbox.y1).toBeLessThanOrEqual(page.height); expect(w.confidence).toBeLessThanOrEqual(100);
    }
    // upright: the header (number line) is near the top of the page
    const num = page.lines.find((l) => l.text.includes('150/BB-UBND'))!;
    expect(num.bbox.y0).toBeLessThan(page.height * 0.2);
  });

  it('reads a turned 300-dpi grey page only once its upright file is complete', async () => {
    // (corpus doc-017) a 300-dpi page takes long enough to write that tesseract, started on the
    // upright file before the write ended, failed with "Error during processing"
    for (let i = 0; i < 3; i++) {
      const page = await engine.recognize(join(pages, 'rotated-180-to-trinh-300dpi.png'), { workDir: await mkdtemp(join(dir, 'job-')) });
      expect(page.rotation).toBe(180);
      expect(page.text).toContain('478/TTr-SGDĐT');
    }
  });

  it('turns a colour page into an upright JPEG that the PDF then carries as it is', async () => {
    const turned = join(dir, 'colour-upside-down.jpg');
    await sharp(join(import.meta.dirname, '../fixtures/sign/page-color-200dpi.jpg')).rotate(180).jpeg({ quality: 88 }).toFile(turned);
    const page = await engine.recognize(turned, { workDir: await mkdtemp(join(dir, 'job-')) });
    expect(page.rotation).toBe(180);
    expect(page.imagePath).toMatch(/-upright\.jpg$/);
    expect(page.text).toContain('208/GM-STP');
    const pdf = join(dir, 'colour.pdf');
    await writeFile(pdf, await buildSearchablePdf([{ ...page, lines: page.lines }], { title: 't' }));
    await run('pdfimages', ['-j', pdf, join(dir, 'colour-img')]);
    expect(Buffer.compare(await readFile(join(dir, 'colour-img-000.jpg')), await readFile(page.imagePath))).toBe(0);
  });

  it('detects a blank back side without running OCR', async () => {
    const blank = join(dir, 'blank.png');
    await writeBlankPage(blank);
    const page = await engine.recognize(blank, { workDir: dir });
    expect(page).toMatchObject({ blank: true, text: '', lines: [] });
  });

  it('re-reads a region in page coordinates', async () => {
    const page = await engine.recognize(CLEAN, { workDir: dir });
    const lines = await engine.recognizeRegion(page, { x0: 0, y0: 0, x1: page.width / 2, y1: page.height * 0.2 });
    expect(fold(lines.map((l) => l.text).join(' '))).toContain('UY BAN NHAN DAN');
    expect(Math.max(...lines.map((l) => l.bbox.x1))).toBeLessThanOrEqual(page.width / 2 + 1);
  });

  it('names the file in a clear error for a 0-byte, truncated or 20000×20000 image', async () => {
    const empty = join(dir, 'empty.png'); await writeFile(empty, '');
    const cut = join(dir, 'cut.png'); await writeTruncatedPng(cut, await readFile(CLEAN));
    const huge = join(dir, 'huge.png'); await writeHugePng(huge);
    for (const f of [empty, cut, huge]) {
      const err = await engine.recognize(f, { workDir: dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SohoaError);
      expect((err as SohoaError).code).toBe('ocr.input');
      expect((err as SohoaError).vi).toContain(f.split('/').pop());
    }
  });
});

describe('tesseract.js engine (trained data installed with the project, nothing downloaded)', () => {
  it('reads a clean page with the npm package data', async () => {
    const engine = new TesseractJsEngine({ langPath: NPM_VIE, gzip: true, workers: 1 });
    try {
      const page = await engine.recognize(CLEAN, { workDir: dir });
      expect(page.rotation).toBe(0);
      expect(page.imagePath).toBe(CLEAN);
      expect(fold(page.text)).toContain('THONG BAO');
      expect(page.text).toContain('286/TB-UBND');
      expect(page.lines.every((l) => l.words.length > 0 && l.bbox.x1 > l.bbox.x0)).toBe(true);
    } finally {
      await engine.close();
    }
    expect(existsSync(join(process.cwd(), 'vie.traineddata'))).toBe(false); // cacheMethod none
  });

  it('the factory picks an engine that exists here', () => {
    const e = createOcrEngine({ workers: 1 });
    expect(e.constructor.name).toBe(existsSync(join(DEBIAN_TESSDATA, 'vie.traineddata')) ? 'NativeTesseractEngine' : 'TesseractJsEngine');
    return e.close();
  });
});
