import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SohoaError } from '../errors.js';
import sharp from 'sharp';
import type { BBox, OcrEngine, OcrLine, OcrPage, RegionOptions } from './ocr.js';
import { Limiter } from './limiter.js';
import { preparePage, MAX_PIXELS } from './prepare-page.js';
import { linesFromTsv } from './tsv.js';
import { buildPage, clampRegion, offsetLines } from './ocr-page.js';

// The installed `tesseract` CLI, one single-threaded process per core (OpenMP on 2 shared cores
// is 3-5x slower, platform-notes), TSV output parsed into the same OcrPage as tesseract.js.

export interface NativeEngineOptions { tessdataDir: string; processes: number; lang?: string }

/** Runs the tesseract CLI single-threaded; `stdin` is fed to it when given (input file name "stdin"). */
export function runTesseract(args: string[], tessdataDir: string, stdin?: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('tesseract', [...args, '--tessdata-dir', tessdataDir], {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' }, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    if (stdin) { child.stdin!.on('error', () => { /* reported by close */ }); child.stdin!.end(stdin); }
    const out: Buffer[] = []; const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
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

  async recognizeRegion(page: OcrPage, region: BBox, o: RegionOptions = {}): Promise<OcrLine[]> {
    const r = clampRegion(page, region);
    if (!r) return [];
    const psm = o.layout === 'page' ? '3' : '11';
    const tsv = await this.limiter.run(async () => {
      // the crop goes to tesseract's stdin as an uncompressed PGM: no PNG to encode, no temp file
      const { data, info } = await sharp(page.imagePath, { limitInputPixels: MAX_PIXELS })
        .extract({ left: r.x0, top: r.y0, width: r.x1 - r.x0, height: r.y1 - r.y0 })
        .greyscale().raw().toBuffer({ resolveWithObject: true });
      const pgm = Buffer.concat([Buffer.from(`P5\n${info.width} ${info.height}\n255\n`, 'latin1'), data]);
      return runTesseract(['stdin', 'stdout', '-l', this.opts.lang ?? 'vie', '--psm', psm, '--dpi', String(page.dpi), 'tsv'], this.opts.tessdataDir, pgm);
    }, o.priority ?? 0);
    return offsetLines(linesFromTsv(tsv), r.x0, r.y0);
  }

  async close(): Promise<void> {
    if (this.scratch) await rm(this.scratch, { recursive: true, force: true });
    this.scratch = null;
  }
}
