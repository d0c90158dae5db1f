import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SohoaError } from '../errors.js';
import sharp from 'sharp';
import type { BBox, OcrEngine, OcrLine, OcrPage, RegionOptions } from './ocr.js';
import { Limiter } from './limiter.js';
import { span, record, now } from './profile.js';
import { preparePage, preparedGrey, fileGrey, MAX_PIXELS, type Grey } from './prepare-page.js';
import { linesFromTsv } from './tsv.js';
import { cropGrey, inkThreshold, tallestInk, whiten } from './region-crop.js';
import { linesFromHocr } from './hocr.js';
import { buildPage, clampRegion, offsetLines, PSM } from './ocr-page.js';
import { ProcessError, runProcess } from '../util/run-process.js';

// The installed `tesseract` CLI, one single-threaded process per core (OpenMP on 2 shared cores
// is 3-5x slower, platform-notes), TSV output parsed into the same OcrPage as tesseract.js.
// Every tesseract run has a time limit (a page's): a hung one is killed and fails that page.

/** Default limit of one tesseract run (a whole page, or a region of one): ~2 s a page here, 30x that under load. */
export const DEFAULT_PAGE_TIMEOUT_MS = 60_000;

export interface NativeEngineOptions {
  tessdataDir: string;
  processes: number;
  lang?: string;
  /** The tesseract binary (default `tesseract` from PATH). */
  command?: string;
  /** Time limit of one tesseract run, ms (config `ocr.pageTimeoutSeconds`); default DEFAULT_PAGE_TIMEOUT_MS. */
  pageTimeoutMs?: number;
  /** Niceness of each tesseract process (config `ocr.niceness`); default 0 (the caller's). */
  niceness?: number;
}

export interface TesseractRun {
  /** The tesseract binary (default `tesseract`). */
  command?: string;
  /** Time limit, ms (default DEFAULT_PAGE_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Scheduling niceness (run-process.ts). */
  niceness?: number;
}

/**
 * Runs the tesseract CLI single-threaded; `stdin` is fed to it when given (input file name
 * "stdin"). Rejects with SohoaError `ocr.engine` when it fails or runs past its time limit.
 */
export async function runTesseract(args: string[], tessdataDir: string, stdin?: Buffer, o: TesseractRun = {}): Promise<string> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS;
  try {
    const { stdout } = await runProcess(o.command ?? 'tesseract', [...args, '--tessdata-dir', tessdataDir], {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' }, stdin, timeoutMs, niceness: o.niceness,
    });
    return stdout.toString('utf8');
  } catch (err) {
    if (err instanceof ProcessError && err.timedOut) {
      throw new SohoaError('ocr.engine', `Nhận dạng chữ quá lâu (quá ${Math.round(timeoutMs / 1000)} giây) nên đã dừng. Hãy thử lại; nếu vẫn lỗi, báo kỹ thuật viên.`,
        err.message, { cause: err });
    }
    throw new SohoaError('ocr.engine', 'Bộ nhận dạng chữ gặp lỗi. Hãy thử quét lại trang này.', (err as Error).message, { cause: err });
  }
}

/** A whole grey raster as a binary PGM (header + the pixels, one copy). */
export function toPgm(g: Grey): Buffer {
  const head = Buffer.from(`P5\n${g.width} ${g.height}\n255\n`, 'latin1');
  return Buffer.concat([head, g.data], head.length + g.width * g.height);
}

export class NativeTesseractEngine implements OcrEngine {
  private readonly limiter: Limiter;
  private scratch: string | null = null;
  readonly readsPreparedGrey = true;
  private seq = 0;

  /** How each tesseract run is started and limited. */
  private readonly run: TesseractRun;

  constructor(private readonly opts: NativeEngineOptions) {
    this.limiter = new Limiter(opts.processes);
    this.run = { command: opts.command, timeoutMs: opts.pageTimeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS, niceness: opts.niceness };
  }

