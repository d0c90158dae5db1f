import { mkdir } from 'node:fs/promises';
import { PRIVATE_DIR } from '../store/atomic-write.js';
import { SohoaError, toErrorInfo } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { ExtractionResult } from '../extract/fields.js';
import type { OcrEngine, OcrPage } from '../ocr/ocr.js';
import type { JobPage } from './job-pages.js';
import type { JobRecord, JobRecords } from './job-records.js';
import type { ExtractFn, ReadFieldsFirstFn } from './ports.js';

// Reading a job's pages: OCR page by page (each failure named, logged and said on the desk from
// the moment it happens), then the fields extracted into the job (extracting → review, or →
// failed with the pages kept). A one-page job is read fields first, its whole page a moment
// later. Separate from the scanner run and the batch split, which both hand their pages here.

/** What ExtractFn gives: the fields and the refined pages. */
export type ExtractedPages = Awaited<ReturnType<ExtractFn>>;

export class PageReader {
  /** Jobs whose fields are out but whose page is still being read whole (for the PDF's text). */
  private readonly reading = new Map<string, Promise<void>>();

  constructor(private readonly deps: {
    records: JobRecords;
    ocr: OcrEngine;
    extract: ExtractFn;
    readFieldsFirst: ReadFieldsFirstFn;
    bus: EventBus;
    log: Logger;
    /** The job the scanner is feeding now, if any (a page failure is said at once only then). */
    scanningJob: () => string | null;
  }) {}

  /** Settles once the job's page has been read whole after its fields (or at once when it is not being read). */
  wholeReadDone(jobId: string): Promise<void> | undefined {
    return this.reading.get(jobId)?.catch(() => undefined);
  }

  /**
   * Every page's OCR: waits for a page still being read after its fields came out; reads the
   * pages again when a restart cut that read short.
   */
  async wholeOcr(rec: JobRecord): Promise<OcrPage[]> {
    await this.wholeReadDone(rec.view.jobId);
    if (rec.ocr.length !== rec.pages.length) {
      // (for the PDF of a registered document: the filing queue reports a failure as "Ký lỗi")
      rec.ocr = await Promise.all(rec.pages.map((p) => this.ocrPage(rec, p).catch((err: unknown) => { throw pageError(p.index, err, false); })));
      await this.deps.records.save(rec);
    }
    return rec.ocr;
  }

  private async ocrPage(rec: JobRecord, page: { path: string; blank: boolean }): Promise<OcrPage> {
    const workDir = this.deps.records.workDir(rec.view.jobId);
    await mkdir(workDir, { recursive: true, mode: PRIVATE_DIR });
    const started = performance.now();
    const ocr = await this.deps.ocr.recognize(page.path, { workDir });
    this.deps.bus.emit('ocr.page', { jobId: rec.view.jobId, ms: performance.now() - started });
    return page.blank ? { ...ocr, blank: true } : ocr;
  }

  /**
   * A page's OCR with its failure handled from the moment it starts: the failure names the page,
   * goes to the log and, while the scanner still feeds, to the desk at once; the promise still
   * rejects for whoever waits on the page (the job then ends `failed`, its pages kept: "Quét
   * tiếp" reads them again, or the clerk discards it).
   */
  readPage(rec: JobRecord, page: JobPage): Promise<OcrPage> {
    const ocr = this.ocrPage(rec, page).catch((err: unknown) => { throw pageError(page.index, err); });
    ocr.catch((err: unknown) => this.pageFailed(rec, page.index, err));
    return ocr;
  }

  private pageFailed(rec: JobRecord, page: number, err: unknown): void {
    const { jobId } = rec.view;
    const error = toErrorInfo(err);
    this.deps.log.error({ jobId, page, err: error }, 'page OCR failed: the job keeps its pages');
    // after the scan, the job's own failure (extractInto) tells the desk; while it scans, this does
    if (this.deps.scanningJob() !== jobId || this.deps.records.get(jobId) !== rec) return;
    rec.view.error ??= error;
    this.deps.bus.emit('job.failed', { jobId, error });
  }

