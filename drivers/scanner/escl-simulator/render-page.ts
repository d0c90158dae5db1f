import sharp from 'sharp';
import { BED, type ScanSettings } from './escl-xml.js';

// Turns a stored page image into what a scanner would send for these settings: the sheet laid on
// the A4 bed at the requested resolution, cut to the scan region, in the requested colour mode and
// format. Page images are taken to be whole A4 sheets whatever their own resolution.

export async function renderPage(file: string, s: ScanSettings): Promise<Buffer> {
  const px = (v: number) => Math.max(1, Math.round((v * s.xRes) / 300));
  const bed = { width: px(BED.width), height: px(BED.height) };
  const white = { r: 255, g: 255, b: 255, alpha: 1 };
  // An odd-shaped image (a landscape page) is fitted inside the sheet, not stretched.
  const onBed = await sharp(file)
    .rotate() // honour EXIF orientation, as the paper would be
    .resize(bed.width, bed.height, { fit: 'contain', background: white })
    .flatten({ background: white })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const left = Math.min(px(s.region.x), bed.width - 1);
  const top = Math.min(px(s.region.y), bed.height - 1);
  let img = sharp(onBed.data, { raw: onBed.info }).extract({
    left,
    top,
    width: Math.min(px(s.region.width), bed.width - left),
    height: Math.min(px(s.region.height), bed.height - top),
  });
  img = s.colorMode === 'Grayscale8' ? img.toColourspace('b-w') : img.toColourspace('srgb');
  img = img.withMetadata({ density: s.xRes });
  return s.format === 'image/png' ? img.png({ compressionLevel: 3 }).toBuffer() : img.jpeg({ quality: 90 }).toBuffer();
}
