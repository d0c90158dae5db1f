// The scanner seam: what the capture stage needs from any scanner. Drivers know nothing of
// documents: they turn paper into page image files, one at a time, as each page finishes.

export interface ScanRequest {
  source: 'adf' | 'adf-duplex' | 'flatbed';
  mode: 'color' | 'gray';
  dpi: number;
  /** Folder where page files are written (the capture stage's spool for this job). */
  outDir: string;
  /** Stop after this many pages (default: until the feeder is empty). */
  maxPages?: number;
  signal?: AbortSignal;
}

export interface ScannedPage {
  /** 1-based page index in this job. */
  index: number;
  /** Absolute path of the finished image file (TIFF, PNG or JPEG; never PNM). */
  path: string;
  dpi: number;
}

export interface ScannerInfo {
  device: string;
  vendor: string;
  model: string;
  sources: string[];
  /** `--adf-mode` values, where duplex is an option rather than a source (epson2); else empty. */
  adfModes: string[];
}

export interface Scanner {
  readonly device: string;
  /** Checks the device answers; throws SohoaError `scanner.device` with the reason otherwise. */
  probe(): Promise<ScannerInfo>;
  /**
   * Scans until the feeder is empty (or maxPages), yielding each page as soon as its file is
   * complete. One job at a time per device: a second call while one runs throws `scanner.busy`.
   * Paper problems end the iteration with SohoaError `scanner.jammed` / `scanner.no-docs` /
   * `scanner.cover-open`; pages already yielded stay valid.
   */
  scan(req: ScanRequest): AsyncIterable<ScannedPage>;
}
