import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeTesseractEngine } from '../../appliance/ocr/native-engine.js';
import { DEBIAN_TESSDATA } from '../../appliance/ocr/create-engine.js';
import { Limiter } from '../../appliance/ocr/limiter.js';
import { planBands } from '../../appliance/ocr/bands.js';
import { preparePage } from '../../appliance/ocr/prepare-page.js';
import { extractDocumentProgressive } from '../../appliance/extract/extract-document.js';
import { similarity } from '../../appliance/extract/vn-text.js';

// Fields first: header and signature bands are read (and the fields extracted) before the body;
// the whole text, assembled from the bands, matches a whole-page OCR. Real tesseract.
const pages = join(import.meta.dirname, '../fixtures/extract/pages');
const CLEAN = join(pages, 'clean-thong-bao.png');
const ROTATED = join(pages, 'rotated-180-bien-ban.png');
let dir: string;

beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'sohoa-progressive-test-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('limiter', () => {
  it('starts waiting tasks by priority, then in arrival order', async () => {
    const l = new Limiter(1);
    const order: string[] = [];
    let release!: () => void;
    const first = l.run(() => new Promise<void>((r) => { release = r; }));
    const tasks = [['body', 1], ['field-a', 0], ['field-b', 0], ['body-2', 1]] as const;
    const all = tasks.map(([name, prio]) => l.run(async () => { order.push(name); }, prio));
    release();
    await Promise.all([first, ...all]);
    expect(order).toEqual(['field-a', 'field-b', 'body', 'body-2']);
  });
});

describe('bands of an upright page', () => {
  it('cover the page without gaps: header (≥ 40 %), body, signature band from the last body line down', async () => {
    const prep = await preparePage(ROTATED, dir);
    const bands = planBands(prep, { header: true, signature: true });
    expect(bands.map((b) => b.role)).toEqual(['header', 'body', 'signature']);
    expect(bands[0]!.y0).toBe(0);
    expect(bands[0]!.y1).toBeGreaterThanOrEqual(prep.height * 0.4);
    for (let i = 1; i < bands.length; i++) expect(bands[i]!.y0).toBe(bands[i - 1]!.y1);
    expect(bands[bands.length - 1]!.y1).toBe(prep.height);
    for (const b of bands) { expect(b.readY0).toBeLessThanOrEqual(b.y0); expect(b.readY1).toBeGreaterThanOrEqual(b.y1); }
    // a middle page: one body band
    expect(planBands(prep, { header: false, signature: false }).map((b) => [b.role, b.y0, b.y1])).toEqual([['body', 0, prep.height]]);
    // the last page of a longer document: read whole, with the fields
    expect(planBands(prep, { header: false, signature: true }).map((b) => [b.role, b.y0, b.y1])).toEqual([['signature', 0, prep.height]]);
  });
});

describe('extractDocumentProgressive (native tesseract)', () => {
  const engine = new NativeTesseractEngine({ tessdataDir: DEBIAN_TESSDATA, processes: 2 });
  afterAll(() => engine.close());

  for (const [name, file, expected] of [
    ['Thông báo', CLEAN, { numberNotation: '286/TB-UBND', type: 'Thông báo' }],
    ['Biên bản, upside down', ROTATED, { numberNotation: '150/BB-UBND', type: 'Biên bản' }],
  ] as const) {
    it(`${name}: fields arrive before the body is read; the full text matches a whole-page OCR`, async () => {
      const events: string[] = [];
      const p = extractDocumentProgressive(engine, [file], dir);
      const [fields, full] = await Promise.all([
        p.fields.then((f) => { events.push('fields'); return f; }),
        p.full.then((f) => { events.push('full'); return f; }),
      ]);
      expect(events).toEqual(['fields', 'full']);
      expect(fields).toMatchObject(expected);
      expect(fields.signer).toBeTruthy();
      // the fields came from the bands: their text lacks part of the body that the full text has
      expect(fields.text[0]!.length).toBeLessThan(full.result.text[0]!.length * 0.9);
      expect(full.result).toMatchObject(expected);
      expect(full.pages).toHaveLength(1);
      const whole = await engine.recognize(file, { workDir: dir });
      expect(full.pages[0]!.rotation).toBe(whole.rotation);
      expect(similarity(full.pages[0]!.text, whole.text)).toBeGreaterThan(0.95);
      const words = (t: string): Set<string> => new Set(t.split(/\s+/).filter((w) => w.length > 2));
      const a = words(full.pages[0]!.text); const b = words(whole.text);
      expect([...b].filter((w) => a.has(w)).length / b.size).toBeGreaterThan(0.95);
    }, 60_000);
  }
});
