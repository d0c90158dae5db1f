import type { OcrLine } from '../ocr/ocr.js';
import { GLYPH_WIDTH, encodeText } from './text-font.js';

// The invisible OCR text (render mode 3) laid over the page image, in the glyphless text font:
// each word is stretched horizontally to its box so selection and search highlight the right
// place, and words are written line by line so text extraction returns them in reading order.

const n = (v: number) => (Math.round(v * 100) / 100).toString();

/** Content-stream operators for the text of one page; `fontName` is the page resource name. */
export function textLayerOps(lines: OcrLine[], fontName: string, dpi: number, pageHeightPt: number): string {
  const s = 72 / dpi;
  const out: string[] = ['BT 3 Tr\n'];
  for (const line of lines) {
    const words = line.words.filter((w) => w.text.trim() !== '');
    if (words.length === 0) continue;
    // One size per line keeps baselines straight; the descender sits below the baseline.
    const size = Math.max(1, (line.bbox.y1 - line.bbox.y0) * s * 0.85);
    const baseline = pageHeightPt - line.bbox.y1 * s + size * 0.2;
    out.push(`/${fontName} ${n(size)} Tf\n`);
    words.forEach((w, i) => {
      const word = w.text.normalize('NFC');
      // the letters fill the word's box exactly; the space after them (one more glyph) only
      // separates it from the next word, which starts at its own position
      const scale = Math.max(10, Math.min(500, (100 * (w.bbox.x1 - w.bbox.x0) * s) / (word.length * GLYPH_WIDTH * size)));
      const text = i < words.length - 1 ? `${word} ` : word;
      out.push(`${n(scale)} Tz 1 0 0 1 ${n(w.bbox.x0 * s)} ${n(baseline)} Tm ${encodeText(text)} Tj\n`);
    });
  }
  out.push('ET\n');
  return out.join('');
}
