import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import { MAX_PIXELS, type Grey } from './prepare-page.js';
import { span } from './profile.js';

// The "ink" raster of a page image for the re-reads (extract/reread.ts): per pixel the lightest of
// its colour channels, so a pixel is dark only where every channel is dark (black print; a red seal
// or blue pen stroke stays light). The re-reads of one page (title, name at two ink levels, the
// lowest ink band, the "Nơi nhận" column at three) each cut a small rectangle from it: the image
// is decoded once for all of them instead of once per cut (measured: 252 decodes per 100 pages).

/** Pages kept decoded: a document's first and last page, and the next document's beside them. */
const KEPT = 3;
const cache = new Map<string, Promise<Grey>>();

/**
 * The ink raster of `imagePath`, decoded once, the last few kept (by path, size and modification
 * time: a file written again under the same name, a page turned by the clerk, is decoded again).
 */
export async function inkRaster(imagePath: string): Promise<Grey> {
  const st = await stat(imagePath);
  const key = `${st.size}:${st.mtimeMs}:${imagePath}`;
  let r = cache.get(key);
  if (r) { cache.delete(key); cache.set(key, r); return r; } // the most recent last
  r = span('reread.inkDecode', () => decodeInk(imagePath));
  cache.set(key, r);
  r.catch(() => { if (cache.get(key) === r) cache.delete(key); });
  while (cache.size > KEPT) cache.delete(cache.keys().next().value!);
  return r;
}

async function decodeInk(imagePath: string): Promise<Grey> {
  const { data, info } = await sharp(imagePath, { limitInputPixels: MAX_PIXELS }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const ch = info.channels;
  if (ch === 1) return { data, width: info.width, height: info.height };
  const n = info.width * info.height;
  const v = Buffer.allocUnsafe(n);
  for (let i = 0, j = 0; i < n; i++, j += ch) {
    let m = data[j]!;
    for (let k = 1; k < ch; k++) { const c = data[j + k]!; if (c > m) m = c; }
    v[i] = m;
  }
  return { data: v, width: info.width, height: info.height };
}
