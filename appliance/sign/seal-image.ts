import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import type { PDFDocument, PDFRef } from 'pdf-lib';
import { SohoaError } from '../errors.js';

// The seal PNG as a PDF image with a soft mask (its transparency), decoded and compressed once per
// seal file rather than once per signature: the agency's seal does not change between documents.

interface PreparedSeal {
  width: number;
  height: number;
  /** Physical width from the PNG's resolution (pHYs), when it states one. */
  widthMm: number | undefined;
  rgb: Buffer;
  alpha: Buffer;
}

const prepared = new WeakMap<Uint8Array, Promise<PreparedSeal>>();

async function prepare(png: Uint8Array): Promise<PreparedSeal> {
  try {
    const meta = await sharp(png).metadata();
    const { data, info } = await sharp(png).ensureAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const n = info.width * info.height;
    const rgb = Buffer.allocUnsafe(n * 3);
    const alpha = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) {
      rgb[i * 3] = data[i * 4]!;
      rgb[i * 3 + 1] = data[i * 4 + 1]!;
      rgb[i * 3 + 2] = data[i * 4 + 2]!;
      alpha[i] = data[i * 4 + 3]!;
    }
    const widthMm = meta.density && meta.density > 72 ? (info.width / meta.density) * 25.4 : undefined;
    return { width: info.width, height: info.height, widthMm, rgb: deflateSync(rgb), alpha: deflateSync(alpha) };
  } catch (err) {
    throw new SohoaError('sign.failed', 'Ảnh con dấu của cơ quan bị hỏng. Hãy báo kỹ thuật viên cài lại ảnh con dấu.', `cannot read the seal PNG: ${(err as Error).message}`);
  }
}

export async function embedSeal(doc: PDFDocument, png: Uint8Array): Promise<{ ref: PDFRef; width: number; height: number; widthMm: number | undefined }> {
  let p = prepared.get(png);
  if (!p) {
    p = prepare(png);
    prepared.set(png, p);
    p.catch(() => prepared.delete(png));
  }
  const s = await p;
  const ctx = doc.context;
  const common = { Type: 'XObject', Subtype: 'Image', Width: s.width, Height: s.height, BitsPerComponent: 8, Filter: 'FlateDecode' };
  const mask = ctx.register(ctx.stream(s.alpha, { ...common, ColorSpace: 'DeviceGray' }));
  const ref = ctx.register(ctx.stream(s.rgb, { ...common, ColorSpace: 'DeviceRGB', SMask: mask }));
  return { ref, width: s.width, height: s.height, widthMm: s.widthMm };
}
