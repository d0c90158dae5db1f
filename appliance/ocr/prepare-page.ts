import sharp from 'sharp';
import { rename, rm } from 'node:fs/promises';
import { join, basename, extname } from 'node:path';
import { SohoaError } from '../errors.js';
import { analysePage, speckleAtHalf, type PageAnalysis } from './page-analysis.js';
import { orientAndSkew } from '../pages/clean-page.js';
import { levelPage } from '../pages/level-page.js';
import { span } from './profile.js';

// Turns one page image on disk into what the recogniser needs: the upright, level image (written
// to workDir only when it had to be turned or levelled), its size and resolution, and whether it
// is blank. Which way is up and how crooked the page is come from the page cleanup's one
// judgement (pages/clean-page.ts orientAndSkew, as `sohoa pages`); a page is levelled only when
// its skew is at least LEVEL_MIN_DEG (pages/skew.ts), at its own size and resolution, and the PDF
// takes the level image the text layer was read from.

/** Largest page accepted: A3 at 600 dpi is ~70 Mpx; beyond that it is not a scanned page. */
export const MAX_PIXELS = 100_000_000;

/** Isolated-ink fraction above which the page is median-filtered before OCR (measured: docs/accuracy.md). */
export const SPECKLE_THRESHOLD = 0.008;

let partSeq = 0;

/** An 8-bit grey raster, one byte per pixel, row by row. */
export interface Grey { data: Buffer; width: number; height: number }

export interface PreparedPage extends PageAnalysis {
  /** Skew taken out of the page, degrees (positive = its content was turned clockwise); 0: read as scanned. */
  levelDeg: number;
  /** Upright image the recogniser reads and the coordinates refer to. */
  imagePath: string;
  sourcePath: string;
  width: number;
  height: number;
  dpi: number;
  /**
   * Resolves once `imagePath` exists on disk (at once unless `deferWrite` was asked): the
   * upright colour image the re-reads and the PDF use. Recognition needs only the grey raster.
   */
  written: Promise<void>;
}

/**
 * The upright (and, when the page needed it, despeckled) grey rasters of the last few prepared
 * pages, by image path: the engine cuts its bands from these instead of decoding the image again.
 * A raster whose upright file is still being written (deferWrite) is the only copy of that page a
 * reader can use: it is never evicted before its file is complete (readers on other documents'
 * pages used to push it out, and a re-read then opened a file not yet there).
 */
const greyCache = new Map<string, Promise<Grey>>();
export function preparedGrey(imagePath: string): Promise<Grey> | undefined { return greyCache.get(imagePath); }
/** Paths whose cached grey raster holds exactly the pixels of the (grey) file on disk. */
const sameAsFile = new Set<string>();
/** Upright files being written, by path (count of writes in flight): their rasters stay cached. */
const writing = new Map<string, number>();
/** Rasters kept besides those still needed (pages whose upright file is being written). */
const CACHED_RASTERS = 4;
/**
 * The cached grey raster of `imagePath` when it is the file's own pixels (a grey page, not
 * median-filtered): the PDF encodes it instead of decoding the file again.
 */
export function fileGrey(imagePath: string): Promise<Grey> | undefined {
  return sameAsFile.has(imagePath) ? greyCache.get(imagePath) : undefined;
}
function rememberGrey(imagePath: string, g: Promise<Grey>, isFile = false): void {
  greyCache.delete(imagePath); // the newest preparation of a path wins (work folders reuse names)
  greyCache.set(imagePath, g);
  if (isFile) sameAsFile.add(imagePath); else sameAsFile.delete(imagePath);
  g.catch(() => { if (greyCache.get(imagePath) === g) { greyCache.delete(imagePath); sameAsFile.delete(imagePath); } });
  evictRasters();
}
/** Oldest first, down to CACHED_RASTERS evictable entries; a raster whose file is being written stays. */
function evictRasters(): void {
  let evictable = [...greyCache.keys()].filter((k) => !writing.has(k));
  while (evictable.length > CACHED_RASTERS) { const k = evictable.shift()!; greyCache.delete(k); sameAsFile.delete(k); }
}
function startWriting(path: string): () => void {
  writing.set(path, (writing.get(path) ?? 0) + 1);
  return () => {
    const n = (writing.get(path) ?? 1) - 1;
    if (n > 0) writing.set(path, n); else writing.delete(path);
    evictRasters();
  };
}

