import type { OcrLine, OcrPage } from './ocr.js';
import type { TextRow } from './page-analysis.js';
import { lineFromWords } from './ocr-page.js';

// Cutting an upright page into horizontal bands that are read separately (in parallel, the ones
// carrying the fields first): the header (issuer, number, stamps, place and date, type, summary:
// the top ~40 %), the signature band (from the last full-width body line down: "Nơi nhận", the
// signature block) and the body between them. Cuts are snapped to a white gap between the text
// rows of the page analysis; each band is read with a margin above and below and keeps only the
// words whose centre lies in its own part, so a line cut by a band's edge (a skewed scan has no
// clean gap) is taken whole from the neighbouring band.

export type BandRole = 'header' | 'body' | 'signature';

export interface Band {
  role: BandRole;
  /** The part of the page this band answers for (pixels, [y0, y1)). */
  y0: number; y1: number;
  /** The rectangle actually read: the band plus a margin. */
  readY0: number; readY1: number;
}

/** Share of the page height the header band covers at least (NĐ 30 header, type and summary). */
export const HEADER_SHARE = 0.4;

/** Rows lower than this share of the page height are specks, not text (the smallest print is over twice it). */
export const SPECK_ROW = 0.004;

/** Body rows read with the signature band, above the last one. */
export const BODY_CONTEXT_ROWS = 4;

const isBodyRow = (r: TextRow): boolean => r.left >= 0.15 && r.middle >= 0.12 && r.right >= 0.12;

/** The gap between rows nearest to y (fraction of the height) at or after it, within `reach`. */
function gapAfter(rows: TextRow[], y: number, reach: number): number {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.y1 <= y) continue;
    if (r.y0 >= y) return Math.max(y, ((rows[i - 1]?.y1 ?? r.y0) + r.y0) / 2); // y sits in a gap
    return r.y1 - y <= reach ? (r.y1 + (rows[i + 1]?.y0 ?? r.y1)) / 2 : y; // y cuts row r: after it
  }
  return y;
}

/**
 * Bands of one page. `header` / `signature`: whether this page carries them (the first page of a
 * document has the header, the last one the signature block). Bands cover the page with no gap.
 */
export function planBands(page: Pick<OcrPage, 'height'> & { rows: TextRow[] }, o: { header: boolean; signature: boolean }): Band[] {
  const H = page.height;
  // specks make rows of a pixel or two; spread over a noisy page, one across the page looks like a
  // body row below the signature block, and the signature band shrank to the sliver under it
  // (its "Nơi nhận" list then read without its re-read): rows under 1.2 mm of an A4 page are no text
  const rows = page.rows.filter((r) => r.y1 - r.y0 >= SPECK_ROW);
  const rowH = median(rows.map((r) => r.y1 - r.y0).filter((h) => h < 0.03)) || 0.012;
  const margin = Math.max(rowH * 1.5, 0.012);
  let top = 0; let bottom = 1;
  const cuts: Array<{ role: BandRole; y0: number; y1: number }> = [];
  if (o.header) {
    top = Math.min(1, gapAfter(rows, HEADER_SHARE, rowH * 2));
    cuts.push({ role: 'header', y0: 0, y1: top });
  }
  if (o.signature && !o.header) {
    // the last page of a longer document: read whole with the fields (measured on the dev corpus:
    // a signature band alone on a page without its header lost the authority line once in 5)
    cuts.push({ role: 'signature', y0: 0, y1: 1 });
    bottom = 0;
  } else if (o.signature && top < 1) {
    // from the bottom up to the last full-width body row, plus a few body rows above it: the "./."
    // that ends the body, and enough body-size words that the extractor's line unit (median word
    // height) is the page's, not that of the small "Nơi nhận" list
    let start = top;
    for (let i = rows.length - 1; i >= 0; i--) {
      if (rows[i]!.y0 < top) break;
      if (isBodyRow(rows[i]!)) {
        const j = Math.max(0, i - BODY_CONTEXT_ROWS);
        start = Math.max(top, ((rows[j - 1]?.y1 ?? rows[j]!.y0) + rows[j]!.y0) / 2);
        break;
      }
    }
    bottom = start - top < 0.06 ? top : start; // a sliver of body is not worth a band of its own
    cuts.push({ role: 'signature', y0: bottom, y1: 1 });
  }
  if (bottom > top) cuts.push({ role: 'body', y0: top, y1: bottom });
  return cuts.filter((c) => c.y1 > c.y0).sort((a, b) => a.y0 - b.y0).map((c) => ({
    role: c.role,
    y0: Math.round(c.y0 * H), y1: Math.round(c.y1 * H),
    readY0: Math.max(0, Math.round((c.y0 - (c.y0 > 0 ? margin : 0)) * H)),
    readY1: Math.min(H, Math.round((c.y1 + (c.y1 < 1 ? margin : 0)) * H)),
  }));
}

/** The lines read from a band, cut down to the words whose centre lies in the band's own part. */
export function ownLines(band: Band, lines: OcrLine[]): OcrLine[] {
  return lines.flatMap((l) => {
    const words = l.words.filter((w) => { const cy = (w.bbox.y0 + w.bbox.y1) / 2; return cy >= band.y0 && cy < band.y1; });
    if (!words.length) return [];
    return [words.length === l.words.length ? l : lineFromWords(words)];
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}
