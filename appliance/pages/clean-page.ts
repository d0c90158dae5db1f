import sharp from 'sharp';
import { stat } from 'node:fs/promises';
import { analysePage } from '../ocr/page-analysis.js';
import { SohoaError } from '../errors.js';
import { isBlank, measureBlank, type BlankMeasure } from './blank-measure.js';
import { levels, type GreyRaster, type Levels } from './raster.js';
import { estimateSkew, levellingDeg, LEVEL_MIN_DEG } from './skew.js';
import { findPatch, type PatchFound } from './patch-code.js';
import { writeCleanPage, type OutputFormat, type OutputOptions } from './page-output.js';

// Page cleanup, the one mechanism capture and `sohoa pages` share: which way is up (the OCR's
// projection-profile analysis, appliance/ocr/page-analysis.ts), how crooked (skew.ts), blank or
// not (blank-measure.ts), and the cleaned page written small and legible (page-output.ts).
// The page is decoded once to grey; each measure works on its own small copy.

/** Largest page accepted (A3 at 600 dpi is ~70 Mpx). */
const MAX_PIXELS = 100_000_000;

export interface PageJudgement {
  /** Clockwise turn (degrees) that makes the page upright. */
  rotation: 0 | 90 | 180 | 270;
  rotationConfidence: number;
  /** Skew corrected, degrees; positive = the content was turned clockwise. 0 when unsure. */
  skewDeg: number;
  blank: boolean;
  /** Letter-like marks found (blank below BLANK_MAX_LETTERS). */
  blankMeasure: number;
  dpi: number;
  width: number;
  height: number;
  channels: number;
  levels: Levels;
}

export interface PageCleanup {
  input: string;
  rotation: 0 | 90 | 180 | 270;
  rotationConfidence: number;
  skewDeg: number;
  blank: boolean;
  blankMeasure: number;
  /** The cleaned page; null for a blank page (dropped) unless asked to keep it. */
  output: string | null;
  bytes: number;
  format: OutputFormat | null;
}

const greyOf = async (img: sharp.Sharp): Promise<GreyRaster> => {
  // (greyscale again: a one-channel raw input comes out of resize as sRGB otherwise)
  const { data, info } = await img.greyscale().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`${info.channels} channels after greyscale`);
  return { data, width: info.width, height: info.height };
};

function inputError(file: string, why: string, cause?: unknown): SohoaError {
  return new SohoaError('ocr.input', `Không đọc được ảnh trang "${file}": ${why}.`, (cause as Error)?.message ?? why, { cause });
}

/** The ~100 dpi grey copy blankness is judged on. */
const blankRaster = (img: sharp.Sharp, width: number, dpi: number): Promise<GreyRaster> =>
  greyOf(img.resize({ width: Math.max(1, Math.round((width * 100) / dpi)), kernel: 'linear' }));

/**
 * Blankness alone (what capture needs for every page as it arrives, cheaply: one 100 dpi copy),
 * and on the same copy the patch code of a vendor separator sheet, if the page is one.
 * `dpi` is the scan's resolution; the width is read from the image. A Sharp `input` is used up
 * (not cloned: sharp's clone() structuredClones a raw input's pixel buffer on the event loop —
 * measured ~125 ms a page in the batch's capture).
 */
export async function judgeBlank(input: string | sharp.Sharp, dpi: number): Promise<{ blank: boolean; measure: BlankMeasure; patch: PatchFound | null }> {
  const img = typeof input === 'string' ? sharp(input, { limitInputPixels: MAX_PIXELS }) : input;
  const { width } = await img.metadata();
  const raster = await blankRaster(img.flatten({ background: '#ffffff' }), width ?? 1, dpi);
  const measure = measureBlank(raster);
  const blank = isBlank(measure);
  return { blank, measure, patch: blank ? null : findPatch(raster, (raster.width * dpi) / (width ?? 1)) };
}

