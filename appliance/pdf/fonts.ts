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

// The font is parsed again for every document (~15 ms). A parsed fontkit font shared between
// documents (as an earlier speed-up did) keeps the glyphs a subset created without their code
// points, so the next document's ToUnicode map lacks them: its text copied or searched came out
// as "Ngà tháng l ại" for "Ngày tháng loại" (tests/unit/pdf-font-text.test.ts).

/** Embeds the Vietnamese font (subset) into `doc`. Call `doc.flush()`/`save()` after the last use. */
export async function embedVietnameseFont(doc: PDFDocument): Promise<PDFFont> {
  doc.registerFontkit(await loadFontkit() as unknown as Parameters<PDFDocument['registerFontkit']>[0]);
  return doc.embedFont(await fontBytes(), { subset: true });
}
