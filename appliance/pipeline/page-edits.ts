import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { previewUrl } from '../capture/capture.js';
import { SohoaError } from '../errors.js';
import type { Logger } from '../log.js';
import type { OcrEngine, OcrPage } from '../ocr/ocr.js';
import { MAX_PIXELS } from '../ocr/prepare-page.js';
import { atomicWrite, PRIVATE_DIR, PRIVATE_FILE } from '../store/atomic-write.js';
import { locateFields, type FieldBoxes } from './field-boxes.js';
import type { JobRecord, JobRecords } from './job-records.js';
import { addRotation, turnOcrPage, type Region, type Rotation } from './page-geometry.js';

// The clerk's page edits on a job under review: turn a page, take it out, move it, mark it blank
// or not. Nothing is done to the scanned files: the edits are a list kept beside the job
// (<job work folder>/page-edits.json, written crash-safe, so a restart keeps them), each undoable
// until the document is registered; the filing applies them (kept pages, their order and
// rotation go into the PDF). A page taken out or marked blank stays on disk, greyed on the
// screen, until the job is filed or discarded.
//
// Also here, for the same screen: reading a region of a page the clerk marked (OCR of that crop),
// and where on the pages each extracted field was read.
//
// Chosen: the fields are not extracted again after edits (the clerk sees the page and corrects,
// or reads a region into the field); a page turned by the clerk keeps its OCR text, turned with it.

export interface PageEdit { page: number; rotation: Rotation; removed: boolean; blank: boolean }

export interface PageEditView extends PageEdit {
  imageUrl: string;
  /** The turn the OCR gave the page to make it upright (the screen shows the preview so). */
  autoRotation: Rotation;
}

export interface PageEditsView {
  jobId: string;
  /** Every page of the job in document order, taken-out and blank ones included. */
  pages: PageEditView[];
  /** Pages that will make the document. */
  kept: number;
  canUndo: boolean;
}

export interface RegionText { text: string; confidence: number }

interface EditsFile { version: 1; current: PageEdit[]; history: PageEdit[][] }

const FILE = 'page-edits.json';
const MAX_HISTORY = 200;
const EDITABLE = new Set(['review', 'failed']);

export class PageEditor {
  private readonly files = new Map<string, EditsFile>();
  private seq = 0;

  constructor(private readonly deps: { records: JobRecords; ocr: OcrEngine; log: Logger }) {}

  async view(jobId: string): Promise<PageEditsView> {
    const rec = this.deps.records.require(jobId);
    const file = await this.load(jobId);
    const pages = this.current(rec, file);
    return {
      jobId,
      pages: pages.map((p) => ({ ...p, imageUrl: previewUrl(jobId, p.page), autoRotation: this.ocrOf(rec, p.page)?.rotation ?? 0 })),
      kept: pages.filter((p) => !p.removed && !p.blank).length,
      canUndo: file.history.length > 0,
    };
  }

  /** The job's pages as the clerk arranged them now (every page of the job exactly once). */
  async edit(jobId: string, pages: PageEdit[]): Promise<PageEditsView> {
    const rec = this.editable(jobId);
    const file = await this.load(jobId);
    const have = rec.pages.map((p) => p.index).sort((a, b) => a - b);
    const given = pages.map((p) => p.page).sort((a, b) => a - b);
    if (have.length !== given.length || have.some((n, i) => n !== given[i])) {
      throw new SohoaError('request.invalid', 'Danh sách trang không khớp với bản quét (có thể vừa quét thêm trang). Hãy thử lại.',
        `job ${jobId} pages ${have.join(',')} but edit names ${given.join(',')}`);
    }
    const before = this.current(rec, file);
    if (JSON.stringify(before) === JSON.stringify(pages)) return this.view(jobId);
    await this.save(jobId, { version: 1, current: pages.map((p) => ({ ...p })), history: [...file.history, before].slice(-MAX_HISTORY) });
    return this.view(jobId);
  }

  /** Takes back the last edit. */
  async undo(jobId: string): Promise<PageEditsView> {
    this.editable(jobId);
    const file = await this.load(jobId);
    const last = file.history.at(-1);
    if (!last) throw new SohoaError('register.state', 'Không còn thao tác nào để hoàn tác.', `job ${jobId} has no edit to undo`);
    await this.save(jobId, { version: 1, current: last, history: file.history.slice(0, -1) });
    return this.view(jobId);
  }

  /** Pages that will make the document (not taken out, not blank). */
  async keptCount(jobId: string): Promise<number> {
    return (await this.view(jobId)).kept;
  }

  /** The OCR of the pages that make the document, in the clerk's order, turned as the clerk turned them. */
  async kept(rec: JobRecord, ocr: OcrPage[]): Promise<OcrPage[]> {
    const { jobId } = rec.view;
    const file = await this.load(jobId);
    const out: OcrPage[] = [];
    for (const e of this.current(rec, file, ocr)) {
      if (e.removed || e.blank) continue;
      const o = ocr[rec.pages.findIndex((p) => p.index === e.page)];
      if (!o) throw new Error(`job ${jobId}: no OCR for page ${e.page}`);
      if (e.rotation === 0) { out.push(o); continue; }
      const dir = this.deps.records.workDir(jobId);
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
      const path = join(dir, `page-${e.page}.turned-${e.rotation}.png`);
      await atomicWrite(path, await sharp(o.imagePath, { limitInputPixels: MAX_PIXELS }).rotate(e.rotation).png().toBuffer());
      out.push(turnOcrPage(o, e.rotation, path));
    }
    return out;
  }