  async recognize(imagePath: string, o: { workDir?: string } = {}): Promise<OcrPage> {
    const workDir = o.workDir ?? (this.scratch ??= await mkdtemp(join(tmpdir(), 'sohoa-ocr-')));
    // decoded once to grey; the upright (despeckled when needed) raster goes to tesseract as a
    // PGM, and the upright image file (only for a turned page) is written alongside
    const prep = await preparePage(imagePath, workDir, { deferWrite: true });
    if (prep.blank) { await prep.written; return buildPage(prep, []); }
    const grey = preparedGrey(prep.imagePath) ?? this.grey(prep.imagePath);
    const tsv = await this.limiter.run(async () => {
      // a PGM file rather than tesseract's stdin: tesseract reads stdin a byte at a time (~0.1 s
      // a page); a written PGM is read at once and needs no decoding (a colour JPEG costs
      // tesseract ~0.5 s to decode and grey)
      // (a grey page as scanned, whose raster is the file's own pixels, is read from its file)
      const own = fileGrey(prep.imagePath) !== undefined;
      const pgmPath = own ? prep.imagePath : join(workDir, `ocr-${++this.seq}-${process.pid}.pgm`);
      if (!own) await writeFile(pgmPath, toPgm(await grey));
      try {
        return await span('tesseract.run', () => runTesseract([pgmPath, 'stdout', '-l', this.opts.lang ?? 'vie', '--psm', '3', '--dpi', String(prep.dpi), 'tsv'], this.opts.tessdataDir, undefined, this.run), 'whole page');
      } finally { if (!own) await rm(pgmPath, { force: true }); }
    }).catch((err: unknown) => {
      if (err instanceof SohoaError) throw new SohoaError(err.code, err.vi, `${imagePath}: ${err.message}`, { cause: err });
      throw new SohoaError('ocr.engine', 'Bộ nhận dạng chữ gặp lỗi. Hãy thử quét lại trang này.', `${imagePath}: ${(err as Error).message}`, { cause: err });
    });
    await prep.written;
    return buildPage(prep, linesFromTsv(tsv));
  }

  async recognizeRegion(page: OcrPage, region: BBox, o: RegionOptions = {}): Promise<OcrLine[]> {
    const r = clampRegion(page, region);
    if (!r) return [];
    const psm = PSM[o.layout ?? 'sparse'];
    const img = await span('engine.greyDecode', () => this.grey(page.imagePath));
    // the crop goes to tesseract's stdin as an uncompressed PGM, cut from the page decoded once:
    // no PNG to encode or decode again, no temp file
    // (cut once a process is free, as a queued band read should not hold its copy; cut at once
    // when what is left decides whether to read at all)
    let crop: Grey | null = null;
    if (o.known?.length) {
      crop = cropGrey(img, r);
      const threshold = inkThreshold(crop);
      if (threshold === null) return []; // no ink at all
      whiten(crop, r, o.known, Math.max(2, page.dpi / 100));
      if (o.minInkHeight && tallestInk(crop, threshold, Math.max(3, Math.round(page.dpi / 50))) < o.minInkHeight) {
        record('reread.skippedNoInk', now(), now(), `psm ${psm} h ${r.y1 - r.y0}`);
        return [];
      }
    }
    const queued = now();
    const tsv = await this.limiter.run(() => {
      const started = now();
      record('tesseract.wait', queued, started, `psm ${psm} h ${r.y1 - r.y0}`);
      const out = o.alternatives ? ['-c', 'lstm_choice_mode=2', 'hocr'] : ['tsv'];
      const c = crop ?? cropGrey(img, r);
      crop = null;
      return span('tesseract.run', () => runTesseract(['stdin', 'stdout', '-l', this.opts.lang ?? 'vie', '--psm', psm, '--dpi', String(page.dpi), ...out], this.opts.tessdataDir, toPgm(c), this.run), `psm ${psm} ${c.width}x${c.height} p${o.priority ?? 0}${o.known?.length ? ' masked' : ''}`);
    }, o.priority ?? 0);
    return offsetLines(o.alternatives ? linesFromHocr(tsv) : linesFromTsv(tsv), r.x0, r.y0);
  }

  /** The last few page images decoded to grey, shared by the bands and re-reads of a page. */
  private readonly decoded = new Map<string, Promise<{ data: Buffer; width: number; height: number }>>();

  private grey(path: string): Promise<Grey> {
    const prepared = preparedGrey(path); // decoded (turned, despeckled) by preparePage already
    if (prepared) return prepared;
    let d = this.decoded.get(path);
    if (!d) {
      d = sharp(path, { limitInputPixels: MAX_PIXELS }).removeAlpha().greyscale().raw().toBuffer({ resolveWithObject: true })
        .then(({ data, info }) => { if (info.channels !== 1) throw new Error(`${path}: ${info.channels} channels after greyscale`); return { data, width: info.width, height: info.height }; });
      d.catch(() => this.decoded.delete(path));
      this.decoded.set(path, d);
      while (this.decoded.size > 3) this.decoded.delete(this.decoded.keys().next().value!);
    }
    return d;
  }

  async close(): Promise<void> {
    this.decoded.clear();
    if (this.scratch) await rm(this.scratch, { recursive: true, force: true });
    this.scratch = null;
  }
}
