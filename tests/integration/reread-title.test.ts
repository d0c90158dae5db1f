import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { NativeTesseractEngine } from '../../appliance/ocr/native-engine.js';
import { DEBIAN_TESSDATA } from '../../appliance/ocr/create-engine.js';
import { rereadSignerName } from '../../appliance/extract/reread.js';
import { extractFields } from '../../appliance/extract/extract-fields.js';
import { profileStart, profileStop } from '../../appliance/ocr/profile.js';
import type { OcrPage } from '../../appliance/ocr/ocr.js';

// The title of the signature block lost a word at one end in the first read ("Q." of "Q. CHỦ
// TỊCH", held-out set 1341): the rest still reads as a known title, so only its place tells. The
// lines of the block are centred on one axis; a title off the authority line's axis is read again
// on its own and the new read taken when it sits on the axis. Real tesseract on a drawn page.

let dir: string;
let image: string;
const engine = new NativeTesseractEngine({ tessdataDir: DEBIAN_TESSDATA, processes: 2 });
const W = 2480; const H = 3508;

/** An A4 page at 300 dpi: a last body line, "Nơi nhận" and its list, and the signature block centred at x = 1795. */
async function drawPage(title: string): Promise<string> {
  const text = (x: number, y: number, s: string, o: { bold?: boolean; italic?: boolean; anchor?: string; size?: number } = {}) =>
    `<text x="${x}" y="${y}" font-family="DejaVu Serif" font-size="${o.size ?? 42}"${o.bold ? ' font-weight="bold"' : ''}${o.italic ? ' font-style="italic"' : ''} text-anchor="${o.anchor ?? 'start'}">${s}</text>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="${W}" height="${H}" fill="white"/>
    ${text(350, 1900, 'Ủy ban nhân dân huyện đề nghị các cơ quan phối hợp thực hiện./.')}
    ${text(350, 2020, 'Nơi nhận:', { bold: true, italic: true, size: 36 })}
    ${text(350, 2080, '- Như trên;', { size: 32 })}
    ${text(350, 2130, '- Lưu: VT, VP.', { size: 32 })}
    ${text(1795, 2020, 'TM. ỦY BAN NHÂN DÂN', { bold: true, anchor: 'middle' })}
    ${text(1795, 2090, title, { bold: true, anchor: 'middle' })}
    ${text(1795, 2500, 'Võ Mỹ Quỳnh', { bold: true, anchor: 'middle' })}</svg>`;
  const out = join(dir, `page-${title.length}.png`);
  await sharp(Buffer.from(svg)).greyscale().png().toFile(out);
  return out;
}

async function tesseractRuns<T>(fn: () => Promise<T>): Promise<{ value: T; runs: number }> {
  profileStart();
  try {
    const value = await fn();
    return { value, runs: profileStop().filter((s) => s.stage === 'tesseract.run').length };
  } finally { profileStop(); }
}

/** The page without the title's "Q." (the word right of the page's middle that reads "Q."), as the held-out page's first read lost it. */
function withoutActing(page: OcrPage): OcrPage {
  const acting = (w: OcrPage['lines'][number]['words'][number]) => /^Q\.?$/u.test(w.text) && w.bbox.x0 > W / 2;
  return { ...page, lines: page.lines.map((l) => {
    const words = l.words.filter((w) => !acting(w));
    return words.length === l.words.length ? l : { ...l, words, text: words.map((w) => w.text).join(' ') };
  }) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-reread-title-'));
  image = await drawPage('Q. CHỦ TỊCH');
});
afterAll(async () => { await engine.close(); await rm(dir, { recursive: true, force: true }); });

describe('a title that lost a word at one end', () => {
  it('is read again when it sits off the authority line\'s axis, and the word comes back', async () => {
    const page = await engine.recognize(image, { workDir: dir });
    expect(extractFields([page]).signerTitle).toBe('Q. CHỦ TỊCH');
    // the first read as on the held-out page: "Q." lost, "CHỦ TỊCH" left, off the axis by half its width
    const lost = withoutActing(page);
    expect(lost.lines.flatMap((l) => l.words).length).toBe(page.lines.flatMap((l) => l.words).length - 1);
    expect(extractFields([lost]).signerTitle).toBe('CHỦ TỊCH');
    const { value, runs } = await tesseractRuns(() => rereadSignerName(engine, lost));
    expect(runs).toBeGreaterThan(0);
    expect(extractFields([value]).signerTitle).toBe('Q. CHỦ TỊCH');
  });

  it('a known title on the axis is not read again', async () => {
    const page = await engine.recognize(image, { workDir: dir });
    const { value, runs } = await tesseractRuns(() => rereadSignerName(engine, page));
    expect(runs).toBe(0);
    expect(extractFields([value]).signerTitle).toBe('Q. CHỦ TỊCH');
  });
});