/**
 * Test seams (tests/integration/extract-race.test.ts): awaited before a deferred upright write
 * starts, so a test can hold the write and force a re-read ahead of it; awaited once a turned or
 * levelled page's raster is cached, so a test can prepare other pages in that window. Never set
 * in the product.
 */
export const prepareSeams: { beforeUprightWrite?: (path: string) => Promise<void>; afterCached?: (path: string) => Promise<void> } = {};

export function inputError(file: string, why: string, cause?: unknown): SohoaError {
  return new SohoaError('ocr.input', `Không đọc được ảnh trang "${basename(file)}": ${why}.`,
    `unreadable page image ${file}: ${(cause as Error)?.message ?? why}`, { cause });
}

const rawGrey = async (img: sharp.Sharp): Promise<Grey> => {
  const { data, info } = await img.greyscale().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`${info.channels} channels after greyscale`);
  return { data, width: info.width, height: info.height };
};
const fromGrey = (g: Grey): sharp.Sharp => sharp(g.data, { raw: { width: g.width, height: g.height, channels: 1 } });

/**
 * The page decoded once, to grey (colour matters only for the PDF image and the re-reads' red-seal
 * cue, which read the colour image from disk): orientation and blank detection on a small copy,
 * the speckle measure on every other pixel, then the upright grey raster (median-filtered only when
 * the speckle measure asks for it) kept for the engine. The upright colour image is written only
 * when the page had to be turned or despeckled; with `deferWrite` that write runs alongside the
 * recognition and `written` tells when it is done.
 */
