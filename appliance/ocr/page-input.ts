import { open, readFile, stat, readdir } from 'node:fs/promises';
import { join, basename } from 'node:path';
import sharp from 'sharp';
import { inputError, MAX_PIXELS } from './prepare-page.js';
import { ProcessError, runProcess } from '../util/run-process.js';

// A document as given on the command line or by the scanner spool: page images (PNG, JPEG, TIFF,
// PNM) or a PDF, expanded into page images the recogniser can read.

/** pdftoppm's limit for one PDF: ~1 s a page at 300 dpi here, so a scanned file of a few hundred pages fits. */
const PDF_TIMEOUT_MS = 300_000;

/** One input file → its page image paths (a PDF gives one PNG per page at 300 dpi). */
export async function expandInput(file: string, workDir: string): Promise<string[]> {
  let size: number;
  try { size = (await stat(file)).size; } catch (err) { throw inputError(file, 'không tìm thấy tệp', err); }
  if (size === 0) throw inputError(file, 'tệp rỗng (0 byte)');
  const fh = await open(file, 'r');
  const head = Buffer.alloc(8);
  try { await fh.read(head, 0, 8, 0); } finally { await fh.close(); }
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return rasterisePdf(file, workDir);
  if (/^P[1-6]\s/.test(head.subarray(0, 3).toString('latin1'))) return [await pnmToPng(file, workDir)];
  return [file];
}

async function rasterisePdf(file: string, workDir: string): Promise<string[]> {
  const prefix = join(workDir, basename(file).replace(/\.pdf$/i, '') + '-page');
  try {
    await runProcess('pdftoppm', ['-r', '300', '-png', '-gray', file, prefix], { timeoutMs: PDF_TIMEOUT_MS });
  } catch (err) {
    if (err instanceof ProcessError && err.timedOut) throw inputError(file, `tệp PDF đọc quá lâu (quá ${PDF_TIMEOUT_MS / 1000} giây) nên đã dừng`, err);
    throw inputError(file, 'tệp PDF hỏng hoặc không đọc được', err);
  }
  const pages = (await readdir(workDir)).filter((n) => n.startsWith(basename(prefix)) && n.endsWith('.png'));
  if (!pages.length) throw inputError(file, 'tệp PDF không có trang nào');
  return pages.sort(naturalCompare).map((n) => join(workDir, n));
}

/** Netpbm (P1–P6) decoded here: libvips in sharp cannot read it (platform-notes). */
export async function pnmToPng(file: string, workDir: string): Promise<string> {
  const buf = await readFile(file);
  const tokens: number[] = []; let i = 2;
  const magic = buf.toString('latin1', 0, 2);
  const need = magic === 'P1' || magic === 'P4' ? 2 : 3;
  while (tokens.length < need && i < buf.length) {
    const ch = buf[i]!;
    if (ch === 0x23) { while (i < buf.length && buf[i] !== 0x0a) i++; continue; } // comment
    if (ch >= 0x30 && ch <= 0x39) { let n = 0; while (buf[i]! >= 0x30 && buf[i]! <= 0x39) n = n * 10 + buf[i++]! - 0x30; tokens.push(n); continue; }
    i++;
  }
  const [w = 0, h = 0, max = 1] = tokens;
  if (!w || !h || w * h > MAX_PIXELS) throw inputError(file, `kích thước ảnh PNM không hợp lệ (${w}×${h})`);
  i++; // the single whitespace after the header
  const channels = magic === 'P3' || magic === 'P6' ? 3 : 1;
  const out = Buffer.alloc(w * h * channels);
  if (magic === 'P5' || magic === 'P6') {
    const bpp = max > 255 ? 2 : 1;
    if (buf.length - i < w * h * channels * bpp) throw inputError(file, 'tệp PNM bị cắt cụt');
    for (let k = 0; k < out.length; k++) out[k] = bpp === 2 ? (buf.readUInt16BE(i + 2 * k) * 255) / max : (buf[i + k]! * 255) / max;
  } else if (magic === 'P4') {
    const rowBytes = Math.ceil(w / 8);
    if (buf.length - i < rowBytes * h) throw inputError(file, 'tệp PNM bị cắt cụt');
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = (buf[i + y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 0 : 255;
  } else {
    const vals = buf.toString('latin1', i).split(/\s+/).filter(Boolean).map(Number);
    if (vals.length < out.length) throw inputError(file, 'tệp PNM bị cắt cụt');
    for (let k = 0; k < out.length; k++) out[k] = magic === 'P1' ? (vals[k] ? 0 : 255) : (vals[k]! * 255) / max;
  }
  const png = join(workDir, basename(file).replace(/\.\w+$/, '') + '.png');
  await sharp(out, { raw: { width: w, height: h, channels: channels as 1 | 3 } }).png({ compressionLevel: 1 }).toFile(png);
  return png;
}

export const naturalCompare = (a: string, b: string): number => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });

export const PAGE_EXTENSIONS = /\.(png|jpe?g|tiff?|pnm|pgm|ppm|pbm|pdf)$/i;
