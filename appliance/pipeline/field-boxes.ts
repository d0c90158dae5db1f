import type { ExtractionResult, FieldKey } from '../extract/fields.js';
import { fold, similarity } from '../extract/vn-text.js';
import type { BBox, OcrPage, OcrWord } from '../ocr/ocr.js';
import { scannedRegion, type Region } from './page-geometry.js';

// Where on the page each extracted field was read: the extractor keeps values, not positions, so
// the value is found again among the page's OCR words (diacritics and case ignored, a misread
// letter forgiven), over one to a few consecutive lines. The touchscreen frames those words when
// the clerk touches the field, and opens a doubtful (⚠) field there.

/** Where a field was read: a job page and one box per line of it, in fractions of the page as scanned. */
export interface FieldBox { page: number; boxes: Region[] }
export type FieldBoxes = Partial<Record<FieldKey, FieldBox>>;

const MAX_LINES = 5;
/** Share of a value's words that must be found for the place to count. */
const MIN_FOUND = 0.5;

const clean = (w: string) => fold(w).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');

function tokensOf(key: FieldKey, value: unknown): string[] {
  if (typeof value !== 'string' || !value.trim()) return [];
  // an ISO date is printed "ngày 21 tháng 02 năm 2023": its numbers are what can be found
  const iso = key === 'date' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (iso) return [String(Number(iso[3])), String(Number(iso[2])), iso[1]!];
  return value.split(/\s+/).map(clean).filter((t) => t !== '');
}

function sameWord(token: string, word: string): boolean {
  if (token === word) return true;
  if (/^\d+$/.test(token) && /^\d+$/.test(word)) return Number(token) === Number(word);
  return token.length >= 4 && similarity(token, word) >= 0.75;
}

interface Found { score: number; lines: number; words: OcrWord[][] }

/** The best run of lines of one page holding the value's tokens. */
function findOnPage(tokens: string[], page: OcrPage): Found | null {
  const lines = page.lines.map((l) => l.words.map((w) => ({ w, t: clean(w.text) })));
  let best: Found | null = null;
  for (let i = 0; i < lines.length; i++) {
    for (let n = 1; n <= MAX_LINES && i + n <= lines.length; n++) {
      const used = new Set<OcrWord>();
      const byLine: OcrWord[][] = Array.from({ length: n }, () => []);
      let found = 0;
      for (const t of tokens) {
        for (let k = 0; k < n; k++) {
          const hit = lines[i + k]!.find((x) => !used.has(x.w) && sameWord(t, x.t));
          if (hit) { used.add(hit.w); byLine[k]!.push(hit.w); found++; break; }
        }
      }
      // every line of the run must hold part of the value (no stray line in the middle)
      if (byLine.some((l) => l.length === 0)) continue;
      const score = found / tokens.length;
      if (!best || score > best.score + 1e-9) best = { score, lines: n, words: byLine };
      if (score === 1) break;
    }
  }
  return best && best.score >= MIN_FOUND ? best : null;
}

const union = (ws: OcrWord[]): BBox => ({
  x0: Math.min(...ws.map((w) => w.bbox.x0)), y0: Math.min(...ws.map((w) => w.bbox.y0)),
  x1: Math.max(...ws.map((w) => w.bbox.x1)), y1: Math.max(...ws.map((w) => w.bbox.y1)),
});

/** Finds each extracted field on the pages (`pages`: job page number and its OCR, blank ones left out). */
export function locateFields(result: ExtractionResult, pages: { page: number; ocr: OcrPage }[]): FieldBoxes {
  const out: FieldBoxes = {};
  const keys: FieldKey[] = ['issuerParent', 'issuer', 'numberNotation', 'place', 'date', 'type', 'summary',
    'authority', 'signerTitle', 'signer', 'recipients', 'confidentiality', 'urgency'];
  for (const key of keys) {
    const value = key === 'recipients' ? result.recipients.join(' ') : result[key];
    const tokens = tokensOf(key, value);
    if (tokens.length === 0) continue;
    let best: { page: number; ocr: OcrPage; found: Found } | null = null;
    for (const p of pages) {
      const found = findOnPage(tokens, p.ocr);
      if (found && (!best || found.score > best.found.score)) best = { ...p, found };
    }
    if (best) out[key] = { page: best.page, boxes: best.found.words.map((ws) => scannedRegion(union(ws), best!.ocr)) };
  }
  return out;
}
