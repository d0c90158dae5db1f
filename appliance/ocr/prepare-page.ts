import sharp from 'sharp';
import { join, basename, extname } from 'node:path';
import { SohoaError } from '../errors.js';
import { analysePage, speckleOf, type PageAnalysis } from './page-analysis.js';

// Turns one page image on disk into what the recogniser needs: the upright image (written to
// workDir only when it had to be rotated), its size and resolution, and whether it is blank.

/** Largest page accepted: A3 at 600 dpi is ~70 Mpx; beyond that it is not a scanned page. */
export const MAX_PIXELS = 100_000_000;

/** Isolated-ink fraction above which the page is median-filtered before OCR (measured: docs/accuracy.md). */
export const SPECKLE_THRESHOLD = 0.008;

export interface PreparedPage extends PageAnalysis {
  /** Upright image the recogniser reads and the coordinates refer to. */
  imagePath: string;
  sourcePath: string;
  width: number;
  height: number;
  dpi: number;
}

export function inputError(file: string, why: string, cause?: unknown): SohoaError {
  return new SohoaError('ocr.input', `Không đọc được ảnh trang "${basename(file)}": ${why}.`,
    `unreadable page image ${file}: ${(cause as Error)?.message ?? why}`, { cause });
}

export async function preparePage(imagePath: string, workDir: string): Promise<PreparedPage> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(imagePath, { limitInputPixels: MAX_PIXELS }).metadata();
  } catch (err) {
    throw inputError(imagePath, 'tệp hỏng hoặc không phải ảnh', err);
  }
  const w = meta.width ?? 0; const h = meta.height ?? 0;
  if (!w || !h) throw inputError(imagePath, 'ảnh rỗng');
  if (w * h > MAX_PIXELS) throw inputError(imagePath, `ảnh quá lớn (${w}×${h} điểm ảnh)`);
  // A4 is 8.27 in wide: infer the resolution when the file does not say (or says 72 by default)
  const shortSide = Math.min(w, h);
  const dpi = meta.density && meta.density > 100 ? Math.round(meta.density) : Math.round(shortSide / 8.27);

  // a ~1200 px raster for orientation and blank detection, and a half-size nearest-neighbour one
  // on which single-pixel specks survive to be counted
  let half: { data: Buffer; info: sharp.OutputInfo };
  let small: { data: Buffer; info: sharp.OutputInfo };
  try {
    half = await sharp(imagePath, { limitInputPixels: MAX_PIXELS }).greyscale()
      .resize({ width: Math.max(1, Math.round(w / 2)), kernel: 'nearest' }).raw().toBuffer({ resolveWithObject: true });
    small = await sharp(imagePath, { limitInputPixels: MAX_PIXELS }).greyscale()
      .resize({ width: w >= h ? 1200 : undefined, height: h > w ? 1200 : undefined, fit: 'inside', kernel: 'linear' })
      .raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw inputError(imagePath, 'dữ liệu ảnh hỏng', err);
  }
  const analysis = analysePage({ data: small.data, width: small.info.width, height: small.info.height });
  const speckle = speckleOf({ data: half.data, width: half.info.width, height: half.info.height });
  analysis.speckle = speckle;
  const despeckle = speckle > SPECKLE_THRESHOLD;

  const ext = extname(imagePath).toLowerCase();
  const tesseractReadable = ['.png', '.jpg', '.jpeg', '.tif', '.tiff'].includes(ext);
  if (analysis.rotation === 0 && tesseractReadable && !despeckle) {
    return { ...analysis, imagePath, sourcePath: imagePath, width: w, height: h, dpi };
  }
  const out = join(workDir, `${basename(imagePath, ext)}-upright.png`);
  try {
    let img = sharp(imagePath, { limitInputPixels: MAX_PIXELS }).rotate(analysis.rotation);
    if (despeckle) img = img.median(3); // dust specks read as accents and dots otherwise
    await img.withMetadata({ density: dpi }).png({ compressionLevel: 1 }).toFile(out);
  } catch (err) {
    throw inputError(imagePath, 'không xoay được ảnh', err);
  }
  const [uw, uh] = analysis.rotation % 180 ? [h, w] : [w, h];
  return { ...analysis, imagePath: out, sourcePath: imagePath, width: uw, height: uh, dpi };
}
