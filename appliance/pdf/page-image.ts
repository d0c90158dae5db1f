import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { fileGrey } from '../ocr/prepare-page.js';
import { SohoaError } from '../errors.js';

// A scanned page as the image of its PDF page: colour stays colour (NĐ30 App. I), pixels are never
// resampled (100 % scale). A compact upright JPEG or PNG goes in as it is, bytes untouched (no
// generation loss, no encoding time: on a 2-core desk the encode was a fifth of the Node-side cost
// of a page); anything else becomes a JPEG, grey pages single-channel (a third of the size).

/** Compressed image data ready for a PDF image XObject. */
export interface PageImage {
  /** jpeg: a whole JPEG file (DCT); png: a PNG's zlib stream (IDAT), read with the PNG predictors. */
  kind: 'jpeg' | 'png';
  bytes: Uint8Array;
  width: number;
  height: number;
  /** 1 grey, 3 RGB. */
  colours: 1 | 3;
}

/**
 * Largest file kept as it is, in bytes per pixel: a JPEG at quality 80 of a text page is about
 * 0.05–0.1 (grey/colour); a larger file is a noisy scan or a high-quality setting, and is
 * re-encoded so 30 pages at 300 dpi stay far below the 50 MB attachment limit.
 */
export const KEEP_MAX_BYTES_PER_PIXEL = 0.15;

/**
 * The page image for the PDF. With `keep` a compact upright JPEG or 8-bit PNG file is used as it
 * is; otherwise (or when it cannot be) a JPEG at `quality`. A grey page the recogniser decoded a
 * moment ago is encoded from that raster instead of decoding the file again.
 */
export async function pageImage(imagePath: string, quality: number, o: { keep: boolean }): Promise<PageImage> {
  try {
    if (o.keep) {
      const kept = asIs(await readFile(imagePath));
      if (kept && kept.bytes.length <= kept.width * kept.height * KEEP_MAX_BYTES_PER_PIXEL) return kept;
    }
    return await encodeJpeg(imagePath, quality);
  } catch (err) {
    throw new SohoaError('pdf.build', 'Ảnh trang quét bị hỏng, không tạo được tệp PDF. Hãy quét lại văn bản.',
      `cannot read page image ${imagePath}: ${(err as Error).message}`, { cause: err });
  }
}

async function encodeJpeg(imagePath: string, quality: number): Promise<PageImage> {
  const img = sharp(imagePath, { failOn: 'error' });
  const meta = await img.metadata();
  const upright = (meta.orientation ?? 1) === 1;
  const gray = (meta.channels ?? 3) <= 2 || meta.space === 'b-w';
  const raster = gray && upright && meta.channels === 1 ? await fileGrey(imagePath)?.catch(() => undefined) : undefined;
  const source = raster && raster.width === meta.width && raster.height === meta.height
    ? sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 1 } })
    : (gray ? img.rotate().flatten({ background: '#ffffff' }).toColourspace('b-w') : img.rotate().flatten({ background: '#ffffff' }).toColourspace('srgb'));
  const { data, info } = await source.jpeg({ quality, chromaSubsampling: '4:2:0', mozjpeg: false }).toBuffer({ resolveWithObject: true });
  return { kind: 'jpeg', bytes: new Uint8Array(data), width: info.width, height: info.height, colours: info.channels === 1 ? 1 : 3 };
}

/** The file's own compressed data when PDF can carry it unchanged; null when it cannot. */
export function asIs(file: Uint8Array): PageImage | null {
  return jpegAsIs(file) ?? pngAsIs(file);
}

/**
 * A complete baseline or progressive JPEG, grey or YCbCr colour, with no EXIF turn: its frame size.
 * (CMYK, 12-bit and arithmetic-coded JPEGs are re-encoded.)
 */
function jpegAsIs(b: Uint8Array): PageImage | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  // a truncated file would go into the PDF as it is: insist on the end-of-image marker
  let end = b.length; while (end > 2 && (b[end - 1] === 0 || b[end - 1] === 0x0a || b[end - 1] === 0x0d)) end--;
  if (b[end - 2] !== 0xff || b[end - 1] !== 0xd9) return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) { i++; continue; } // fill byte
    const len = view.getUint16(i + 2);
    if (marker === 0xe1 && exifTurns(b.subarray(i + 4, i + 2 + len))) return null;
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      const bits = b[i + 4]; const height = view.getUint16(i + 5); const width = view.getUint16(i + 7); const comps = b[i + 9];
      if (bits !== 8 || (comps !== 1 && comps !== 3) || !width || !height) return null;
      return { kind: 'jpeg', bytes: b.subarray(0, end), width, height, colours: comps };
    }
    if (marker === 0xda) return null; // scan before any frame header
    i += 2 + len;
  }
  return null;
}

/** True when an APP1 Exif segment asks for an orientation other than as stored. */
function exifTurns(seg: Uint8Array): boolean {
  if (seg.length < 14 || String.fromCharCode(...seg.subarray(0, 4)) !== 'Exif') return false;
  const t = seg.subarray(6);
  const le = t[0] === 0x49;
  const v = new DataView(t.buffer, t.byteOffset, t.byteLength);
  const u16 = (o: number) => v.getUint16(o, le); const u32 = (o: number) => v.getUint32(o, le);
  if (t.length < 8) return true;
  const ifd = u32(4);
  if (ifd + 2 > t.length) return true;
  for (let k = 0, n = u16(ifd); k < n; k++) {
    const e = ifd + 2 + 12 * k;
    if (e + 12 > t.length) return true;
    if (u16(e) === 0x0112) return u16(e + 8) !== 1;
  }
  return false;
}

/** An 8-bit grey or RGB PNG, not interlaced, no transparency: its IDAT data joined. */
function pngAsIs(b: Uint8Array): PageImage | null {
  const SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length < 33 || SIG.some((x, k) => b[k] !== x)) return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let width = 0; let height = 0; let colours: 1 | 3 = 1;
  const idat: Uint8Array[] = [];
  for (let i = 8; i + 8 <= b.length;) {
    const len = view.getUint32(i); const type = String.fromCharCode(b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!);
    const data = b.subarray(i + 8, i + 8 + len);
    if (data.length !== len) return null; // truncated
    if (type === 'IHDR') {
      width = view.getUint32(i + 8); height = view.getUint32(i + 12);
      const depth = b[i + 16]; const colourType = b[i + 17]; const interlace = b[i + 20];
      if (depth !== 8 || (colourType !== 0 && colourType !== 2) || interlace !== 0) return null;
      colours = colourType === 0 ? 1 : 3;
    } else if (type === 'tRNS') return null;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') {
      if (!width || !height || !idat.length) return null;
      return { kind: 'png', bytes: idat.length === 1 ? idat[0]! : Buffer.concat(idat), width, height, colours };
    }
    i += 12 + len;
  }
  return null; // no IEND: truncated
}
