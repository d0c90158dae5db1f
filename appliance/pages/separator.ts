import { PDFDocument, rgb } from 'pdf-lib';
import { embedVietnameseFont } from '../pdf/fonts.js';
import { ProcessError, runProcess } from '../util/run-process.js';
import { SohoaError } from '../errors.js';

// The separator sheet: a printed page with a QR code that says "a new document starts after me",
// put between documents of a stack. Made by Debian's `qrencode`, found in scanned pages by
// `zbarimg` (zbar-tools): both long-kept C tools, no npm dependency, run as time-limited children;
// zbar reads QR codes turned any way, small, blurred or photocopied.

/** What the sheet's QR code says. Versioned, so a later sheet can carry more (a profile, a count). */
export const SEPARATOR_PAYLOAD = 'SOHOA:SEPARATOR:1';

const A4 = { width: 595.28, height: 841.89 }; // points
const MM = 72 / 25.4;

async function qrPng(text: string): Promise<Buffer> {
  try {
    // error correction H (30 %): a fold, a staple hole or toner streaks still read
    return (await runProcess('qrencode', ['-t', 'PNG', '-l', 'H', '-s', '16', '-m', '2', '-o', '-', text], { timeoutMs: 10_000 })).stdout;
  } catch (err) {
    const missing = err instanceof ProcessError && err.kind === 'spawn';
    throw new SohoaError('pdf.build', 'Không tạo được tờ phân cách. Hãy báo kỹ thuật viên.',
      missing ? 'qrencode is not installed (Debian package qrencode)' : `qrencode: ${(err as Error).message}`, { cause: err });
  }
}

/** A one-page A4 PDF: two QR codes (either half of the sheet suffices) and what the sheet is for. */
export async function separatorSheetPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('Tờ phân cách văn bản — Sohoa');
  const font = await embedVietnameseFont(doc);
  const qr = await doc.embedPng(await qrPng(SEPARATOR_PAYLOAD));
  const page = doc.addPage([A4.width, A4.height]);
  const side = 70 * MM;
  for (const y of [A4.height - 30 * MM - side, 40 * MM]) page.drawImage(qr, { x: (A4.width - side) / 2, y, width: side, height: side });
  const lines: Array<[string, number]> = [
    ['TỜ PHÂN CÁCH VĂN BẢN', 26],
    ['Đặt tờ này giữa hai văn bản trong xấp giấy quét.', 13],
    ['Sohoa bắt đầu văn bản mới ở trang sau tờ này; tờ này không được lưu.', 13],
    ['In bằng giấy trắng, không thu nhỏ. Có thể dùng lại nhiều lần.', 11],
  ];
  let y = A4.height / 2 + 22 * MM;
  for (const [text, size] of lines) {
    const w = font.widthOfTextAtSize(text, size);
    page.drawText(text, { x: (A4.width - w) / 2, y, size, font, color: rgb(0, 0, 0) });
    y -= size * 2;
  }
  return doc.save();
}

/**
 * Pure: does zbarimg's output (`--raw`, one symbol per line) hold the separator? Only our own
 * payload counts: a QR code printed on a document (a link, a tax code) is not a separator.
 */
export function isSeparatorText(zbarOutput: string): boolean {
  return zbarOutput.split('\n').some((l) => l.trim() === SEPARATOR_PAYLOAD);
}

/** Is this scanned page a separator sheet? (zbarimg on the page image; ~0.2–1 s a page.) */
export async function isSeparatorPage(imagePath: string, timeoutMs = 20_000): Promise<boolean> {
  try {
    const { stdout } = await runProcess('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', imagePath], { timeoutMs });
    return isSeparatorText(stdout.toString('utf8'));
  } catch (err) {
    // exit status 4: no symbol found — an ordinary page
    if (err instanceof ProcessError && err.kind === 'exit' && err.exitCode === 4) return false;
    throw new SohoaError('ocr.engine', 'Không kiểm tra được tờ phân cách trên trang quét. Hãy báo kỹ thuật viên.',
      err instanceof ProcessError && err.kind === 'spawn' ? 'zbarimg is not installed (Debian package zbar-tools)' : `zbarimg: ${(err as Error).message}`, { cause: err });
  }
}