  /**
   * Reads the text in `region` (fractions of the page as scanned) of page `page`: the crop is cut
   * from the scanned page, turned upright as the screen shows it, and read as one block of text
   * (one line when it is a line's height).
   */
  async readRegion(jobId: string, page: number, region: Region): Promise<RegionText> {
    const rec = this.deps.records.require(jobId);
    const scanned = rec.pages.find((p) => p.index === page);
    if (!scanned) throw new SohoaError('register.not-found', 'Không tìm thấy trang này trong bản quét.', `job ${jobId} has no page ${page}`);
    const edit = this.current(rec, await this.load(jobId)).find((p) => p.page === page)!;
    const ocr = this.ocrOf(rec, page);
    const turn = addRotation(ocr?.rotation ?? 0, edit.rotation);
    const img = sharp(scanned.path, { limitInputPixels: MAX_PIXELS });
    const meta = await img.metadata();
    const [W, H] = [meta.width ?? 0, meta.height ?? 0];
    const left = Math.max(0, Math.floor(region.x * W)); const top = Math.max(0, Math.floor(region.y * H));
    const width = Math.min(W - left, Math.ceil(region.w * W)); const height = Math.min(H - top, Math.ceil(region.h * H));
    if (width < 8 || height < 8) return { text: '', confidence: 0 };
    const dpi = ocr?.dpi ?? meta.density ?? 200;
    // a margin of white around the crop: tesseract misses letters touching the image's edge
    const crop = await img.extract({ left, top, width, height }).rotate(turn).greyscale()
      .extend({ top: 12, bottom: 12, left: 12, right: 12, background: '#ffffff' }).png({ compressionLevel: 1 }).toBuffer({ resolveWithObject: true });
    const dir = this.deps.records.workDir(jobId);
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
    const path = join(dir, `region-${process.pid}-${++this.seq}.png`);
    await writeFile(path, crop.data, { mode: PRIVATE_FILE });
    try {
      const cw = crop.info.width; const ch = crop.info.height;
      const uprightHeight = turn % 180 ? width : height;
      const layout = uprightHeight / dpi < 0.4 ? 'line' : 'block';
      const page: OcrPage = { imagePath: path, width: cw, height: ch, dpi, rotation: 0, blank: false, text: '', lines: [] };
      if (!this.deps.ocr.recognizeRegion) throw new SohoaError('ocr.engine', 'Bộ nhận dạng chữ không đọc được vùng trang.', 'engine has no recognizeRegion');
      const lines = (await this.deps.ocr.recognizeRegion(page, { x0: 0, y0: 0, x1: cw, y1: ch }, { layout, priority: 0 }))
        .map((l) => ({ ...l, text: l.text.normalize('NFC').trim() })).filter((l) => l.text !== '');
      const words = lines.flatMap((l) => l.words);
      return {
        text: lines.map((l) => l.text).join('\n'),
        confidence: words.length ? Math.round(words.reduce((s, w) => s + w.confidence, 0) / words.length) : 0,
      };
    } finally {
      await rm(path, { force: true });
    }
  }

  /** Where each extracted field was read (empty until the job's pages are read whole). */
  fieldBoxes(jobId: string): FieldBoxes {
    const rec = this.deps.records.require(jobId);
    if (!rec.view.result || rec.ocr.length !== rec.pages.length) return {};
    return locateFields(rec.view.result, rec.pages.map((p, i) => ({ page: p.index, ocr: rec.ocr[i]! })).filter((p) => !p.ocr.blank));
  }

  /** Forgets a job's edits held in memory (its file goes with the job's work folder). */
  forget(jobId: string): void {
    this.files.delete(jobId);
  }

  private editable(jobId: string): JobRecord {
    const rec = this.deps.records.require(jobId);
    if (!EDITABLE.has(rec.view.state) || rec.view.docId) {
      throw new SohoaError('register.state', 'Văn bản đã đăng ký (hoặc đang quét) nên không sửa trang được nữa.', `job ${jobId} is ${rec.view.state}`);
    }
    return rec;
  }

  private ocrOf(rec: JobRecord, page: number): OcrPage | undefined {
    return rec.ocr.length === rec.pages.length ? rec.ocr[rec.pages.findIndex((p) => p.index === page)] : undefined;
  }

  /** The saved arrangement over the job's pages now: pages scanned since ("Quét tiếp") follow, as scanned. */
  private current(rec: JobRecord, file: EditsFile, ocr: OcrPage[] = rec.ocr): PageEdit[] {
    const exists = new Set(rec.pages.map((p) => p.index));
    const out = file.current.filter((e) => exists.has(e.page));
    const named = new Set(out.map((e) => e.page));
    rec.pages.forEach((p, i) => {
      if (!named.has(p.index)) out.push({ page: p.index, rotation: 0, removed: false, blank: p.blank || !!(ocr.length === rec.pages.length && ocr[i]?.blank) });
    });
    return out;
  }

  private async load(jobId: string): Promise<EditsFile> {
    const known = this.files.get(jobId);
    if (known) return known;
    let file: EditsFile = { version: 1, current: [], history: [] };
    try {
      const data = JSON.parse(await readFile(join(this.deps.records.workDir(jobId), FILE), 'utf8')) as EditsFile;
      if (data.version === 1 && Array.isArray(data.current) && Array.isArray(data.history)) file = data;
      else this.deps.log.warn({ jobId }, 'page edits file of an unknown shape: the pages are shown as scanned');
    } catch (err) {
      // none yet (or cut by a crash before its atomic rename): the pages as scanned
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.deps.log.warn({ jobId, err }, 'page edits file unreadable: the pages are shown as scanned');
    }
    this.files.set(jobId, file);
    return file;
  }

  private async save(jobId: string, file: EditsFile): Promise<void> {
    const dir = this.deps.records.workDir(jobId);
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
    await atomicWrite(join(dir, FILE), JSON.stringify(file));
    this.files.set(jobId, file);
  }
}
