import { deflateSync } from 'node:zlib';
import { PDFString, type PDFDocument, type PDFRef } from 'pdf-lib';

// The font of the invisible OCR text: a glyphless font, every character one blank glyph half an
// em wide, coded by its UTF-16 unit (Identity-H) and mapped back to Unicode by a ToUnicode CMap.
// The text is never drawn (render mode 3), so nothing is shaped or subset: laying out a page of
// words through a real font (fontkit) cost ~50 ms of a 2-core desk's time per page.
// The font program is tesseract's `pdf.ttf` (tesseract-ocr, Apache License 2.0), 572 bytes:
// two glyphs, .notdef and a blank one advancing 1024 of 2048 units.

const GLYPHLESS_TTF = Buffer.from(
  'AAEAAAAKAIAAAwAgT1MvMlbeyJQAAAEoAAAAYGNtYXAACgA0AAABkAAAAB5nbHlmFSJBJAAAAbgAAAAYaGVhZAt48WUAAACsAAAA' +
  'NmhoZWEMAgQCAAAA5AAAACRobXR4BAAAAAAAAYgAAAAIbG9jYQAMAAAAAAGwAAAABm1heHAABAAFAAABCAAAACBuYW1l8usW2gAA' +
  'AdAAAABLcG9zdAABAAEAAAIcAAAAIAABAAAAAQAAsJRxEF8PPPUEBwgAAAAAAM+a/G4AAAAA1MOn8gAAAAAEAAgAAAAAEAACAAAA' +
  'AAAAAAEAAAgA//8AAAQAAAAAAAQAAAEAAAAAAAAAAAAAAAAAAAACAAEAAAACAAQAAQAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAwAA' +
  'AZAABQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAUAAQABAAAAAAAAAAAAAAAAAAAAAAAAAAAAR09PRwBAAAAAAAAB//8AAAABAAGA' +
  'AAAAAAAAAAAAAAAAAAABAAAAAAAABAAAAAAAAAIAAQAAAAAAFAADAAAAAAAUAAYACgAAAAAAAAAAAAAAAAAMAAAAAQAAAAAEAAgA' +
  'AAMAADEhESEEAPwACAAAAAADACoAAAADAAAABQAWAAAAAQAAAAAABQALABYAAwABBAkABQAWAAAAVgBlAHIAcwBpAG8AbgAgADEA' +
  'LgAwVmVyc2lvbiAxLjAAAAEAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAA=', 'base64');

/** Advance of every character, in text space units at size 1 (500/1000 em). */
export const GLYPH_WIDTH = 0.5;

/** Every UTF-16 unit maps to itself: 256 ranges, as a CMap range may vary only in its last byte. */
function toUnicodeCMap(): string {
  const ranges = Array.from({ length: 256 }, (_, hi) => {
    const h = hi.toString(16).padStart(2, '0').toUpperCase();
    return `<${h}00> <${h}FF> <${h}00>`;
  });
  const blocks: string[] = [];
  for (let i = 0; i < ranges.length; i += 100) {
    const part = ranges.slice(i, i + 100);
    blocks.push(`${part.length} beginbfrange\n${part.join('\n')}\nendbfrange`);
  }
  return ['/CIDInit /ProcSet findresource begin', '12 dict begin', 'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def', '/CMapType 2 def',
    '1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange', ...blocks,
    'endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end'].join('\n');
}

/** The three streams every document carries, compressed once: font program, CID → glyph 1 map, CMap. */
let streams: { font: Buffer; cidToGid: Buffer; toUnicode: Buffer } | undefined;
const compressed = (): NonNullable<typeof streams> => (streams ??= {
  font: deflateSync(GLYPHLESS_TTF),
  cidToGid: deflateSync(Buffer.alloc(65536 * 2, Buffer.from([0, 1]))),
  toUnicode: deflateSync(Buffer.from(toUnicodeCMap(), 'latin1')),
});

/** Adds the glyphless Type0 font to `doc`; the returned reference goes into each page's /Font. */
export function embedTextFont(doc: PDFDocument): PDFRef {
  const ctx = doc.context;
  const flate = (bytes: Uint8Array, extra: Record<string, unknown> = {}): PDFRef =>
    ctx.register(ctx.stream(bytes, { Filter: 'FlateDecode', ...extra }));
  const z = compressed();
  const fontFile = flate(z.font, { Length1: GLYPHLESS_TTF.length });
  const descriptor = ctx.register(ctx.obj({
    Type: 'FontDescriptor', FontName: 'GlyphLessFont', Flags: 5, FontBBox: [0, 0, 500, 1000],
    ItalicAngle: 0, Ascent: 1000, Descent: -1, CapHeight: 1000, StemV: 80, FontFile2: fontFile,
  }));
  const cidFont = ctx.register(ctx.obj({
    Type: 'Font', Subtype: 'CIDFontType2', BaseFont: 'GlyphLessFont',
    CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
    FontDescriptor: descriptor, DW: 500, CIDToGIDMap: flate(z.cidToGid),
  }));
  const toUnicode = flate(z.toUnicode);
  return ctx.register(ctx.obj({
    Type: 'Font', Subtype: 'Type0', BaseFont: 'GlyphLessFont', Encoding: 'Identity-H',
    DescendantFonts: [cidFont], ToUnicode: toUnicode,
  }));
}

/** A string as the font's codes: one 4-digit hex code per UTF-16 unit. */
export function encodeText(text: string): string {
  let hex = '<';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0');
  return hex + '>';
}
