import type { OcrEngine, OcrLine, OcrPage } from '../ocr/ocr.js';
import { expandInput } from '../ocr/page-input.js';
import { preparePage, type PreparedPage } from '../ocr/prepare-page.js';
import { buildPage } from '../ocr/ocr-page.js';
import { planBands, ownLines, type Band } from '../ocr/bands.js';
import { extractFields, type ExtractOptions } from './extract-fields.js';
import type { ExtractionResult } from './fields.js';
import { addStampLines, rereadSignature, stampRegion } from './reread.js';
import { fold } from './vn-text.js';
import { span } from '../ocr/profile.js';
import { allSettledOrThrow, WorkTracker } from '../util/settle.js';

// One document end to end: its files (page images or PDFs) → OCR → targeted re-reads of stamps
// and signature → fields. workDir receives rasterised and upright page images.
//
// Fields first (extractProgressive): every page is turned upright and cut into bands
// (ocr/bands.ts); the header band of the first page and the signature band of the last one are
// read first, in parallel on the engine's processes, with the stamp and signature re-reads, and
// the fields come from them; the body bands are read after (lower priority), for the text.

export async function refinePages(engine: OcrEngine, pages: OcrPage[]): Promise<OcrPage[]> {
  // (as extractFields: a page with no text, e.g. a blank back a profile keeps, holds no stamp or signature)
  const kept = pages.map((p, i) => ({ p, i })).filter(({ p }) => !p.blank && p.text.trim());
  if (!kept.length || !engine.recognizeRegion) return pages;
  const out = [...pages];
  const first = kept[0]!; const last = kept[kept.length - 1]!;
  const [stamped, signed] = await Promise.all([
    addStampLines(engine, first.p),
    rereadSignature(engine, last.p),
  ]);
  out[last.i] = signed;
  out[first.i] = first.i === last.i ? { ...signed, lines: [...signed.lines, ...stamped.lines.slice(first.p.lines.length)] } : stamped;
  return out;
}

/** What extractProgressive returns: the fields as soon as their regions are read, then everything. */
export interface ProgressiveExtraction {
  /** Fields from the header and signature bands (plus stamp and signature re-reads); `text` holds only what those bands read. */
  fields: Promise<ExtractionResult>;
  /** Every page read in full (bands merged, re-reads included): the PDF text layer. `result` = the same fields with the full text. */
  full: Promise<{ result: ExtractionResult; pages: OcrPage[] }>;
}

const skeleton = (p: PreparedPage): OcrPage => ({
  imagePath: p.imagePath, width: p.width, height: p.height, dpi: p.dpi, rotation: p.rotation, blank: p.blank, text: '', lines: [],
});

/**
 * Fields first, text after, for page images on disk (in document order). Needs an engine with
 * recognizeRegion; without one, both promises wait for whole-page recognition.
 *
 * Every read of the document is handled from the moment it starts (a band read that fails before
 * anything awaits it must not become an unhandled rejection), and `full` settles only once every
 * read has: after it, nothing of this extraction touches `workDir`, so the caller may remove it.
 */
export function extractProgressive(engine: OcrEngine, images: string[], workDir: string, opts: ExtractOptions = {}): ProgressiveExtraction {
  const work = new WorkTracker();
  const { fields, full } = startExtraction(engine, images, workDir, opts, work);
  // `full` is what callers clean up after: it waits for the last read, whatever failed first
  const settledFull = full.then((v) => v, async (err: unknown) => { await work.idle(); throw err; });
  fields.catch(() => {}); // one failure surfaces through both; neither is left unhandled
  settledFull.catch(() => {});
  return { fields, full: settledFull };
}

