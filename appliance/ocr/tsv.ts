import type { OcrLine, OcrWord } from './ocr.js';
import { lineFromWords } from './ocr-page.js';

// tesseract's TSV output (level 5 rows are words, grouped by block/paragraph/line numbers).
export function linesFromTsv(tsv: string): OcrLine[] {
  const groups = new Map<string, OcrWord[]>();
  for (const row of tsv.split('\n').slice(1)) {
    const c = row.split('\t');
    if (c.length < 12 || c[0] !== '5') continue;
    const text = c.slice(11).join('\t').trim();
    if (!text) continue;
    const [left, top, width, height, conf] = [c[6], c[7], c[8], c[9], c[10]].map(Number) as [number, number, number, number, number];
    const key = `${c[2]}.${c[3]}.${c[4]}`;
    const words = groups.get(key) ?? [];
    words.push({ text, confidence: Math.max(0, conf), bbox: { x0: left, y0: top, x1: left + width, y1: top + height } });
    groups.set(key, words);
  }
  return [...groups.values()].map(lineFromWords);
}
