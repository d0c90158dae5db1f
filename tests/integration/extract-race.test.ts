import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { NativeTesseractEngine } from '../../appliance/ocr/native-engine.js';
import { DEBIAN_TESSDATA } from '../../appliance/ocr/create-engine.js';
import { preparePage, prepareSeams, preparedGrey } from '../../appliance/ocr/prepare-page.js';
import { extractDocumentProgressive } from '../../appliance/extract/extract-document.js';
import type { OcrEngine } from '../../appliance/ocr/ocr.js';

// The `sohoa extract --batch` race (issue 8): a region re-read of a turned page reached for its
// upright file when the prepared raster had been pushed out of the cache by other pages and the
// file was not written yet ("Input file is missing: …/page-1-upright.png"), and the failing read
// had no handler yet (the process died). Here the interleaving is forced, not hoped for: the
// upright file's write is held until the first re-read has had its go, and other pages are
// prepared (filling the raster cache) between the page's preparation and its re-reads. Real
// tesseract, real sharp; the engine wrapper only orders the calls (and, in the second test, makes
// one read fail the way a missing file does).

const ROTATED = join(import.meta.dirname, '../fixtures/extract/pages/rotated-180-bien-ban.png');
let dir: string;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-extract-race-'));
  process.on('unhandledRejection', onUnhandled);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => { delete prepareSeams.beforeUprightWrite; delete prepareSeams.afterCached; });

/** Small pages of another document, prepared into their own folder: they fill the raster cache. */
async function otherPages(n: number): Promise<string[]> {
  const d = join(dir, 'other'); await mkdir(d, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = join(d, `other-${i}.png`);
    await sharp({ create: { width: 620, height: 877, channels: 3, background: { r: 250 - i, g: 250, b: 250 } } }).greyscale().png().toFile(f);
    files.push(f);
  }
  return files;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  return { promise: new Promise<void>((r) => { resolve = r; }), resolve };
}

describe('a re-read of a turned page whose raster left the cache before its upright file was written', () => {
  const engine = new NativeTesseractEngine({ tessdataDir: DEBIAN_TESSDATA, processes: 2 });
  afterAll(() => engine.close());

  it('reads the page all the same: the raster stays until the file is there', async () => {
    const work = await mkdtemp(join(dir, 'doc-'));
    const others = await otherPages(6);
    const write = deferred();
    prepareSeams.beforeUprightWrite = () => write.promise;

    let evicting: Promise<void> | null = null;
    let first: { fileThere: boolean } | null = null;
    const racing: OcrEngine = {
      readsPreparedGrey: true,
      recognize: (f, o) => engine.recognize(f, o),
      async recognizeRegion(page, region, o) {
        // between the page's preparation and its first re-read, another document's pages are prepared
        evicting ??= (async () => { for (const f of others) await preparePage(f, join(dir, 'other')); })();
        await evicting;
        const read = engine.recognizeRegion(page, region, o);
        if (!first) {
          const seen = { fileThere: existsSync(page.imagePath) };
          first = seen;
          // the upright file is written only once this read has succeeded or failed
          read.then(write.resolve, write.resolve);
        }
        return read;
      },
      close: async () => {},
    };

    const p = extractDocumentProgressive(racing, [ROTATED], work);
    const [fields, full] = await Promise.all([p.fields, p.full]);
    // the interleaving did happen: the first re-read ran while the upright file did not exist
    expect(first).toEqual({ fileThere: false });
    expect(fields).toMatchObject({ numberNotation: '150/BB-UBND', type: 'Biên bản' });
    expect(full.pages[0]!.imagePath).toMatch(/-upright\.png$/);
    expect(existsSync(full.pages[0]!.imagePath)).toBe(true);
    // written aside and renamed: no partial file left behind
    expect((await readdir(work)).filter((f) => f.includes('.part'))).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it('a levelled page\'s raster stays cached while its rows are measured and other pages are prepared (a skewed page in a batch)', async () => {
    const work = await mkdtemp(join(dir, 'doc-'));
    const others = await otherPages(6);
    const skewed = join(import.meta.dirname, '../../provisioning/demo-pages/doc-021/page-1.png');
    let cachedPath = '';
    // other documents' pages are prepared in the window between caching the raster and writing the file
    prepareSeams.afterCached = async (path) => {
      if (cachedPath) return;
      cachedPath = path;
      for (const f of others) await preparePage(f, join(dir, 'other'));
    };
    const write = deferred();
    prepareSeams.beforeUprightWrite = () => write.promise;
    const prep = await preparePage(skewed, work, { deferWrite: true });
    expect(prep.levelDeg).not.toBe(0);
    expect(cachedPath).toBe(prep.imagePath);
    // the file is not there yet: the cached raster is the only copy a band read can use
    expect(existsSync(prep.imagePath)).toBe(false);
    expect(preparedGrey(prep.imagePath)).toBeDefined();
    write.resolve();
    await prep.written;
    expect(existsSync(prep.imagePath)).toBe(true);
  });

  it('a failing read fails the document only after its other reads are done, and no failure goes unhandled', async () => {
    const work = await mkdtemp(join(dir, 'doc-'));
    let inFlight = 0;
    let failed = false;
    const failing: OcrEngine = {
      readsPreparedGrey: true,
      recognize: (f, o) => engine.recognize(f, o),
      async recognizeRegion(page, region, o) {
        // the first field-band read fails at once, as a read of a vanished file does
        if (!failed && o?.layout === 'page') {
          failed = true;
          throw new Error(`Input file is missing: ${page.imagePath}`);
        }
        inFlight++;
        try { return await engine.recognizeRegion(page, region, o); } finally { inFlight--; }
      },
      close: async () => {},
    };
    const p = extractDocumentProgressive(failing, [ROTATED], work);
    await expect(p.fields).rejects.toThrow(/Input file is missing/);
    let atFailure = -1;
    await expect(p.full.catch((err: unknown) => { atFailure = inFlight; throw err; })).rejects.toThrow(/Input file is missing/);
    // nothing of the document still reads its folder: the caller may remove it now
    expect(atFailure).toBe(0);
    await rm(work, { recursive: true, force: true });
    // a last turn of the event loop: a read settling late would show up here
    await new Promise((r) => setImmediate(r));
    expect(unhandled).toEqual([]);
  });
});
