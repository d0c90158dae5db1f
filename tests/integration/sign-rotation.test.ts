import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { degrees, PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPdf } from '../../appliance/sign/sign-pdf.js';
import { softwareSigner } from '../../appliance/sign/signer.js';
import { makeTestPki, type TestPki } from '../fixtures/sign/test-pki.js';

// The seal on a first page with /Rotate: rendered the way a viewer shows it (pdftoppm applies
// /Rotate; -cropbox shows what a viewer shows), the red seal and its text sit upright at the top right of the page, and the
// signature stays valid.

const run = promisify(execFile);
const DPI = 50;
const MM = DPI / 25.4; // pixels per millimetre in the rendering

let pki: TestPki;
let work: string;
let seal: Uint8Array;

interface Rendered { width: number; height: number; red: (x: number, y: number) => boolean }

async function makePdf(rotation: number, cropOffset = 0): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595.28, 841.89]);
  if (cropOffset) {
    page.setMediaBox(-cropOffset, -cropOffset, 595.28 + 2 * cropOffset, 841.89 + 2 * cropOffset);
    page.setCropBox(cropOffset / 2, cropOffset / 3, 595.28 - cropOffset, 841.89 - cropOffset);
  }
  page.drawText('Van ban den - trang xoay', { x: 72, y: 700, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  page.setRotation(degrees(rotation));
  return doc.save({ useObjectStreams: false });
}

async function render(file: string): Promise<Rendered> {
  const base = file.replace(/\.pdf$/, '');
  await run('pdftoppm', ['-cropbox', '-r', String(DPI), '-png', '-singlefile', '-f', '1', '-l', '1', file, base]);
  const { data, info } = await sharp(`${base}.png`).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const red = (x: number, y: number) => {
    const i = (y * info.width + x) * info.channels;
    return data[i]! > 140 && data[i + 1]! < 110 && data[i + 2]! < 110;
  };
  return { width: info.width, height: info.height, red };
}

function redBox(r: Rendered): { n: number; inTopRight: number; x0: number; y0: number; x1: number; y1: number } {
  let n = 0;
  let inTopRight = 0;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      if (!r.red(x, y)) continue;
      n++;
      if (x >= r.width / 2 && y < r.height / 2) inTopRight++;
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
    }
  }
  return { n, inTopRight, x0, y0, x1, y1 };
}

/** Whether any red pixel lies in rows [ya, yb] within columns [xa, xb]. */
function anyRed(r: Rendered, xa: number, xb: number, ya: number, yb: number): boolean {
  for (let y = ya; y <= yb; y++) for (let x = xa; x <= xb; x++) if (r.red(x, y)) return true;
  return false;
}

beforeAll(async () => {
  pki = await makeTestPki();
  work = await mkdtemp(join(tmpdir(), 'sohoa-sign-rotation-'));
  seal = new Uint8Array(await sharp({ create: { width: 400, height: 400, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([{ input: Buffer.from('<svg width="400" height="400"><circle cx="200" cy="200" r="185" fill="none" stroke="red" stroke-width="24"/></svg>') }])
    .png().toBuffer());
});
afterAll(async () => {
  await pki?.cleanup();
  await rm(work, { recursive: true, force: true });
});

describe('seal on a rotated first page', () => {
  const cases: { rotation: number; cropOffset?: number }[] = [
    { rotation: 0 }, { rotation: 90 }, { rotation: 180 }, { rotation: 270 }, { rotation: -90 }, { rotation: 90, cropOffset: 60 },
  ];
  for (const { rotation, cropOffset } of cases) {
    it(`/Rotate ${rotation}${cropOffset ? ' with an offset CropBox' : ''}: upright at the top right as displayed, signature valid`, async () => {
      const signer = softwareSigner(pki.rsa.keyPem, pki.rsa.certDer, [pki.caDer]);
      const res = await signPdf(await makePdf(rotation, cropOffset), signer, {
        agencyName: 'VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH (KIỂM THỬ)', sealPng: seal, time: new Date(), appearance: 'seal', trustAnchors: [pki.caDer],
      });
      const file = join(work, `rot${rotation}${cropOffset ? 'c' : ''}.pdf`);
      await writeFile(file, res.pdf);

      const sig = await run('pdfsig', ['-nssdir', `sql:${pki.nssDir}`, file]).catch((e: { stdout: string; stderr: string }) => e);
      expect(sig.stdout + sig.stderr).toContain('Signature is Valid');

      const r = await render(file);
      const sideways = Math.abs(rotation) % 180 === 90;
      expect(r.width > r.height).toBe(sideways); // pdftoppm did apply /Rotate
      const b = redBox(r);
      expect(b.n).toBeGreaterThan(300);
      expect(b.inTopRight).toBe(b.n); // every red pixel in the top-right quadrant
      // 10 mm from the right edge, 8 mm from the top, as on an unrotated page.
      expect(Math.abs(r.width - 1 - b.x1 - 10 * MM)).toBeLessThan(3 * MM);
      expect(Math.abs(b.y0 - 8 * MM)).toBeLessThan(3 * MM);

      // Upright: wider than tall (text beside the seal, not above it), and the seal's ring at the
      // right end spans the full height while the text on the left is vertically centred.
      const [w, h] = [b.x1 - b.x0 + 1, b.y1 - b.y0 + 1];
      expect(w).toBeGreaterThan(1.8 * h);
      const ringLeft = b.x1 - Math.round(0.4 * w);
      expect(anyRed(r, ringLeft, b.x1, b.y0, b.y0 + 1)).toBe(true);
      expect(anyRed(r, ringLeft, b.x1, b.y1 - 1, b.y1)).toBe(true);
      const textRight = b.x0 + Math.round(0.5 * w);
      expect(anyRed(r, b.x0, textRight, b.y0, b.y0 + Math.round(0.15 * h))).toBe(false);
      expect(anyRed(r, b.x0, textRight, b.y1 - Math.round(0.15 * h), b.y1)).toBe(false);
      expect(anyRed(r, b.x0, b.x0 + 2, b.y0, b.y1)).toBe(true); // the text starts at the left edge
    });
  }
});
