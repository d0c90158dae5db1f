import { fold, similarity } from '../extract/vn-text.js';
import { typeFromLine } from '../extract/patterns.js';
import type { OcrLine, OcrPage } from '../ocr/ocr.js';

// Splits a scanned stack into documents from what each page shows at its top (NĐ30 App. I): a
// first page carries the two-column header — the national motto top right, the issuer and
// "Số: …" top left, the type name centred under it; pages 2+ carry their page number at the top
// ("2", "- 2 -", "Trang 2") and no header. Blank backs are dropped. Pure: OCR pages in, page
// indices out, so it is tested on OCR fixtures and re-run on the same pages after a restart.
//
// A page showing neither continues the current document, less surely: tesseract reads the motto
// and "Số:" of real first pages reliably but often drops a lone page number ("2" on its own line),
// so "no header" is the common look of a page 2+ — unless the page before it ended its document
// ("Nơi nhận", the "./." that closes the body) and it is no annex ("PHỤ LỤC"): then it starts a
// document, flagged. A page showing both is doubtful, starts a document and is flagged: merging
// it back is one touch for the reviewer, while a wrong join cannot be undone from the screen.
//
// What the clerk put in the stack wins over what the pages show (StackMarks): a separator sheet
// (QR, patch T or 2, or a blank sheet where the profile says so) ends the document before it and
// belongs to none; "Tài liệu tiếp theo" ends it after the page scanned last; a document longer
// than the profile's limit is cut there and flagged for review.

export interface SplitDocument {
  /** Indices into the pages given, in order (blank pages never appear). */
  pages: number[];
  /** How sure the boundaries of this document are, 0..1 (the weakest of its page decisions). */
  confidence: number;
  /** Below DOUBTFUL_SPLIT: the review list says "Kiểm tra chỗ tách". */
  doubtful: boolean;
  /** True only for the first document when `continuing` was set and its first page continued. */
  continues: boolean;
}

export interface StackSplit {
  documents: SplitDocument[];
  /** Indices of the blank pages dropped. */
  blank: number[];
  /** Indices of the separator sheets' pages (in no document). */
  separators: number[];
}

/** What the clerk and the profile say about the stack, besides the pages' own look. */
export interface StackMarks {
  /** Pages found to be separator sheets (QR, patch code). */
  separators?: ReadonlySet<number>;
  /** The profile's `blankPages: 'separator'`: a blank sheet separates documents. */
  blankSeparates?: boolean;
  /** Pages come in sheets of two (front, back): a separator sheet's back is part of it. */
  duplex?: boolean;
  /** "Tài liệu tiếp theo": a document ends after each of these pages. */
  breaksAfter?: readonly number[];
  /** The profile's maxPagesPerDocument (0/absent: no limit). */
  maxPages?: number;
}

/** Confidence of a boundary the clerk made (a separator sheet, Tài liệu tiếp theo). */
const MARKED = 0.99;
/** Confidence of a cut made by the page limit: always looked at. */
const LIMIT_CUT = 0.4;

/** Every page that is part of a separator sheet. */
function separatorPages(pages: OcrPage[], m: StackMarks): Set<number> {
  const seps = new Set<number>(m.separators ?? []);
  if (m.blankSeparates) {
    if (m.duplex) {
      // a sheet is blank on both sides: a document page's blank back is no separator
      for (let i = 0; i + 1 < pages.length; i += 2) if (pages[i]!.blank && pages[i + 1]!.blank) { seps.add(i); seps.add(i + 1); }
    } else {
      pages.forEach((p, i) => { if (p.blank) seps.add(i); });
    }
  }
  if (m.duplex) {
    // the other side of a separator sheet, when it carries nothing (or is a separator too)
    for (const i of [...seps]) {
      const mate = i % 2 === 0 ? i + 1 : i - 1;
      if (mate < pages.length && pages[mate]!.blank) seps.add(mate);
    }
  }
  return seps;
}

