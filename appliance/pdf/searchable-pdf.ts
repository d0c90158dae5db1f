import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, concatTransformationMatrix, drawObject, popGraphicsState, pushGraphicsState, type PDFRef } from 'pdf-lib';
import { SohoaError } from '../errors.js';
import type { OcrLine } from '../ocr/ocr.js';
import { embedTextFont } from './text-font.js';
import { pageImage, type PageImage } from './page-image.js';
import { declarePdfA } from './pdfa.js';
import { textLayerOps } from './text-layer.js';
import { span } from '../ocr/profile.js';

// The searchable PDF of a registered document: every kept page image at 100 % scale with the OCR
// text invisibly over it, declared PDF/A-2b. Kept under the attachment size limit (Tuyên Quang
// art. 8.4: at most 50 MB) by recompressing the images harder rather than failing.

export interface PdfPageInput {
  /** Upright page image (PNG/JPEG/TIFF). */
  imagePath: string;
  width: number;
  height: number;
  dpi: number;
  lines: OcrLine[];
}

export interface PdfMeta {
  title: string;
  author?: string;
  subject?: string;
  keywords?: string[];
  /** Creation time; defaults to now. */
  created?: Date;
}

export interface PdfBuildOptions {
  /** Size limit of one attachment; default 50 MB. */
  maxBytes?: number;
}

export const ATTACHMENT_MAX_BYTES = 50 * 1024 * 1024;
/** JPEG qualities tried in turn until the file fits. */
const QUALITIES = [80, 65, 50, 35, 25];

async function build(pages: PdfPageInput[], meta: PdfMeta, quality: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = embedTextFont(doc);
  for (const p of pages) {
    // the scan's own file at the first quality, re-encoded harder on the later tries
    const img = await span('pdf.image', () => pageImage(p.imagePath, quality, { keep: quality === QUALITIES[0] }), p.imagePath);
    // The OCR coordinates refer to the image as given; scale them if the image differs.
    const dpi = p.dpi > 0 ? p.dpi : 200;
    const w = (img.width * 72) / dpi;
    const h = (img.height * 72) / dpi;
    const page = doc.addPage([w, h]);
    const name = page.node.newXObject('Im', imageXObject(doc, img));
    page.pushOperators(pushGraphicsState(), concatTransformationMatrix(w, 0, 0, h, 0, 0), drawObject(name), popGraphicsState());
    const sx = p.width > 0 ? img.width / p.width : 1;
    const lines = sx === 1 ? p.lines : p.lines.map((l) => scaleLine(l, sx));
    page.node.setFontDictionary(PDFName.of('FText'), font);
    const ops = await span('pdf.text', () => textLayerOps(lines, 'FText', dpi, h));
    page.node.addContentStream(doc.context.register(doc.context.stream(deflateSync(ops), { Filter: 'FlateDecode' })));
  }
  declarePdfA(doc, { ...meta, created: meta.created ?? new Date(), producer: 'Sohoa' });
  // Classic cross-reference table: the signature is added later as an incremental update of it.
  return span('pdf.save', () => doc.save({ useObjectStreams: false }));
}

/** The image XObject of a page, its data as given (DCT or Flate with PNG predictors). */
function imageXObject(doc: PDFDocument, img: PageImage): PDFRef {
  const { colours } = img;
  return doc.context.register(doc.context.stream(img.bytes, {
    Type: 'XObject', Subtype: 'Image', Width: img.width, Height: img.height, BitsPerComponent: 8,
    ColorSpace: colours === 1 ? 'DeviceGray' : 'DeviceRGB',
    ...(img.kind === 'jpeg'
      ? { Filter: 'DCTDecode' }
      : { Filter: 'FlateDecode', DecodeParms: { Predictor: 15, Colors: colours, BitsPerComponent: 8, Columns: img.width } }),
  }));
}

function scaleLine(l: OcrLine, k: number): OcrLine {
  const b = (x: OcrLine['bbox']) => ({ x0: x.x0 * k, y0: x.y0 * k, x1: x.x1 * k, y1: x.y1 * k });
  return { ...l, bbox: b(l.bbox), words: l.words.map((w) => ({ ...w, bbox: b(w.bbox) })) };
}

