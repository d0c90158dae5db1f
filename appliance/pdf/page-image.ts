import sharp from 'sharp';
import { fileGrey } from '../ocr/prepare-page.js';
import { SohoaError } from '../errors.js';

// A scanned page as a JPEG for the PDF: colour stays colour (NĐ30 App. I), grey pages become
// single-channel JPEGs (a third of the size), pixels are never resampled (100 % scale).

export interface PageJpeg {
  jpeg: Uint8Array;
  width: number;
  height: number;
}

/**
 * The page as a JPEG at `quality`. A grey page the recogniser decoded a moment ago is encoded from
 * that raster instead of decoding the file again.
 */
export async function pageJpeg(imagePath: string, quality: number): Promise<PageJpeg> {
  try {
    const img = sharp(imagePath, { failOn: 'error' });
    const meta = await img.metadata();
    const upright = (meta.orientation ?? 1) === 1;
    const gray = (meta.channels ?? 3) <= 2 || meta.space === 'b-w';
    const raster = gray && upright && meta.channels === 1 ? await fileGrey(imagePath)?.catch(() => undefined) : undefined;
    if (raster && raster.width === meta.width && raster.height === meta.height) {
      const { data, info } = await sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 1 } })
        .jpeg({ quality, chromaSubsampling: '4:2:0', mozjpeg: false }).toBuffer({ resolveWithObject: true });
      return { jpeg: new Uint8Array(data), width: info.width, height: info.height };
    }
    const pipeline = img.rotate().flatten({ background: '#ffffff' });
    const { data, info } = await (gray ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb'))
      .jpeg({ quality, chromaSubsampling: '4:2:0', mozjpeg: false })
      .toBuffer({ resolveWithObject: true });
    return { jpeg: new Uint8Array(data), width: info.width, height: info.height };
  } catch (err) {
    throw new SohoaError('pdf.build', 'Ảnh trang quét bị hỏng, không tạo được tệp PDF. Hãy quét lại văn bản.',
      `cannot read page image ${imagePath}: ${(err as Error).message}`, { cause: err });
  }
}
