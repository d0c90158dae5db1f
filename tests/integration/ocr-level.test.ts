import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { NativeTesseractEngine } from '../../appliance/ocr/native-engine.js';
import { DEBIAN_TESSDATA } from '../../appliance/ocr/create-engine.js';
import { preparePage } from '../../appliance/ocr/prepare-page.js';
import { judgePage } from '../../appliance/pages/clean-page.js';
import { LEVEL_MIN_DEG } from '../../appliance/pages/skew.js';
import { projectPath } from '../../appliance/config/paths.js';

const run = promisify(execFile);

// Pages are read level: a crooked scan is levelled before the recogniser reads it (and the PDF
// takes that level image), with real tesseract; an upright page, or one a hair off, is read as
// scanned, its own file untouched.
const DEMO = projectPath('provisioning', 'demo-pages');
let dir: string;
/** The demo corpus page printed 2.7° crooked, at 200 dpi grey (as the batch profile scans). */
let crooked: string;
let crookedText: string;

const words = (s: string) => s.normalize('NFC').split(/\s+/).filter(Boolean);
/** Words of `truth` found in `read` (each read word counts once). */
function wordsRight(truth: string, read: string): number {
  const bag = new Map<string, number>();
  for (const w of words(read)) bag.set(w, (bag.get(w) ?? 0) + 1);
  let right = 0;
  for (const w of words(truth)) { const n = bag.get(w) ?? 0; if (n) { bag.set(w, n - 1); right++; } }
  return right;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-ocr-level-'));
  crooked = join(dir, 'crooked.png');
  await sharp(join(DEMO, 'doc-012', 'page-1.jpg')).greyscale().resize({ width: 1654 }).withMetadata({ density: 200 }).png().toFile(crooked);
  crookedText = (JSON.parse(await readFile(join(DEMO, 'doc-012', 'truth.json'), 'utf8')) as { text: string[] }).text[0]!;
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('reading pages level', () => {
  const engine = new NativeTesseractEngine({ tessdataDir: DEBIAN_TESSDATA, processes: 2 });
  afterAll(() => engine.close());

  it('levels a crooked page at its own size and resolution and reads more of its words right', async () => {
    const prep = await preparePage(crooked, dir);
    expect(prep.levelDeg).toBeGreaterThan(2.5);
    expect(prep.levelDeg).toBeLessThan(2.9);
    expect(prep.imagePath).not.toBe(crooked);
    const src = await sharp(crooked).metadata();
    const meta = await sharp(prep.imagePath).metadata();
    expect([meta.width, meta.height, prep.width, prep.height, prep.dpi]).toEqual([src.width, src.height, src.width, src.height, 200]);
    // the corners the turn opened are paper white, not black
    const { data, info } = await sharp(prep.imagePath).greyscale().raw().toBuffer({ resolveWithObject: true });
    for (const i of [0, info.width - 1, (info.height - 1) * info.width, info.height * info.width - 1]) expect(data[i]).toBeGreaterThan(200);

    const page = await engine.recognize(crooked, { workDir: dir });
    expect(page.imagePath).toBe(prep.imagePath); // the level image: the re-reads and the PDF take it
    expect([page.width, page.height]).toEqual([src.width, src.height]);
    // tesseract itself on the page as scanned: what the page read crooked gives
    const { stdout } = await run('tesseract', [crooked, '-', '-l', 'vie', '--psm', '3'], { timeout: 120_000, killSignal: 'SIGKILL', maxBuffer: 16 << 20 });
    const level = wordsRight(crookedText, page.text);
    const asScanned = wordsRight(crookedText, stdout);
    const total = words(crookedText).length;
    expect(level).toBeGreaterThan(asScanned);
    expect(level / total).toBeGreaterThan(0.9);
  }, 240_000);

  it('leaves an upright page as scanned', async () => {
    const upright = join(DEMO, 'doc-004', 'page-1.png');
    const prep = await preparePage(upright, dir, { deferWrite: true }); // as the engine prepares it
    expect(prep.levelDeg).toBe(0);
    expect(prep.rotation).toBe(0);
    expect(prep.imagePath).toBe(upright);
  });

  it('leaves a page turned by less than LEVEL_MIN_DEG as scanned, though the cleanup measures it', async () => {
    const slight = join(dir, 'slight.png');
    const src = join(DEMO, 'doc-004', 'page-1.png');
    const { width, height } = await sharp(src).metadata();
    // content turned 0.2° clockwise, cut back to the page's size
    const { data, info } = await sharp(src).greyscale().rotate(0.2, { background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true });
    await sharp(data, { raw: info }).extract({ left: Math.floor((info.width - width!) / 2), top: Math.floor((info.height - height!) / 2), width: width!, height: height! })
      .toColourspace('b-w').withMetadata({ density: 200 }).png().toFile(slight);
    const judged = await judgePage(slight);
    expect(Math.abs(Math.abs(judged.skewDeg) - 0.2)).toBeLessThan(0.08);
    expect(Math.abs(judged.skewDeg)).toBeLessThan(LEVEL_MIN_DEG);
    const prep = await preparePage(slight, dir, { deferWrite: true });
    expect(prep.levelDeg).toBe(0);
    expect(prep.imagePath).toBe(slight);
  });
});