export async function preparePage(imagePath: string, workDir: string, o: { deferWrite?: boolean } = {}): Promise<PreparedPage> {
  let meta: sharp.Metadata;
  try {
    meta = await span('prepare.metadata', () => sharp(imagePath, { limitInputPixels: MAX_PIXELS }).metadata());
  } catch (err) {
    throw inputError(imagePath, 'tệp hỏng hoặc không phải ảnh', err);
  }
  const w = meta.width ?? 0; const h = meta.height ?? 0;
  if (!w || !h) throw inputError(imagePath, 'ảnh rỗng');
  if (w * h > MAX_PIXELS) throw inputError(imagePath, `ảnh quá lớn (${w}×${h} điểm ảnh)`);
  // A4 is 8.27 in wide: infer the resolution when the file does not say (or says 72 by default)
  const shortSide = Math.min(w, h);
  const dpi = meta.density && meta.density > 100 ? Math.round(meta.density) : Math.round(shortSide / 8.27);

  // one decode; from it a ~1200 px raster for orientation and blank detection
  let full: Grey; let small: Grey;
  try {
    full = await span('prepare.decode', () => rawGrey(sharp(imagePath, { limitInputPixels: MAX_PIXELS }).removeAlpha()));
    small = await span('prepare.downscale', () =>
      rawGrey(fromGrey(full).resize({ width: w >= h ? 1200 : undefined, height: h > w ? 1200 : undefined, fit: 'inside', kernel: 'linear' })));
  } catch (err) {
    throw inputError(imagePath, 'dữ liệu ảnh hỏng', err);
  }
  const speckle = await span('prepare.speckle', () => speckleAtHalf(full));
  const judged = await span('prepare.analysis', () => orientAndSkew(fromGrey(full), small, { width: w, height: h, dpi }, { levelOnly: true }));
  let analysis: PageAnalysis = { ...judged.analysis, speckle };
  const { levelDeg } = analysis.blank ? { levelDeg: 0 } : judged;
  const levelling = { rotation: analysis.rotation, levelDeg, width: w, height: h };
  const turned = analysis.rotation !== 0 || levelDeg !== 0;
  const despeckle = speckle > SPECKLE_THRESHOLD;
  const [uw, uh] = analysis.rotation % 180 ? [h, w] : [w, h];

  // the grey raster the engine reads: turned upright and level, despeckled in grey when needed
  // (dust specks read as accents and dots otherwise)
  const upright = (): Promise<Grey> => {
    if (!turned && !despeckle) return Promise.resolve(full);
    return span('prepare.uprightGrey', async () => {
      let img = await levelPage(fromGrey(full), levelling);
      if (despeckle) img = img.median(3);
      return rawGrey(img);
    }, `rot ${analysis.rotation} level ${levelDeg}${despeckle ? ' +median' : ''}`);
  };

  const ext = extname(imagePath).toLowerCase();
  // a single-channel 8-bit source: its grey raster is the file's pixels (and a turned one is
  // written from the raster), so the PDF can take the raster as it is
  const greySource = meta.channels === 1 && (meta.depth === undefined || meta.depth === 'uchar') && full.data.length === w * h;
  const tesseractReadable = ['.png', '.jpg', '.jpeg', '.tif', '.tiff'].includes(ext);
  // a page that needs no turning keeps its own file: despeckling is for the recogniser (the
  // grey raster); the re-reads' ink-only cut and the PDF take the scan as it is
  if (!turned && tesseractReadable && (!despeckle || o.deferWrite)) {
    rememberGrey(imagePath, upright(), greySource && !despeckle);
    return { ...analysis, levelDeg, imagePath, sourcePath: imagePath, width: w, height: h, dpi, written: Promise.resolve() };
  }
  // the image on disk (re-reads, PDF): turned from the colour source for a colour page, as a
  // JPEG the PDF then takes as it is (a colour PNG took ~3x longer to write, and the PDF encoded
  // it again); else the grey raster already made, as a PNG; written beside the recognition when
  // the caller can wait for it
  const colour = (meta.channels ?? 1) >= 3;
  const out = join(workDir, `${basename(imagePath, ext)}-upright.${colour ? 'jpg' : 'png'}`);
  const grey = upright();
  // counted as being written from the moment it is cached: other pages prepared while this one's
  // rows are measured below must not push out the only copy of a page whose file is not there yet
  const written = startWriting(out);
  rememberGrey(out, grey);
  try {
    await prepareSeams.afterCached?.(out);
    if (levelDeg !== 0) {
      // the text rows (the bands' cuts) of the level page: the crooked page's rows run into each other
      const level = await grey.catch((err: unknown) => { throw inputError(imagePath, 'không làm thẳng được ảnh', err); });
      const levelSmall = await rawGrey(fromGrey(level).resize({ width: uw >= uh ? 1200 : undefined, height: uh > uw ? 1200 : undefined, fit: 'inside', kernel: 'linear' }));
      analysis = { ...analysis, rows: analysePage(levelSmall).rows };
    }
  } catch (err) {
    written();
    throw err;
  }
  // (a colour page turned only when the recogniser reads the grey raster: the median filter is
  // for the recogniser; without deferWrite the recogniser reads this file, so it gets it too)
  const write = span('prepare.uprightWrite', async () => {
    if (o.deferWrite) await prepareSeams.beforeUprightWrite?.(out);
    let img = colour ? await levelPage(sharp(imagePath, { limitInputPixels: MAX_PIXELS }).removeAlpha(), levelling) : fromGrey(await grey);
    if (colour && despeckle && !o.deferWrite) img = img.median(3);
    img = img.withMetadata({ density: dpi, orientation: 1 }); // the pixels as written are upright
    // written aside and renamed: a reader (the PDF, a re-read) never sees half a file
    const part = out.replace(/(\.\w+)$/, `.${process.pid}-${++partSeq}.part$1`);
    try {
      await (colour ? img.jpeg({ quality: 90 }) : img.png({ compressionLevel: 1 })).toFile(part);
      await rename(part, out);
    } catch (err) {
      await rm(part, { force: true });
      throw err;
    }
  }, colour ? 'colour' : 'grey').catch((err: unknown) => { throw inputError(imagePath, 'không xoay được ảnh', err); })
    .finally(written);
  // the raster is the file's pixels only once the file is complete: a reader that starts earlier
  // (tesseract on a 300-dpi page) finds no file or half of one
  if (greySource) void write.then(() => { if (greyCache.get(out) === grey) sameAsFile.add(out); }, () => {});
  if (!o.deferWrite) await write;
  else write.catch(() => {}); // surfaced through `written`
  return { ...analysis, levelDeg, imagePath: out, sourcePath: imagePath, width: uw, height: uh, dpi, written: write };
}
