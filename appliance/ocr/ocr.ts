// The OCR seam: page image in, positioned words out. The engine (tesseract.js worker pool, or a
// native tesseract behind the same interface) is chosen by the composition root.

export interface BBox { x0: number; y0: number; x1: number; y1: number }

export interface OcrWord {
  text: string;
  /** 0..100 as tesseract reports it. */
  confidence: number;
  bbox: BBox;
  /**
   * Per symbol of `text`, what the recogniser thought it could be, its own reading first (read
   * with RegionOptions.alternatives; absent otherwise).
   */
  choices?: SymbolChoice[][];
  /**
   * The same word read again from its line alone, larger (extract/read-twice.ts: the "Lưu:"
   * line's codes): readings at odds are weighed.
   */
  reread?: string;
}

/** One reading of one symbol and the recogniser's confidence in it (0..100). */
export interface SymbolChoice { text: string; confidence: number }

export interface OcrLine {
  text: string;
  confidence: number;
  bbox: BBox;
  words: OcrWord[];
}

export interface OcrPage {
  /** The upright page image the coordinates refer to (orientation already corrected). */
  imagePath: string;
  width: number;
  height: number;
  dpi: number;
  /** Clockwise rotation (degrees) that was applied to make the page upright. */
  rotation: 0 | 90 | 180 | 270;
  /** True when the page was judged blank (no OCR text expected; dropped from the document). */
  blank: boolean;
  /** Full text, lines separated by \n, NFC. */
  text: string;
  lines: OcrLine[];
}

/** How recognizeRegion reads its rectangle. */
export interface RegionOptions {
  /**
   * 'sparse' (default): sparse-text segmentation, for stamps and a signature block drawn over;
   * 'page': full layout analysis as for a whole page, for a band of the page (the header, the body);
   * 'block': one block of text (psm 6), 'line': one line (psm 7), for a region the clerk marked.
   */
  layout?: 'sparse' | 'page' | 'block' | 'line';
  /** Lower runs first when every process/worker is busy (0 = the fields, 1 = the rest); default 0. */
  priority?: number;
  /** Words carry their symbol choices (OcrWord.choices): tesseract's LSTM alternatives, hOCR output. */
  alternatives?: boolean;
  /**
   * What an earlier read already read there (page pixels): painted white before this read, so the
   * recogniser spends its time on the rest only. An engine may ignore it (tesseract.js does).
   */
  known?: BBox[];
  /**
   * With `known`: when what is left holds no ink this tall (pixels; rules, specks), the rectangle is
   * not read and gives no line.
   */
  minInkHeight?: number;
}

export interface OcrEngine {
  /** Recognises one page image (PNG/JPEG/TIFF). Throws SohoaError `ocr.input` naming the file for unreadable input. */
  recognize(imagePath: string, opts?: { workDir?: string }): Promise<OcrPage>;
  /**
   * Re-reads one rectangle of a recognised page with sparse-text segmentation (boxed stamps, a
   * signature block the seal drew over). Coordinates in and out: pixels of `page.imagePath`.
   */
  recognizeRegion?(page: OcrPage, region: BBox, opts?: RegionOptions): Promise<OcrLine[]>;
  /**
   * True when recognizeRegion cuts its regions from the grey raster preparePage kept for the page
   * (prepare-page.ts `preparedGrey`), so the upright image file need not exist yet.
   */
  readonly readsPreparedGrey?: boolean;
  close(): Promise<void>;
}
