import type { OcrLine, OcrWord, SymbolChoice } from './ocr.js';
import { lineFromWords } from './ocr-page.js';

// tesseract's hOCR output with LSTM symbol choices (`-c lstm_choice_mode=2`): the same words as
// the TSV output, each with, per symbol, what else the network thought the symbol could be and
// how sure it was. The extractor's syllable model (extract/syllable-choice.ts) chooses among them.

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };
const unescape = (s: string): string => s.replace(/&(amp|lt|gt|quot|apos|#39);/g, (_, e: string) => ENTITIES[e]!);

const WORD = /<span class='ocrx_word' id='[^']*' title='bbox (\d+) (\d+) (\d+) (\d+); x_wconf (-?\d+)'>([^<]*)/;
const CHOICE = /<span class='ocrx_cinfo' id='choice_[^']*' title='x_confs ([\d.]+)'>([^<]*)<\/span>/g;

/** Per-symbol choices of one word's hOCR fragment; the space symbol tesseract puts before a word is dropped. */
function symbolChoices(fragment: string): SymbolChoice[][] {
  const out: SymbolChoice[][] = [];
  for (const group of fragment.split("id='lstm_choices_").slice(1)) {
    const list = [...group.matchAll(CHOICE)].map((m) => ({ text: unescape(m[2]!).normalize('NFC'), confidence: Number(m[1]) }));
    if (!list.length || !list[0]!.text.trim()) continue;
    out.push(list);
  }
  return out;
}

/** Lines of an hOCR page (reading order as tesseract gives it), words with their symbol choices when present. */
export function linesFromHocr(hocr: string): OcrLine[] {
  const lines: OcrLine[] = [];
  for (const lineHtml of hocr.split(/<span class='ocr_(?:line|caption|textfloat|header)'/).slice(1)) {
    const words: OcrWord[] = [];
    for (const frag of lineHtml.split(/(?=<span class='ocrx_word')/)) {
      const m = WORD.exec(frag);
      if (!m) continue;
      const text = unescape(m[6]!).normalize('NFC').trim();
      if (!text) continue;
      const [x0, y0, x1, y1, conf] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
      const choices = symbolChoices(frag);
      // the choices are kept only when they spell the word as read (else they belong to another segmentation)
      const spelled = choices.map((c) => c[0]!.text).join('') === text;
      words.push({ text, confidence: Math.max(0, conf), bbox: { x0, y0, x1, y1 }, ...(spelled && choices.length ? { choices } : {}) });
    }
    if (words.length) lines.push(lineFromWords(words));
  }
  return lines;
}