/** Cuts documents longer than `max` pages; each cut is flagged for the reviewer. */
function limitLength(documents: SplitDocument[], max: number): SplitDocument[] {
  if (!max) return documents;
  return documents.flatMap((d) => {
    if (d.pages.length <= max) return [d];
    const parts: SplitDocument[] = [];
    for (let k = 0; k < d.pages.length; k += max) {
      parts.push({ pages: d.pages.slice(k, k + max), confidence: Math.min(d.confidence, LIMIT_CUT), doubtful: true, continues: k === 0 && d.continues });
    }
    return parts;
  });
}

/** What a page's top says about where it belongs. */
export interface PageEvidence {
  motto: number;
  /** "Số: …" at the top left. */
  number: boolean;
  /** A type name (QUYẾT ĐỊNH, THÔNG BÁO…) alone on a line of the header band. */
  typeName: boolean;
  /** The page number printed at the top, or null. */
  pageNumber: number | null;
  /** The page ends a document: "Nơi nhận" or the "./." that closes the body. */
  ends: boolean;
  /** "PHỤ LỤC" at its top: an annex, which follows the signed page of its document. */
  annex: boolean;
}

export const DOUBTFUL_SPLIT = 0.6;

/** Where the header of a first page ends, as a fraction of the page height. */
const HEADER_BAND = 0.3;
/** Where a page number printed at the top must be, as a fraction of the page height. */
const TOP_BAND = 0.12;

const MOTTO = [fold('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'), fold('Độc lập - Tự do - Hạnh phúc')].map(letters);

function letters(s: string): string {
  return s.replace(/[^A-Z]/g, '');
}

/** How much of the national motto a line is (0..1): OCR drops and confuses letters. */
function mottoScore(line: OcrLine): number {
  const f = letters(fold(line.text));
  if (f.length < 8) return 0;
  return Math.max(...MOTTO.map((m) => {
    // The motto line may share its OCR line with the issuer column: compare the best window.
    if (f.length <= m.length) return similarity(f, m) * Math.min(1, f.length / (m.length * 0.6));
    let best = 0;
    for (let i = 0; i + m.length <= f.length; i += 2) best = Math.max(best, similarity(f.slice(i, i + m.length), m));
    return best;
  }));
}

const NUMBER_LINE = /^S[ốoóồổộỏõ0]\s*[:;.]/i;
/** "2", "- 2 -", "– 2 –", "Trang 2", "Trang 2/5", "2/5". */
const PAGE_NUMBER = /^(?:[-–—_~.]\s*)?(?:trang\s*)?(\d{1,3})(?:\s*\/\s*\d{1,3})?(?:\s*[-–—_~.])?$/i;

export function pageEvidence(page: OcrPage): PageEvidence {
  const header = page.lines.filter((l) => l.bbox.y0 < page.height * HEADER_BAND);
  const motto = Math.max(0, ...header.filter((l) => l.bbox.x1 > page.width * 0.5).map(mottoScore));
  const number = header.some((l) => l.bbox.x0 < page.width * 0.5 && NUMBER_LINE.test(l.text.trim()));
  const typeName = header.some((l) => typeFromLine(l.text) !== null && !/^c[oô]ng v[aă]n$/i.test(l.text.trim()));
  let pageNumber: number | null = null;
  for (const l of header) {
    if (l.bbox.y1 > page.height * TOP_BAND) continue;
    const m = PAGE_NUMBER.exec(l.text.trim());
    if (m && Number(m[1]) >= 2) {
      pageNumber = Number(m[1]);
      break;
    }
  }
  const ends = page.lines.some((l) => /\bNOI NHAN\b/.test(fold(l.text)) || /\.\/\.\s*$/.test(l.text.trim()));
  const annex = header.some((l) => /^PHU LUC\b/.test(fold(l.text.trim())));
  return { motto, number, typeName, pageNumber, ends, annex };
}