function startExtraction(engine: OcrEngine, images: string[], workDir: string, opts: ExtractOptions, work: WorkTracker): ProgressiveExtraction {
  const track = work.track.bind(work);
  if (!engine.recognizeRegion) {
    const full = allSettledOrThrow(images.map((img) => track(engine.recognize(img, { workDir }))))
      .then(async (pages) => { const refined = await refinePages(engine, pages); return { result: extractFields(refined, opts), pages: refined }; });
    return { fields: full.then((f) => f.result), full };
  }
  // the engine as the re-reads see it: each of its reads is tracked with the document
  const region = engine.recognizeRegion.bind(engine);
  const read: NonNullable<OcrEngine['recognizeRegion']> = (p, r, o) => track(region(p, r, o));
  const tracked: OcrEngine = { recognize: (f, o) => engine.recognize(f, o), recognizeRegion: read, readsPreparedGrey: engine.readsPreparedGrey, close: async () => {} };
  const prepared = allSettledOrThrow(images.map((img) => span('prepare', () => preparePage(img, workDir, { deferWrite: engine.readsPreparedGrey === true }))
    .then((p) => { track(p.written); return p; })));
  const started = prepared.then((preps) => {
    const kept = preps.map((p, i) => i).filter((i) => !preps[i]!.blank);
    const firstI = kept[0]; const lastI = kept[kept.length - 1];
    const plans = preps.map((p, i) => (p.blank ? [] : planBands(p, { header: i === firstI, signature: i === lastI })));
    const readBand = (i: number, b: Band): Promise<OcrLine[]> => {
      const p = preps[i]!;
      return track(read(skeleton(p), { x0: 0, y0: b.readY0, x1: p.width, y1: b.readY1 }, { layout: 'page', priority: b.role === 'body' ? 1 : 0, alternatives: b.role !== 'body' })
        .then((lines) => ownLines(b, lines)));
    };
    // field bands and the stamp re-read are queued first; the body bands wait behind them
    const bandLines = plans.map((plan, i) => plan.map((b) => (b.role === 'body' ? null : readBand(i, b))));
    const first = firstI === undefined ? null : skeleton(preps[firstI]!);
    const stampRead = first ? read(first, stampRegion(first)) : Promise.resolve([]);
    const bodyLines = plans.map((plan, i) => plan.map((b, k) => bandLines[i]![k] ?? readBand(i, b)));
    const roleLines = (i: number, role: Band['role']): Promise<OcrLine[]> =>
      Promise.all(plans[i]!.map((b, k) => (b.role === role ? bandLines[i]![k]! : Promise.resolve([])))).then((ls) => ls.flat());

    // re-reads (reread.ts rules) on the band they belong to: stamps beside the header, the
    // signature block under "Nơi nhận"; each gives the band's final lines
    const bandPage = (i: number, lines: OcrLine[]): OcrPage => ({ ...skeleton(preps[i]!), lines, text: lines.map((l) => l.text).join('\n') });
    const stampEngine: OcrEngine = { recognize: (f, o) => engine.recognize(f, o), recognizeRegion: () => stampRead, close: async () => {} };
    const headerFinal = firstI === undefined ? null
      : track(roleLines(firstI, 'header').then(async (lines) => (await span('reread.stamp', () => addStampLines(stampEngine, bandPage(firstI, lines)))).lines));
    const signatureBand = lastI === undefined ? null : track(roleLines(lastI, 'signature'));
    const signatureFinal = lastI === undefined ? null
      : track(signatureBand!.then(async (lines) => (await preps[lastI]!.written, await span('reread.signature', () => rereadSignature(tracked, bandPage(lastI, lines)))).lines));
    /** Lines of page i: the field bands after their re-reads, the body bands when `withBody`. */
    const pageLines = async (i: number, withBody: boolean): Promise<OcrLine[][]> => Promise.all(plans[i]!.map((b, k) =>
      b.role === 'header' ? headerFinal! : b.role === 'signature' ? signatureFinal! : withBody ? bodyLines[i]![k]! : Promise.resolve([])));
    // bands top to bottom; inside a band, tesseract's reading order (by position after a re-read)
    const assemble = (i: number, bands: OcrLine[][]): OcrPage => buildPage(preps[i]!, bands.flat());
    const full = Promise.all(preps.map(async (p, i) => (await p.written, p.blank ? buildPage(p, []) : assemble(i, await pageLines(i, true)))))
      .then((pages) => ({ pages }));
    const fieldPages = Promise.all(kept.map(async (i) => assemble(i, await pageLines(i, false))));
    const fields = fieldPages.then(async (pages) => {
      // middle pages of a longer document are not read yet: they count as pages all the same
      const r = { ...await span('extractFields', () => extractFields(pages, opts)), pages: kept.length };
      // the bands missed what the fields hang on (no "Số:"/date above, no "Nơi nhận" or "./."
      // below): wait for the whole pages rather than guess
      const sig = (await signatureBand ?? []).map((l) => l.text).join('\n');
      const complete = (r.numberNotation !== null || r.date !== null) && (/NOI NHAN/.test(fold(sig)) || /\.\/\./.test(sig));
      return complete ? r : span('extractFields.fallbackWholePages', async () => extractFields((await full).pages, opts));
    });
    fields.catch(() => {}); full.catch(() => {}); // consumed below, or by the caller
    return {
      fields,
      full: Promise.all([fields, full]).then(([r, { pages }]) => ({
        result: { ...r, text: pages.filter((p) => !p.blank && p.text.trim()).map((p) => p.text) }, pages,
      })),
    };
  });
  const fields = started.then((s) => s.fields);
  const full = started.then((s) => s.full);
  fields.catch(() => {});
  full.catch(() => {});
  return { fields, full };
}

/** Same as extractProgressive, from the document's files (page images or PDFs). */
export function extractDocumentProgressive(engine: OcrEngine, files: string[], workDir: string, opts: ExtractOptions = {}): ProgressiveExtraction {
  // every file expanded (a PDF rasterised into workDir) before a failure is reported
  const images = allSettledOrThrow(files.map((f) => expandInput(f, workDir))).then((x) => x.flat());
  const started = images.then((imgs) => extractProgressive(engine, imgs, workDir, opts));
  const fields = started.then((s) => s.fields);
  const full = started.then((s) => s.full);
  fields.catch(() => {}); full.catch(() => {});
  return { fields, full };
}

export async function extractDocument(engine: OcrEngine, files: string[], workDir: string, opts: ExtractOptions = {}):
Promise<{ result: ExtractionResult; pages: OcrPage[] }> {
  return extractDocumentProgressive(engine, files, workDir, opts).full;
}
