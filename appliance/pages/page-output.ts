import sharp from 'sharp';
import { writeFile } from 'node:fs/promises';
import type { Levels } from './raster.js';
import { setJpegDpi, setPngDpi } from './density.js';

// The cleaned page as written: turned upright and levelled in one resampling, its tones stretched
// so the paper is white and the ink black (legible, and a clean background compresses to little),
// then encoded per page: colour JPEG only when the page carries colour (a red seal, a coloured
// stamp), grey JPEG otherwise, bitonal PNG (lossless, 1 bit) only when the profile asks for it.

export type OutputFormat = 'jpeg-colour' | 'jpeg-grey' | 'png-bitonal';

export interface OutputOptions {
  /** Write a 1-bit lossless PNG instead of JPEG (the profile's "bitonal" choice). */
  bitonal?: boolean;
  /** JPEG quality (default 70: text stays crisp at ≥ 200 dpi). */
  jpegQuality?: number;
}

export interface WrittenPage { path: string; format: OutputFormat }

/** Share of a small colour thumbnail's pixels whose chroma is high: above it the page is colour. */
const COLOUR_SHARE = 0.0005;
const CHROMA = 60;

/** Pure: does this interleaved RGB thumbnail show colour (beyond scanner tint and JPEG noise)? */
export function hasColour(rgb: Uint8Array, channels: number): boolean {
  let n = 0; let coloured = 0;
  for (let i = 0; i + 2 < rgb.length; i += channels) {
    const r = rgb[i]!; const g = rgb[i + 1]!; const b = rgb[i + 2]!;
    if (Math.max(r, g, b) - Math.min(r, g, b) > CHROMA) coloured++;
    n++;
  }
  return n > 0 && coloured / n > COLOUR_SHARE;
}

async function isColourPage(input: string, channels: number): Promise<boolean> {
  if (channels < 3) return false;
  const { data, info } = await sharp(input).removeAlpha().resize({ width: 400, fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
  return hasColour(data, info.channels);
}

/**
 * Writes `input` turned clockwise by `rotation` and levelled by `skewDeg` (content turned clockwise
 * by that much is turned back) to `outBase` + the format's extension.
 */
export async function writeCleanPage(input: string, outBase: string, o: {
  rotation: 0 | 90 | 180 | 270; skewDeg: number; levels: Levels; dpi: number; width: number; height: number; channels: number;
} & OutputOptions): Promise<WrittenPage> {
  const colour = !o.bitonal && await isColourPage(input, o.channels);
  const [uw, uh] = o.rotation % 180 ? [o.height, o.width] : [o.width, o.height];
  let img = sharp(input).removeAlpha();
  if (!colour) img = img.greyscale();
  const angle = o.rotation - o.skewDeg;
  if (angle !== 0) {
    img = img.rotate(angle, { background: '#ffffff' });
    if (o.skewDeg !== 0) {
      // an arbitrary angle grows the canvas: keep the page's own size, centred
      const rad = (Math.abs(o.skewDeg) * Math.PI) / 180;
      const cw = Math.round(uw * Math.cos(rad) + uh * Math.sin(rad));
      const ch = Math.round(uw * Math.sin(rad) + uh * Math.cos(rad));
      img = sharp(await img.raw().toBuffer(), { raw: { width: cw, height: ch, channels: colour ? 3 : 1 } })
        .extract({ left: Math.max(0, Math.floor((cw - uw) / 2)), top: Math.max(0, Math.floor((ch - uh) / 2)), width: Math.min(uw, cw), height: Math.min(uh, ch) });
    }
  }
  // paper → white, ink → black (never more than ×4: a nearly blank page is not blown up)
  const ink = Math.min(o.levels.ink, o.levels.paper - 64);
  const a = 255 / Math.max(64, o.levels.paper - Math.max(0, ink));
  img = img.linear(a, -Math.max(0, ink) * a);
  // (rotation and the tone curve hand back sRGB: a grey page is written with one channel)
  if (!colour) img = img.toColourspace('b-w');
  let path: string; let format: OutputFormat;
  if (o.bitonal) {
    path = `${outBase}.png`; format = 'png-bitonal';
    await writeFile(path, setPngDpi(await img.threshold(128).png({ palette: true, colours: 2, dither: 0, compressionLevel: 9 }).toBuffer(), o.dpi));
  } else {
    path = `${outBase}.jpg`; format = colour ? 'jpeg-colour' : 'jpeg-grey';
    await writeFile(path, setJpegDpi(await img.jpeg({ quality: o.jpegQuality ?? 70 }).toBuffer(), o.dpi));
  }
  return { path, format };
}