  /** extracting → review with the fields `work` gives (saved, announced), or → failed with its error. */
  private async extractInto(rec: JobRecord, work: () => Promise<ExtractionResult>): Promise<void> {
    const { records } = this.deps;
    const { jobId } = rec.view;
    rec.view = { ...rec.view, state: 'extracting' };
    await records.save(rec);
    try {
      const result = await work();
      if (records.get(jobId) !== rec) return; // discarded meanwhile: its file stays deleted
      rec.view = { ...rec.view, state: 'review', result };
      await records.save(rec);
      this.deps.bus.emit('job.extracted', { jobId, result });
    } catch (err) {
      const error = toErrorInfo(err);
      this.deps.log.warn({ jobId, err: error }, 'fields not extracted: the job keeps its pages');
      if (records.get(jobId) !== rec) return;
      rec.view = { ...rec.view, state: 'failed', error };
      await records.save(rec);
      this.deps.bus.emit('job.failed', { jobId, error });
    }
  }

  /**
   * The fields of pages not yet in a job (a batch's document, read while the stack is still being
   * scanned): blank pages left out, as `recognise` does. Re-reads use the pages' own images.
   */
  extractAhead(pages: OcrPage[]): Promise<ExtractedPages> {
    return this.deps.extract(pages.filter((p) => !p.blank));
  }

  /**
   * The fields over the pages `pending` reads (blank ones left out); the refined OCR replaces the
   * job's. `ahead`: those fields already read by extractAhead over the same pages (then elsewhere
   * on disk); when it failed or gave another count of pages, the pages are read again.
   */
  recognise(rec: JobRecord, pending: Promise<OcrPage>[], ahead?: Promise<ExtractedPages | null>): Promise<void> {
    return this.extractInto(rec, async () => {
      const all = await Promise.all(pending);
      const kept = all.filter((p) => !p.blank);
      const early = ahead ? await ahead.catch(() => null) : null;
      const { result, pages } = early && early.pages.length === kept.length
        // the same reading, its images where the job now keeps them
        ? { result: early.result, pages: early.pages.map((p, k) => ({ ...p, imagePath: kept[k]!.imagePath })) }
        : await this.deps.extract(kept);
      // The refined OCR (re-read stamps and signature block) is what the PDF's text layer uses.
      let k = 0;
      rec.ocr = all.map((p) => (p.blank ? p : pages[k++]!));
      return result;
    });
  }

  /** Pages that need no OCR (a received PDF's own text layer): the fields straight from their text. */
  recogniseText(rec: JobRecord, pending: Promise<OcrPage>[], extract: (pages: OcrPage[]) => ExtractionResult): Promise<void> {
    return this.extractInto(rec, async () => {
      rec.ocr = await Promise.all(pending);
      return extract(rec.ocr.filter((p) => !p.blank));
    });
  }

  /**
   * A one-page job: the fields as soon as the bands that carry them are read (review), the whole
   * page's OCR a moment later (kept for the PDF; registration waits for it if it must).
   */
  async recogniseFieldsFirst(rec: JobRecord, page: { path: string }): Promise<void> {
    const { records } = this.deps;
    const { jobId } = rec.view;
    let reviewed!: () => void;
    const reviewSaved = new Promise<void>((resolve) => { reviewed = resolve; });
    try {
      await this.extractInto(rec, async () => {
        const workDir = records.workDir(jobId);
        await mkdir(workDir, { recursive: true, mode: PRIVATE_DIR });
        const started = performance.now();
        const read = this.deps.readFieldsFirst(page.path, workDir);
        // saved after the review state, so the record on disk never goes back to having no OCR
        const whole = read.full.then(async ({ pages }) => {
          this.deps.bus.emit('ocr.page', { jobId, ms: performance.now() - started });
          await reviewSaved;
          if (records.get(jobId) !== rec) return; // discarded meanwhile: nothing to keep
          rec.ocr = pages;
          await records.save(rec);
        });
        this.reading.set(jobId, whole);
        void whole.catch((err: unknown) => this.deps.log.warn({ jobId, err }, 'page not read whole: read again when needed'))
          .finally(() => { if (this.reading.get(jobId) === whole) this.reading.delete(jobId); });
        return read.fields;
      });
    } finally {
      reviewed();
    }
  }
}

/** A page's OCR failure in the clerk's words, naming the page and what can be done. */
function pageError(page: number, err: unknown, scanAdvice = true): SohoaError {
  const info = toErrorInfo(err);
  const why = info.code === 'internal' ? 'Bộ nhận dạng chữ gặp lỗi.' : info.message;
  const advice = scanAdvice ? ' Các trang đã quét vẫn được giữ: bấm Quét tiếp để đọc lại, hoặc Huỷ.' : '';
  return new SohoaError(info.code === 'internal' ? 'ocr.engine' : info.code, `Không đọc được trang ${page}: ${why}${advice}`,
    `page ${page}: ${info.detail ?? info.message}`, { cause: err });
}
