import type { OcrLine, OcrPage } from '../ocr/ocr.js';
import { ProcessError, runProcess } from '../util/run-process.js';

// A received PDF's own text layer, read with poppler's pdftotext (-bbox-layout: every word with
// its box, in points from the page's top left) and turned into the OCR stage's page shape, so the
// same field extraction runs on it without OCR. A page with (almost) no text is null: scanned
// without a text layer, it goes to OCR.

/** pdftotext's limit for one file: text extraction is fast; a hostile file must not hold the desk. */
const TEXT_TIMEOUT_MS = 60_000;
/** Fewer letters than this on a page: no usable text layer there. */
const MIN_CHARS = 20;

/** The raster a page's text is mapped onto (the page image the job shows and files). */
export interface PageRaster { width: number; height: number; dpi: number }

/** Each page's text as OcrPage (coordinates in the raster's pixels), or null where there is none. */
export async function readTextLayer(pdfPath: string, rasters: PageRaster[]): Promise<(OcrPage | null)[]> {
  let xml: string;
  try {
    xml = (await runProcess('pdftotext', ['-bbox-layout', '-enc', 'UTF-8', pdfPath, '-'], { timeoutMs: TEXT_TIMEOUT_MS })).stdout.toString('utf8');
  } catch (err) {
    // no text layer read (damaged, or too slow): every page goes to OCR
    if (err instanceof ProcessError) return rasters.map(() => null);
    throw err;
  }
  const pages = [...xml.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)];
  return rasters.map((r, i) => {
    const m = pages[i];
    if (!m) return null;
    const k = r.width / Number(m[1]);
    const lines = parseLines(m[3]!, k);
    const text = lines.map((l) => l.text).join('\n');
    if (text.replace(/\s+/g, '').length < MIN_CHARS) return null;
    return { imagePath: '', width: r.width, height: r.height, dpi: r.dpi, rotation: 0, blank: false, text, lines };
  });
}

const NUM = (s: string | undefined) => Number(s ?? 0);
const box = (attrs: string, k: number) => {
  const a = Object.fromEntries([...attrs.matchAll(/(\w+)="([\d.]+)"/g)].map((x) => [x[1], NUM(x[2])]));
  return { x0: Math.round((a.xMin ?? 0) * k), y0: Math.round((a.yMin ?? 0) * k), x1: Math.round((a.xMax ?? 0) * k), y1: Math.round((a.yMax ?? 0) * k) };
};

function parseLines(page: string, k: number): OcrLine[] {
  const lines: OcrLine[] = [];
  for (const l of page.matchAll(/<line ([^>]*)>([\s\S]*?)<\/line>/g)) {
    // a text layer is exact: full confidence (the extraction's doubt comes from the layout only)
    const words = [...l[2]!.matchAll(/<word ([^>]*)>([\s\S]*?)<\/word>/g)]
      .map((w) => ({ text: unescape(w[2]!).normalize('NFC'), confidence: 99, bbox: box(w[1]!, k) }))
      .filter((w) => w.text.trim());
    if (!words.length) continue;
    lines.push({ text: words.map((w) => w.text).join(' '), confidence: 99, bbox: box(l[1]!, k), words });
  }
  return lines;
}

function unescape(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp|#\d+);/g, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : e === 'amp' ? '&' : String.fromCodePoint(Number(e.slice(1))));
}