export async function buildSearchablePdf(pages: PdfPageInput[], meta: PdfMeta, opts: PdfBuildOptions = {}): Promise<Uint8Array> {
  if (pages.length === 0) throw new SohoaError('pdf.build', 'Văn bản không có trang nào để tạo tệp PDF.', 'no pages');
  const max = opts.maxBytes ?? ATTACHMENT_MAX_BYTES;
  let last = 0;
  for (const q of QUALITIES) {
    const pdf = await build(pages, meta, q);
    if (pdf.length <= max) return pdf;
    last = pdf.length;
  }
  throw new SohoaError('pdf.build', 'Văn bản quá lớn để gửi thành một tệp (trên 50 MB) kể cả khi đã nén. Hãy tách văn bản thành nhiều phần.',
    `PDF of ${pages.length} pages is ${last} bytes at the lowest JPEG quality, limit ${max}`);
}

/** Never re-encoded below this JPEG quality to make a file fit: a document is split instead. */
const LEGIBLE_QUALITIES = QUALITIES.filter((q) => q >= 50);
/** Room kept in each part for the text layer, font and PDF structure besides the page images. */
const PART_MARGIN = 0.9;

/**
 * The searchable PDF as one file when it fits the attachment limit at a legible quality, else
 * split by pages into parts (Tuyên Quang art. 8.4: each file at most 50 MB — "compress or split
 * rather than fail"), each part a complete searchable PDF of whole pages at the scan's quality:
 * a large document is never re-encoded below legibility to fit. Page images are measured one at
 * a time (nothing of a large document is held whole) to pack the parts.
 */
export async function buildSearchablePdfParts(pages: PdfPageInput[], meta: PdfMeta, opts: PdfBuildOptions = {}): Promise<Uint8Array[]> {
  if (pages.length === 0) throw new SohoaError('pdf.build', 'Văn bản không có trang nào để tạo tệp PDF.', 'no pages');
  const max = opts.maxBytes ?? ATTACHMENT_MAX_BYTES;
  const sizes: number[] = [];
  for (const p of pages) sizes.push((await pageImage(p.imagePath, QUALITIES[0]!, { keep: true })).bytes.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  // one file at a still legible quality (q80 → q50 takes about half off at most), when that could fit
  if (total <= max * 2) {
    for (const q of LEGIBLE_QUALITIES) {
      const pdf = await build(pages, meta, q);
      if (pdf.length <= max) return [pdf];
    }
  }
  const groups: PdfPageInput[][] = [];
  let group: PdfPageInput[] = [];
  let bytes = 0;
  for (const [i, p] of pages.entries()) {
    if (group.length && bytes + sizes[i]! > max * PART_MARGIN) { groups.push(group); group = []; bytes = 0; }
    group.push(p);
    bytes += sizes[i]!;
  }
  groups.push(group);
  const parts: Uint8Array[] = [];
  for (const g of groups) parts.push(...(await buildFitting(g, meta, max)));
  return parts;
}

/** One part of whole pages; halved again when the estimate was short, a lone page tried at the legible qualities. */
async function buildFitting(pages: PdfPageInput[], meta: PdfMeta, max: number): Promise<Uint8Array[]> {
  const pdf = await build(pages, meta, QUALITIES[0]!);
  if (pdf.length <= max) return [pdf];
  if (pages.length > 1) {
    const half = Math.ceil(pages.length / 2);
    return [...(await buildFitting(pages.slice(0, half), meta, max)), ...(await buildFitting(pages.slice(half), meta, max))];
  }
  for (const q of LEGIBLE_QUALITIES.slice(1)) {
    const one = await build(pages, meta, q);
    if (one.length <= max) return [one];
  }
  throw new SohoaError('pdf.build', 'Một trang của văn bản lớn hơn 50 MB kể cả khi đã nén ở mức còn đọc rõ. Hãy quét lại trang này ở độ phân giải thấp hơn.',
    `page ${pages[0]!.imagePath} alone is ${pdf.length} bytes, limit ${max}`);
}
