import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SohoaError } from '../errors.js';
import sharp from 'sharp';
import type { BBox, OcrEngine, OcrLine, OcrPage } from './ocr.js';
import { Limiter } from './limiter.js';
import { preparePage, MAX_PIXELS } from './prepare-page.js';
import { linesFromTsv } from './tsv.js';
import { buildPage, clampRegion, offsetLines } from './ocr-page.js';

// The installed `tesseract` CLI, one single-threaded process per core (OpenMP on 2 shared cores
// is 3-5x slower, platform-notes), TSV output parsed into the same OcrPage as tesseract.js.

export interface NativeEngineOptions { tessdataDir: string; processes: number; lang?: string }

export function runTesseract(args: string[], tessdataDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('tesseract', [...args, '--tessdata-dir', tessdataDir], {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = []; const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`tesseract exited ${code}: ${Buffer.concat(err).toString('utf8').trim().split('\n').pop()}`));
    });
  });
}

export class NativeTesseractEngine implements OcrEngine {
  private readonly limiter: Limiter;
  private scratch: string | null = null;
  private regions = 0;

  constructor(private readonly opts: NativeEngineOptions) {
    this.limiter = new Limiter(opts.processes);
  }

  async recognize(imagePath: string, o: { workDir?: string } = {}): Promise<OcrPage> {
    const workDir = o.workDir ?? (this.scratch ??= await mkdtemp(join(tmpdir(), 'sohoa-ocr-')));
    const prep = await preparePage(imagePath, workDir);
    if (prep.blank) return buildPage(prep, []);
    const tsv = await this.limiter.run(() =>
      runTesseract([prep.imagePath, 'stdout', '-l', this.opts.lang ?? 'vie', '--psm', '3', '--dpi', String(prep.dpi), 'tsv'], this.opts.tessdataDir),
    ).catch((err: unknown) => {
      throw new SohoaError('ocr.engine', 'Bộ nhận dạng chữ gặp lỗi. Hãy thử quét lại trang này.', `${imagePath}: ${(err as Error).message}`, { cause: err });
    });
    return buildPage(prep, linesFromTsv(tsv));
  }

  async recognizeRegion(page: OcrPage, region: BBox): Promise<OcrLine[]> {
    const r = clampRegion(page, region);
    if (!r) return [];
    const dir = this.scratch ??= await mkdtemp(join(tmpdir(), 'sohoa-ocr-'));
    const crop = join(dir, `region-${process.pid}-${++this.regions}.png`);
    try {
      await sharp(page.imagePath, { limitInputPixels: MAX_PIXELS }).extract({ left: r.x0, top: r.y0, width: r.x1 - r.x0, height: r.y1 - r.y0 })
        .greyscale().png({ compressionLevel: 1 }).toFile(crop);
      const tsv = await this.limiter.run(() => runTesseract([crop, 'stdout', '-l', this.opts.lang ?? 'vie', '--psm', '11', '--dpi', String(page.dpi), 'tsv'], this.opts.tessdataDir));
      return offsetLines(linesFromTsv(tsv), r.x0, r.y0);
    } finally {
      await rm(crop, { force: true });
    }
  }

  async close(): Promise<void> {
    if (this.scratch) await rm(this.scratch, { recursive: true, force: true });
    this.scratch = null;
  }
}
