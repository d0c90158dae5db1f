import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { NativeTesseractEngine } from '../../appliance/ocr/native-engine.js';
import { DEBIAN_TESSDATA } from '../../appliance/ocr/create-engine.js';
import { addStampLines, stampRegion } from '../../appliance/extract/reread.js';
import { marksInLine } from '../../appliance/extract/patterns.js';
import { profileStart, profileStop } from '../../appliance/ocr/profile.js';
import type { OcrPage } from '../../appliance/ocr/ocr.js';

// The stamp re-read (psm 11 over the header) whitens what the first read already read surely: on a
// header with nothing else it does not run tesseract at all; a stamp the first read missed is
// still read. Real tesseract on a real page, a stamp drawn on it.
const CLEAN = join(import.meta.dirname, '../fixtures/extract/pages/clean-thong-bao.png');
let dir: string;
const engine = new NativeTesseractEngine({ tessdataDir: DEBIAN_TESSDATA, processes: 2 });

beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'sohoa-reread-known-')); });
afterAll(async () => { await engine.close(); await rm(dir, { recursive: true, force: true }); });

/** The header's tesseract runs and skips while `fn` runs. */
async function runsOf<T>(fn: () => Promise<T>): Promise<{ value: T; runs: number; skipped: number }> {
  profileStart();
  try {
    const value = await fn();
    const spans = profileStop();
    return { value, runs: spans.filter((s) => s.stage === 'tesseract.run').length, skipped: spans.filter((s) => s.stage === 'reread.skippedNoInk').length };
  } finally { profileStop(); }
}

/** The clean page with a boxed "KHẨN" stamp drawn in its header, under the number, where the page has no text. */
async function stamped(): Promise<string> {
  const meta = await sharp(CLEAN).metadata();
  const W = meta.width!; const H = meta.height!;
  const page = await engine.recognize(CLEAN, { workDir: dir });
  const number = page.lines.find((l) => /^Số/.test(l.text.trim()))!;
  const x = Math.round(number.bbox.x0); const y = Math.round(number.bbox.y1 + (number.bbox.y1 - number.bbox.y0) * 0.6);
  const h = Math.round((number.bbox.y1 - number.bbox.y0) * 2.2); const w = h * 3;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <rect x="${x}" y="${y}" width="${w}" height="${h}" fill="white" stroke="black" stroke-width="${Math.max(2, Math.round(h / 18))}"/>
    <text x="${x + w / 2}" y="${y + h * 0.72}" font-family="DejaVu Serif" font-weight="bold" font-size="${Math.round(h * 0.6)}" text-anchor="middle">KHẨN</text></svg>`;
  const out = join(dir, 'stamped.png');
  await sharp(CLEAN).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]).greyscale().png().toFile(out);
  return out;
}

describe('stamp re-read over what the first read read', () => {
  it('runs no tesseract when the header holds nothing but text read surely', async () => {
    const page = await engine.recognize(CLEAN, { workDir: dir });
    // every word of the header as read surely: nothing is left to re-read
    const sure: OcrPage = { ...page, lines: page.lines.map((l) => ({ ...l, words: l.words.map((w) => ({ ...w, confidence: 95 })) })) };
    const { value, runs, skipped } = await runsOf(() => addStampLines(engine, sure));
    expect(runs).toBe(0);
    expect(skipped).toBe(1);
    expect(value.lines).toHaveLength(sure.lines.length);
  });

  it('still reads a stamp the first read missed or merged into the title line ("KHAN THÔNG BÁO")', async () => {
    const page = await engine.recognize(await stamped(), { workDir: dir });
    const r = stampRegion(page);
    // the first read as if it had lost the stamp (read as a picture): its line taken out
    const missed: OcrPage = { ...page, lines: page.lines.filter((l) => !(marksInLine(l.text) && l.bbox.x0 < r.x1 && l.bbox.y1 < r.y1)) };
    const { value, runs } = await runsOf(() => addStampLines(engine, missed));
    expect(runs).toBe(1);
    const added = value.lines.filter((l) => !missed.lines.includes(l));
    expect(added.map((l) => marksInLine(l.text))).toContainEqual({ urgency: 'Khẩn' });
  });

  it('reads the whole header (the stamp among it) when nothing of the first read is given', async () => {
    // the same stamp with nothing of the first read known: the re-read reads the whole header and finds it
    const page = await engine.recognize(await stamped(), { workDir: dir });
    const lines = await engine.recognizeRegion(page, stampRegion(page));
    expect(lines.some((l) => marksInLine(l.text)?.urgency === 'Khẩn')).toBe(true);
  });
});
