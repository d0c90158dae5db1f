import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    // embedded, with a ToUnicode map (pdf-lib subsets the glyphs but does not tag the name)
    expect(fonts).toMatch(/DejaVuSans\S*\s+CID TrueType\s+Identity-H\s+yes\s+(yes|no)\s+yes/);
  });

  it('recompresses rather than fail when over the size limit, and refuses when it cannot fit', async () => {
    const limit = Math.round((pdf.length / 2) * 0.9);
    const small = await buildSearchablePdf([page], { title: 't' }, { maxBytes: limit });
    expect(small.length).toBeLessThanOrEqual(limit);
    const err = await buildSearchablePdf([page], { title: 't' }, { maxBytes: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SohoaError);
    expect((err as SohoaError).vi).toMatch(/tách văn bản/);
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
