import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { embedVietnameseFont } from '../../appliance/pdf/fonts.js';

// The text the appliance writes into its own PDFs (the printed books, statistics, separator sheet,
// the signature's appearance) reads back as written — in every document the process makes, not
// only the first: pdftotext sees the ToUnicode map a search or a copy uses.

const run = promisify(execFile);
const dir = await mkdtemp(join(tmpdir(), 'sohoa-pdffont-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function roundTrip(name: string, text: string): Promise<string> {
  const doc = await PDFDocument.create();
  const font = await embedVietnameseFont(doc);
  doc.addPage().drawText(text, { x: 20, y: 700, size: 12, font });
  const file = join(dir, `${name}.pdf`);
  await writeFile(file, await doc.save());
  return (await run('pdftotext', [file, '-'], { timeout: 20_000 })).stdout.trim();
}

describe('Vietnamese text in the PDFs the appliance writes', () => {
  it('reads back whole in each of several documents made one after another', async () => {
    const texts = ['Chữ ký số của cơ quan: Ủy ban nhân dân', 'Ngày tháng, tên loại: Kon Tum, huyện Ơ Y', 'Sổ đăng ký văn bản đi — Đơn vị, người nhận bản lưu'];
    for (const [i, text] of texts.entries()) expect(await roundTrip(`doc${i}`, text)).toBe(text);
  });
});
