import { createWorker, type Worker } from 'tesseract.js';
import type Tesseract from 'tesseract.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SohoaError } from '../errors.js';
import type { BBox, OcrEngine, OcrLine, OcrPage, RegionOptions } from './ocr.js';
import { preparePage } from './prepare-page.js';
import { buildPage, clampRegion, PSM } from './ocr-page.js';

// tesseract.js (WebAssembly) worker pool: the engine that always works, with the trained data
// installed with the project — a local langPath and no cache, so nothing is ever downloaded.

export interface TesseractJsOptions {
  /** Folder holding vie.traineddata (gzip: false) or vie.traineddata.gz (gzip: true). */
  langPath: string;
  gzip: boolean;
  workers: number;
}

export class TesseractJsEngine implements OcrEngine {
  private workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<{ priority: number; take: (w: Worker) => void }> = [];
  private scratch: string | null = null;

  constructor(private readonly opts: TesseractJsOptions) {}

  async start(): Promise<void> {
    try {
      this.workers = await Promise.all(Array.from({ length: this.opts.workers }, () =>
        createWorker('vie', 1 /* LSTM only */, { langPath: this.opts.langPath, gzip: this.opts.gzip, cacheMethod: 'none' })));
    } catch (err) {
      throw new SohoaError('ocr.engine', 'Không khởi động được bộ nhận dạng chữ. Hãy báo kỹ thuật viên.',
        `tesseract.js workers failed to start with langPath ${this.opts.langPath}: ${(err as Error)?.message ?? err}`, { cause: err });
    }
    this.idle.push(...this.workers);
  }

  private starting: Promise<void> | null = null;

  private async acquire(priority = 0): Promise<Worker> {
    if (!this.workers.length) await (this.starting ??= this.start().finally(() => { this.starting = null; }));
    return this.idle.pop() ?? new Promise<Worker>((take) => {
      const at = this.waiting.findIndex((o) => o.priority > priority); // lower priority value first
      this.waiting.splice(at < 0 ? this.waiting.length : at, 0, { priority, take });
    });
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next.take(w); else this.idle.push(w);
  }

  async recognize(imagePath: string, o: { workDir?: string } = {}): Promise<OcrPage> {
    const workDir = o.workDir ?? (this.scratch ??= await mkdtemp(join(tmpdir(), 'sohoa-ocr-')));
    const prep = await preparePage(imagePath, workDir);
    if (prep.blank) return buildPage(prep, []);
    const worker = await this.acquire();
    try {
      await worker.setParameters({ tessedit_pageseg_mode: '3' as never, user_defined_dpi: String(prep.dpi) });
      const { data } = await worker.recognize(prep.imagePath, {}, { blocks: true, text: false });
      return buildPage(prep, linesOf(data.blocks));
    } catch (err) {
      throw new SohoaError('ocr.engine', 'Bộ nhận dạng chữ gặp lỗi. Hãy thử quét lại trang này.', `${imagePath}: ${(err as Error)?.message ?? err}`, { cause: err });
    } finally {
      this.release(worker);
    }
  }

  async recognizeRegion(page: OcrPage, region: BBox, o: RegionOptions = {}): Promise<OcrLine[]> {
    const r = clampRegion(page, region);
    if (!r) return [];
    const worker = await this.acquire(o.priority ?? 0);
    try {
      await worker.setParameters({ tessedit_pageseg_mode: PSM[o.layout ?? 'sparse'] as never, user_defined_dpi: String(page.dpi) });
      const { data } = await worker.recognize(page.imagePath, { rectangle: { left: r.x0, top: r.y0, width: r.x1 - r.x0, height: r.y1 - r.y0 } }, { blocks: true, text: false });
      return linesOf(data.blocks);
    } finally {
      this.release(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = []; this.idle.length = 0;
    if (this.scratch) await rm(this.scratch, { recursive: true, force: true });
    this.scratch = null;
  }
}

function linesOf(blocks: Tesseract.Block[] | null): OcrLine[] {
  return (blocks ?? []).flatMap((b) => b.paragraphs.flatMap((p) => p.lines.map((l) => ({
    text: l.text.replace(/\n$/, ''),
    confidence: l.confidence,
    bbox: l.bbox,
    words: l.words.map((w) => ({ text: w.text, confidence: w.confidence, bbox: w.bbox })),
  }))));
}
