import type { PDFFont } from 'pdf-lib';
import type { OcrLine } from '../ocr/ocr.js';

// The invisible OCR text (render mode 3) laid over the page image: each word is stretched
// horizontally to its box so selection and search highlight the right place, and words are
// written line by line so text extraction returns them in reading order.

const n = (v: number) => (Math.round(v * 100) / 100).toString();

/**
 * Width at size 1 and the encoded string of each distinct word, per font: laying a word out is the
 * costly part (fontkit shaping) and a page repeats its words. Width is linear in the size. The
 * first encoding of a word registers its glyphs in the font's subset, so later ones need not.
 */
const shaped = new WeakMap<PDFFont, Map<string, { w: number; hex: string }>>();
function shape(font: PDFFont, text: string): { w: number; hex: string } {
  let m = shaped.get(font);
  if (!m) shaped.set(font, (m = new Map()));
  let s = m.get(text);
  if (!s) m.set(text, (s = { w: font.widthOfTextAtSize(text, 1), hex: font.encodeText(text).toString() }));
  return s;
}

/** Content-stream operators for the text of one page; `fontName` is the page resource name. */
export function textLayerOps(lines: OcrLine[], font: PDFFont, fontName: string, dpi: number, pageHeightPt: number): string {
  const s = 72 / dpi;
  const out: string[] = ['BT 3 Tr\n'];
  const space = font.widthOfTextAtSize(' ', 1);
  for (const line of lines) {
    const words = line.words.filter((w) => w.text.trim() !== '');
    if (words.length === 0) continue;
    // One size per line keeps baselines straight; the descender sits below the baseline.
    const size = Math.max(1, (line.bbox.y1 - line.bbox.y0) * s * 0.85);
    const baseline = pageHeightPt - line.bbox.y1 * s + size * 0.2;
    out.push(`/${fontName} ${n(size)} Tf\n`);
    words.forEach((w, i) => {
      const text = w.text.normalize('NFC') + (i < words.length - 1 ? ' ' : '');
      const { w: w1, hex } = shape(font, text);
      const natural = w1 * size;
      const boxW = (w.bbox.x1 - w.bbox.x0) * s + (i < words.length - 1 ? space * size : 0);
      const scale = natural > 0 ? Math.max(10, Math.min(500, (100 * boxW) / natural)) : 100;
      out.push(`${n(scale)} Tz 1 0 0 1 ${n(w.bbox.x0 * s)} ${n(baseline)} Tm ${hex} Tj\n`);
    });
  }
  out.push('ET\n');
  return out.join('');
}
