import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { buildSearchablePdf, type PdfPageInput } from '../../appliance/pdf/searchable-pdf.js';
import { SohoaError } from '../../appliance/errors.js';
import { ocrLines } from '../fixtures/sign/ocr-lines.js';

const run = promisify(execFile);
const PAGE = fileURLToPath(new URL('../fixtures/sign/page-color-200dpi.jpg', import.meta.url));

let work: string;
let page: PdfPageInput;
let pdf: Uint8Array;
let file: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sohoa-pdf-'));
  page = { imagePath: PAGE, width: 1653, height: 2339, dpi: 200, lines: await ocrLines(PAGE, 200) };
  pdf = await buildSearchablePdf([page, page], { title: 'Giấy mời 208/GM-STP', author: 'Văn thư', subject: 'Họp bàn về tiếp nhận văn bản điện tử', keywords: ['GM', 'STP'] });
  file = join(work, 'doc.pdf');
  await writeFile(file, pdf);
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('buildSearchablePdf', () => {
  it('pdftotext gives the Vietnamese words back, in reading order', async () => {
    const { stdout } = await run('pdftotext', ['-f', '1', '-l', '1', '-layout', file, '-']);
    const text = stdout.normalize('NFC');
    for (const w of ['GIẤY MỜI', 'Sở Tư pháp', 'Thời gian', 'Địa điểm', 'Hội trường']) expect(text).toContain(w);
    expect(text.indexOf('GIẤY MỜI')).toBeLessThan(text.indexOf('Địa điểm'));
    expect(text.indexOf('Thời gian')).toBeLessThan(text.indexOf('Địa điểm'));
  });

  it('keeps the page at 100 % scale, in colour, at a reasonable size', async () => {
    const info = (await run('pdfinfo', [file])).stdout;
    expect(info).toMatch(/Pages:\s+2/);
    // 1653 × 2339 px at 200 dpi = 595.08 × 842.04 pt (A4)
    expect(info).toMatch(/Page size:\s+595\.0\d x 842\.0\d pts/);
    expect(info).toMatch(/PDF version:\s+1\.[4-7]/);
    expect(info).toMatch(/Title:\s+Giấy mời 208\/GM-STP/);
    const images = (await run('pdfimages', ['-list', file])).stdout;
    const row = images.split('\n')[2]!.trim().split(/\s+/);
    // page num type width height color comp bpc enc ... x-ppi y-ppi
    expect(row.slice(3, 9)).toEqual(['1653', '2339', 'rgb', '3', '8', 'jpeg']);
    expect(row[12]).toBe('200');
    expect(pdf.length / 2).toBeLessThan(600 * 1024);
  });

  it('declares PDF/A-2b with an sRGB output intent and embedded fonts', async () => {
    const text = Buffer.from(pdf).toString('latin1');
    expect(text).toContain('<pdfaid:part>2</pdfaid:part>');
    expect(text).toContain('/S /GTS_PDFA1');
    // The Info dictionary and the XMP packet must say the same thing (PDF/A 6.6.2.3).
    const info = (await run('pdfinfo', [file])).stdout;
    const xmp = (await run('pdfinfo', ['-meta', file])).stdout;
    expect(info).toMatch(/Keywords:\s+GM STP/);
    expect(xmp).toContain('<pdf:Keywords>GM STP</pdf:Keywords>');
    expect(xmp).toContain('<rdf:li xml:lang="x-default">Giấy mời 208/GM-STP</rdf:li>');
    expect(info).toMatch(/Producer:\s+Sohoa/);
    expect(xmp).toContain('<pdf:Producer>Sohoa</pdf:Producer>');
    const fonts = (await run('pdffonts', [file])).stdout;
    // the invisible text's glyphless font: embedded, with a ToUnicode map
    expect(fonts).toMatch(/GlyphLessFont\s+CID TrueType\s+Identity-H\s+yes\s+no\s+yes/);
    // and poppler renders the pages without a word about the font or the images
    const { stderr } = await run('pdftoppm', ['-r', '30', '-png', file, join(work, 'render')]);
    expect(stderr).toBe('');
  });

  it('recompresses rather than fail when over the size limit, and refuses when it cannot fit', async () => {
    // a high-quality scan: too large to keep as it is, re-encoded at a lower quality until it fits
    const hq = join(work, 'hq.jpg');
    await sharp(PAGE).jpeg({ quality: 98 }).toFile(hq);
    const asScanned = await buildSearchablePdf([{ ...page, imagePath: hq }], { title: 't' }, { maxBytes: 10_000_000 });
    const limit = Math.round(asScanned.length * 0.6);
    const small = await buildSearchablePdf([{ ...page, imagePath: hq }], { title: 't' }, { maxBytes: limit });
    expect(small.length).toBeLessThanOrEqual(limit);
    const err = await buildSearchablePdf([page], { title: 't' }, { maxBytes: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SohoaError);
    expect((err as SohoaError).vi).toMatch(/tách văn bản/);
  });

  it('keeps a compact scan as it is: the JPEG bytes, or the PNG pixels losslessly', async () => {
    // the colour JPEG: the PDF carries the file's own bytes (pdfimages -j writes the DCT stream out)
    await run('pdfimages', ['-f', '1', '-l', '1', '-j', file, join(work, 'kept')]);
    expect(Buffer.compare(await readFile(join(work, 'kept-000.jpg')), await readFile(PAGE))).toBe(0);
    // a grey PNG scan: Flate with PNG predictors, every pixel the same
    const grey = join(import.meta.dirname, '../fixtures/extract/pages/clean-thong-bao.png');
    const out = join(work, 'grey.pdf');
    await writeFile(out, await buildSearchablePdf([{ imagePath: grey, width: 2479, height: 3508, dpi: 300, lines: [] }], { title: 't' }));
    const row = (await run('pdfimages', ['-list', out])).stdout.split('\n')[2]!.trim().split(/\s+/);
    expect(row.slice(3, 9)).toEqual(['2479', '3508', 'gray', '1', '8', 'image']);
    await run('pdfimages', ['-png', out, join(work, 'grey-out')]);
    const [a, b] = await Promise.all([grey, join(work, 'grey-out-000.png')].map((f) => sharp(f).raw().toBuffer()));
    expect(Buffer.compare(a!, b!)).toBe(0);
  });

  it('re-encodes a noisy PNG, and a JPEG that asks to be turned, as upright JPEGs', async () => {
    const noisy = join(work, 'noisy.png');
    const px = Buffer.alloc(1653 * 2339); let x = 2463534242; // xorshift: grain no PNG filter predicts
    for (let i = 0; i < px.length; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; px[i] = 128 + ((x >>> 0) % 96); }
    await sharp(px, { raw: { width: 1653, height: 2339, channels: 1 } }).png().toFile(noisy);
    const turned = join(work, 'turned.jpg');
    await sharp(PAGE).rotate(90).withMetadata({ orientation: 8 }).jpeg().toFile(turned); // stored sideways, EXIF turns it back
    const out = join(work, 'reencoded.pdf');
    await writeFile(out, await buildSearchablePdf([noisy, turned].map((imagePath) => ({ imagePath, width: 1653, height: 2339, dpi: 200, lines: [] })), { title: 't' }));
    const rows = (await run('pdfimages', ['-list', out])).stdout.split('\n').slice(2, 4).map((r) => r.trim().split(/\s+/));
    expect(rows.map((r) => [r[3], r[4], r[8]])).toEqual([['1653', '2339', 'jpeg'], ['1653', '2339', 'jpeg']]);
  });

  it('reports a corrupt page image clearly', async () => {
    const bad = join(work, 'bad.jpg');
    await writeFile(bad, Buffer.from('not an image at all'));
    const err = await buildSearchablePdf([{ ...page, imagePath: bad }], { title: 't' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SohoaError);
    expect((err as SohoaError).code).toBe('pdf.build');
    expect((err as SohoaError).message).toContain(bad);
  });

  it('places each word on its box in the image', async () => {
    const { stdout } = await run('pdftotext', ['-f', '1', '-l', '1', '-bbox', file, '-']);
    const boxes = [...stdout.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)]
      .map((m) => ({ text: m[5]!.normalize('NFC'), x0: Number(m[1]), y0: Number(m[2]), x1: Number(m[3]), y1: Number(m[4]) }));
    const words = page.lines.flatMap((l) => l.words).filter((w) => w.text.length >= 4);
    expect(words.length).toBeGreaterThan(50);
    const k = 72 / 200;
    let placed = 0;
    for (const w of words) {
      const b = boxes.find((x) => x.text === w.text && Math.abs(x.x0 - w.bbox.x0 * k) < 3);
      if (!b) continue;
      const cy = ((w.bbox.y0 + w.bbox.y1) / 2) * k;
      if (Math.abs(b.x1 - w.bbox.x1 * k) < 3 && cy > b.y0 - 2 && cy < b.y1 + 2) placed++;
    }
    expect(placed / words.length).toBeGreaterThan(0.9);
  });
});
