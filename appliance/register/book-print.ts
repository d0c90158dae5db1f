import { ProcessError, runProcess } from '../util/run-process.js';
import { SohoaError } from '../errors.js';

// "In sổ" on the kiosk: the printed book (book-pdf.ts) handed to CUPS with `lp` (Debian
// cups-client), on the default printer. Where CUPS is not installed or has no printer, the clerk is
// told so in plain words; the book can still be shown on screen and saved to a USB drive.

export interface PrintResult {
  /** What `lp` answered ("request id is …"). */
  job: string;
}

const LP_TIMEOUT_MS = 30_000;

export async function printPdf(pdf: Uint8Array, title: string, command = 'lp'): Promise<PrintResult> {
  try {
    const { stdout } = await runProcess(command, ['-t', title, '-o', 'landscape', '-o', 'media=A4'], { timeoutMs: LP_TIMEOUT_MS, stdin: Buffer.from(pdf) });
    return { job: stdout.toString('utf8').trim() };
  } catch (err) {
    if (err instanceof ProcessError && err.kind === 'spawn') {
      throw new SohoaError('print.unavailable', 'Máy này chưa cài phần mềm in (CUPS) nên chưa in trực tiếp được. Hãy xem sổ trên màn hình hoặc xuất ra USB để in ở máy khác, và báo kỹ thuật viên cài máy in.', `${command}: ${err.message}`, { cause: err });
    }
    const detail = err instanceof ProcessError ? `${command}: ${err.message} ${err.stderr}` : String(err);
    throw new SohoaError('print.unavailable', 'Chưa in được: máy in chưa sẵn sàng hoặc chưa được cài đặt. Hãy kiểm tra máy in (bật, có giấy) hoặc báo kỹ thuật viên.', detail, { cause: err });
  }
}
