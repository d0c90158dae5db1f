import { readFile } from 'node:fs/promises';
import type { PDFDocument, PDFFont } from 'pdf-lib';
import { SohoaError } from '../errors.js';

// DejaVu Sans (Debian fonts-dejavu-core, Bitstream Vera licence) covers every Vietnamese letter
// precomposed, so NFC text needs no combining marks. Embedded as a subset: only the used glyphs.

export const VIETNAMESE_FONT_PATH = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

let cached: Promise<Uint8Array> | undefined;

function fontBytes(): Promise<Uint8Array> {
  cached ??= readFile(VIETNAMESE_FONT_PATH).then(
    (b) => new Uint8Array(b),
    (err: Error) => {
      cached = undefined;
      throw new SohoaError('pdf.build', 'Thiếu phông chữ tiếng Việt để tạo tệp PDF. Hãy báo kỹ thuật viên.', `cannot read ${VIETNAMESE_FONT_PATH} (Debian package fonts-dejavu-core): ${err.message}`);
    },
  );
  return cached;
}

interface Fontkit { create(bytes: Uint8Array, postscriptName?: string): unknown }

// fontkit is a 1.5 MB script: loaded with the service it took ~0.4 s of CPU from every start
// (systemd waits for READY=1). It loads with the first PDF that needs the font instead.
let fontkitModule: Promise<Fontkit> | undefined;
function loadFontkit(): Promise<Fontkit> {
  fontkitModule ??= import('@pdf-lib/fontkit').then((m) => m.default as Fontkit);
  return fontkitModule;
}

// Parsing the 750 KB font costs tens of milliseconds: parse it once and hand pdf-lib the same
// fontkit object every time (each embedding still makes its own subset).
let parsed: { bytes: Uint8Array; font: unknown } | undefined;
function cachingFontkit(fontkit: Fontkit): Fontkit {
  return {
    create(bytes, postscriptName) {
      if (parsed?.bytes !== bytes) parsed = { bytes, font: fontkit.create(bytes, postscriptName) };
      return parsed.font;
    },
  };
}

/** Embeds the Vietnamese font (subset) into `doc`. Call `doc.flush()`/`save()` after the last use. */
export async function embedVietnameseFont(doc: PDFDocument): Promise<PDFFont> {
  doc.registerFontkit(cachingFontkit(await loadFontkit()) as unknown as Parameters<PDFDocument['registerFontkit']>[0]);
  return doc.embedFont(await fontBytes(), { subset: true });
}
