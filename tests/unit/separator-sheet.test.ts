import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { isSeparatorPage, isSeparatorText, SEPARATOR_PAYLOAD } from '../../appliance/pages/separator.js';
import { projectPath } from '../../appliance/config/paths.js';

// The printable separator sheet through a scan's eyes: `sohoa separator-sheet` → pdftoppm at
// 200 dpi (as a scanner would see the printed page) → zbarimg finds it, turned or not; an
// ordinary page is not a separator.

const exec = promisify(execFile);
let dir: string;
let scanned: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-separator-'));
  const pdf = join(dir, 'sheet.pdf');
  const { stdout } = await exec(process.execPath, [projectPath('bin', 'sohoa.js'), 'separator-sheet', '--out', pdf], { timeout: 60_000 });
  expect(stdout.trim()).toBe(pdf);
  await exec('pdftoppm', ['-r', '200', '-gray', '-png', '-singlefile', pdf, join(dir, 'sheet')], { timeout: 60_000 });
  scanned = join(dir, 'sheet.png');
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('separator sheet', () => {
  it('is a one-page PDF', async () => {
    const doc = await PDFDocument.load(await readFile(join(dir, 'sheet.pdf')));
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]); // A4
  });

  it('is found on its scan, upright or upside down, as a grey JPEG', async () => {
    expect(await isSeparatorPage(scanned)).toBe(true);
    const turned = join(dir, 'turned.jpg');
    await sharp(scanned).rotate(180).blur(0.8).jpeg({ quality: 50 }).toFile(turned);
    expect(await isSeparatorPage(turned)).toBe(true);
  });

  it('an ordinary page is not a separator', async () => {
    expect(await isSeparatorPage(join(projectPath('provisioning', 'demo-pages'), 'doc-024', 'page-1.png'))).toBe(false);
  });

  it('only our own payload counts (a QR code printed on a document is not a separator)', () => {
    expect(isSeparatorText(`https://dichvucong.gov.vn/x\n${SEPARATOR_PAYLOAD}\n`)).toBe(true);
    expect(isSeparatorText('https://dichvucong.gov.vn/x\n')).toBe(false);
  });
});
