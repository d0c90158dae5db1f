import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import { VIETNAMESE_FONT_PATH } from '../../appliance/pdf/fonts.js';
import type { DevToken } from './dev-token.js';

// A born-digital công văn as another agency sends it: real Vietnamese text (a text layer, no
// scan), Decree 30 layout, signed with the SoftHSM development token by the built `sohoa sign`.

const BIN = fileURLToPath(new URL('../../bin/sohoa.js', import.meta.url));

export const BORN_DIGITAL = { numberNotation: '1234/STC-VP', date: '2024-03-15', issuer: 'SỞ TÀI CHÍNH' };

export async function bornDigitalPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(await readFile(VIETNAMESE_FONT_PATH), { subset: true });
  const page = doc.addPage([595, 842]);
  const put = (text: string, x: number, y: number, size = 11) => page.drawText(text, { x, y: 842 - y, size, font, color: rgb(0, 0, 0) });
  put('UBND TỈNH LÀO CAI', 70, 60); put('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 300, 60);
  put('SỞ TÀI CHÍNH', 85, 76); put('Độc lập - Tự do - Hạnh phúc', 345, 76);
  put('Số: 1234/STC-VP', 75, 110); put('Lào Cai, ngày 15 tháng 3 năm 2024', 330, 110);
  put('V/v triển khai số hoá văn bản đến tại bộ phận văn thư', 60, 130, 10);
  put('Kính gửi: Văn phòng Ủy ban nhân dân tỉnh Lào Cai', 150, 170);
  const body = [
    'Thực hiện Quyết định số 48/2017/QĐ-UBND ngày 29 tháng 12 năm 2017 của Ủy ban nhân dân',
    'tỉnh về quy chế quản lý văn bản điện tử, Sở Tài chính đề nghị Văn phòng phối hợp triển khai',
    'việc số hoá văn bản đến tại bộ phận văn thư, bảo đảm văn bản được đăng ký trong ngày.',
    'Đề nghị Văn phòng quan tâm, phối hợp thực hiện./.',
  ];
  body.forEach((l, i) => put(l, 60, 210 + i * 18));
  put('Nơi nhận:', 60, 320, 10); put('KT. GIÁM ĐỐC', 390, 320);
  put('- Như trên;', 60, 334, 9); put('PHÓ GIÁM ĐỐC', 388, 336);
  put('- Lưu: VT.', 60, 346, 9); put('Nguyễn Văn An', 390, 400);
  return doc.save({ useObjectStreams: false });
}

/** Signs `input` into `output` with the development token through the built CLI. */
export async function signWithDevToken(dev: DevToken, work: string, input: string, output: string): Promise<void> {
  const config = join(work, 'sign-config.json');
  await writeFile(config, JSON.stringify({ dataDir: work }));
  await promisify(execFile)('node', [BIN, 'sign', input, '--out', output, '--module', dev.module, '--token', dev.label,
    '--chain', join(dev.dir, 'chain.pem'), '--trust', join(dev.dir, 'ca.pem'), '--seal', dev.sealPath], {
    env: { ...process.env, ...dev.env, SOHOA_CONFIG: config, SOHOA_TOKEN_PIN: dev.pin }, timeout: 120_000, killSignal: 'SIGKILL',
  });
}