/** Whether a page starts a document (after a page that `afterEnd`ed one), and how sure that is. */
function judge(e: PageEvidence, afterEnd: boolean): { starts: boolean; confidence: number } {
  const motto = e.motto >= 0.75;
  const header = motto || e.number;
  if (header && e.pageNumber === null) {
    if (motto && e.number) return { starts: true, confidence: 0.97 };
    if (motto) return { starts: true, confidence: 0.9 };
    // "Số:" without the motto (a motto OCR could not read): a header still, less sure.
    return { starts: true, confidence: e.typeName ? 0.85 : 0.75 };
  }
  if (!header && e.pageNumber !== null) return { starts: false, confidence: e.motto >= 0.5 ? 0.7 : 0.95 };
  // Both a header and a number at the top: start, and let the reviewer look.
  if (header) return { starts: true, confidence: 0.5 };
  // Neither: most likely a page whose number OCR dropped, unless the document before it ended
  // (and it is no annex); a type name alone is a weak header.
  if (e.typeName || (afterEnd && !e.annex)) return { starts: true, confidence: 0.5 };
  return { starts: false, confidence: 0.65 };
}

/**
 * Splits `pages` (scan order, blank ones flagged) into documents. `continuing`: the pages follow
 * a document already under way (Quét tiếp after a jam), so the first one may continue it.
 */
export function splitStack(pages: OcrPage[], opts: { continuing?: boolean } & StackMarks = {}): StackSplit {
  const documents: SplitDocument[] = [];
  const blank: number[] = [];
  const separators: number[] = [];
  const seps = separatorPages(pages, opts);
  const breaks = new Set(opts.breaksAfter ?? []);
  let current: SplitDocument | null = null;
  let lastNumber = 1;
  let afterEnd = false;
  /** The clerk marked the end of the document before the next page (separator sheet, Tài liệu tiếp theo). */
  let marked = false;
  pages.forEach((page, i) => {
    if (seps.has(i)) {
      separators.push(i);
      marked = true;
    } else if (page.blank) {
      blank.push(i);
    } else if (marked) {
      current = { pages: [i], confidence: MARKED, doubtful: false, continues: false };
      documents.push(current);
      lastNumber = pageEvidence(page).pageNumber ?? 1;
      afterEnd = false;
      marked = false;
    } else if (current && !page.text.trim()) {
      // a blank page the profile keeps ('keep'): it stays with the page before it, and says
      // nothing of where the next document starts
      (current as SplitDocument).pages.push(i);
    } else {
      place(page, i);
    }
    if (breaks.has(i)) marked = true;
  });

  function place(page: OcrPage, i: number): void {
    const e = pageEvidence(page);
    const { starts, confidence } = judge(e, afterEnd);
    afterEnd = e.ends;
    if (!current && !(opts.continuing && !starts)) {
      // The first page of a stack always starts a document; how sure its header is still counts.
      current = { pages: [i], confidence: starts ? confidence : 0.35, doubtful: false, continues: false };
      documents.push(current);
      lastNumber = 1;
      return;
    }
    if (!current || !starts) {
      // A page number that does not follow on (a page left out, or another document's page 2)
      // is a doubtful join.
      const follows = e.pageNumber === null || e.pageNumber === lastNumber + 1;
      const conf = follows ? confidence : Math.min(confidence, 0.5);
      if (!current) {
        current = { pages: [], confidence: conf, doubtful: false, continues: true };
        documents.push(current);
      }
      current.pages.push(i);
      current.confidence = Math.min(current.confidence, conf);
      lastNumber = e.pageNumber ?? lastNumber + 1;
      return;
    }
    current = { pages: [i], confidence, doubtful: false, continues: false };
    documents.push(current);
    lastNumber = 1;
  }

  const limited = limitLength(documents, opts.maxPages ?? 0);
  for (const d of limited) d.doubtful = d.doubtful || d.confidence < DOUBTFUL_SPLIT;
  return { documents: limited, blank, separators };
}