/** Measures a page image: orientation, skew, blankness. Reads the file; writes nothing. */
export async function judgePage(input: string): Promise<PageJudgement> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: MAX_PIXELS }).metadata();
  } catch (err) {
    throw inputError(input, 'tệp hỏng hoặc không phải ảnh', err);
  }
  const w = meta.width ?? 0; const h = meta.height ?? 0;
  if (!w || !h) throw inputError(input, 'ảnh rỗng');
  // A4 is 8.27 in wide: infer the resolution when the file does not say (or says 72 by default)
  const dpi = meta.density && meta.density > 100 ? Math.round(meta.density) : Math.round(Math.min(w, h) / 8.27);
  let full: sharp.Sharp;
  let orient: GreyRaster; let small: GreyRaster;
  try {
    const raw = await sharp(input, { limitInputPixels: MAX_PIXELS }).removeAlpha().greyscale().raw().toBuffer({ resolveWithObject: true });
    full = sharp(raw.data, { raw: { width: raw.info.width, height: raw.info.height, channels: 1 } });
    orient = await greyOf(full.clone().resize({ width: w >= h ? 1200 : undefined, height: h > w ? 1200 : undefined, fit: 'inside', kernel: 'linear' }));
    small = await blankRaster(full.clone(), w, dpi);
  } catch (err) {
    throw inputError(input, 'dữ liệu ảnh hỏng', err);
  }
  const blank = measureBlank(small);
  const lv = levels(orient);
  const base = { dpi, width: w, height: h, channels: meta.channels ?? 1, levels: lv, blankMeasure: blank.letters };
  if (isBlank(blank)) return { ...base, rotation: 0, rotationConfidence: 0, skewDeg: 0, blank: true };
  const { analysis: a, skewDeg } = await orientAndSkew(full, orient, { width: w, height: h, dpi });
  return { ...base, rotation: a.rotation, rotationConfidence: Math.round(a.rotationConfidence * 1000) / 1000, skewDeg, blank: false };
}

/**
 * The one judgement of which way is up and how crooked a decoded grey page is: orientation on its
 * ~1200 px copy `orient`, skew on the upright page at ~150 dpi. `sohoa pages` and the OCR's page
 * preparation (ocr/prepare-page.ts, whose image the PDF takes) both take it from here, once per
 * page. `skewDeg` is the skew measured (`sohoa pages` levels by it); `levelDeg` the part the OCR
 * levels: the skew when it is at least LEVEL_MIN_DEG (skew.ts), else 0. `levelOnly` (the OCR):
 * a page clearly under that angle on the orientation copy is not measured at 150 dpi.
 */
export async function orientAndSkew(full: sharp.Sharp, orient: GreyRaster, page: { width: number; height: number; dpi: number }, o: { levelOnly?: boolean } = {}):
  Promise<{ analysis: ReturnType<typeof analysePage>; skewDeg: number; levelDeg: number }> {
  const analysis = analysePage(orient);
  if (o.levelOnly) {
    // the OCR only needs to know whether to level: a first look on the orientation copy itself
    // (~100 dpi, found within 0.02° of the 150 dpi measure on the batch bench's 100 pages); a page
    // under half the levelling angle there is not measured finer (saves ~0.1 CPU s a page)
    const quick = estimateSkew(await greyOf(sharp(orient.data, { raw: { width: orient.width, height: orient.height, channels: 1 } }).rotate(analysis.rotation)));
    if (Math.abs(quick.deg) < LEVEL_MIN_DEG / 2) return { analysis, skewDeg: quick.deg, levelDeg: 0 };
  }
  const upright = analysis.rotation % 180 ? page.height : page.width;
  const skewRaster = await greyOf(full.clone().rotate(analysis.rotation).resize({ width: Math.round((upright * 150) / page.dpi), kernel: 'linear' }));
  const skew = estimateSkew(skewRaster);
  return { analysis, skewDeg: skew.deg, levelDeg: levellingDeg(skew) };
}

/** Judges and writes one page: `outBase` + `.jpg`/`.png`. */
export async function cleanPage(input: string, outBase: string, o: OutputOptions & { keepBlank?: boolean } = {}): Promise<PageCleanup> {
  const j = await judgePage(input);
  const result: PageCleanup = {
    input, rotation: j.rotation, rotationConfidence: j.rotationConfidence, skewDeg: j.skewDeg,
    blank: j.blank, blankMeasure: j.blankMeasure, output: null, bytes: 0, format: null,
  };
  if (j.blank && !o.keepBlank) return result;
  const written = await writeCleanPage(input, outBase, { ...o, rotation: j.rotation, skewDeg: j.skewDeg, levels: j.levels, dpi: j.dpi, width: j.width, height: j.height, channels: j.channels });
  return { ...result, output: written.path, bytes: (await stat(written.path)).size, format: written.format };
}
