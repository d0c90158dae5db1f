import { copyFile, link, mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { CaptureStage, CapturedPage } from '../capture/capture.js';
import type { OcrPage } from '../ocr/ocr.js';
import { atomicWrite, PRIVATE_DIR } from '../store/atomic-write.js';

// Hands scanned pages from one job to another (a batch to its documents, a document to the one it
// is merged into) by hard-linking its files: each job then owns its own names for the same bytes,
// so discarding or filing one document never touches another's pages, and no page is copied.
// Links are made before the source is removed, and linking again is harmless, so a restart half
// way redoes the hand-over without losing a page. The spool layout is capture's
// (capture/capture.ts): page-<n>.<ext>, page-<n>.preview.jpg and capture.json per job folder.

export type SpoolPort = Pick<CaptureStage, 'pages' | 'jobDir' | 'previewPath'>;

/** A page of a job as the scan side keeps it. */
export interface JobPage { index: number; path: string; blank: boolean }

async function linkFile(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    // Another file system (a spool moved by the technician): a copy keeps the promise.
    if (code === 'EXDEV' || code === 'EPERM') await copyFile(from, to);
    else throw err;
  }
}

/**
 * Gives job `to` the pages `pages` of job `from` (with their OCR), numbered after the `after`
 * pages `to` already has. Returns the pages and OCR as `to` now refers to them.
 */
export async function handOverPages(spool: SpoolPort, opts: {
  from: string; to: string; fromWorkDir: string; toWorkDir: string; after: number;
  pages: { page: JobPage; ocr: OcrPage }[];
}): Promise<{ pages: JobPage[]; ocr: OcrPage[] }> {
  const toDir = spool.jobDir(opts.to);
  await mkdir(toDir, { recursive: true, mode: PRIVATE_DIR });
  await mkdir(opts.toWorkDir, { recursive: true, mode: PRIVATE_DIR });
  const captured = new Map((await spool.pages(opts.from)).map((p) => [p.index, p]));
  const manifest = await spool.pages(opts.to);
  const pages: JobPage[] = [];
  const ocr: OcrPage[] = [];
  let index = opts.after;
  for (const { page, ocr: o } of opts.pages) {
    index++;
    const path = join(toDir, `page-${index}${extname(page.path)}`);
    await linkFile(page.path, path);
    await linkFile(spool.previewPath(opts.from, page.index), spool.previewPath(opts.to, index));
    // The OCR's upright image is the page itself, or a turned copy in the job's scratch folder.
    let imagePath = o.imagePath;
    if (imagePath === page.path) imagePath = path;
    else if (imagePath.startsWith(opts.fromWorkDir)) {
      imagePath = join(opts.toWorkDir, basename(imagePath));
      await linkFile(o.imagePath, imagePath);
    }
    pages.push({ index, path, blank: page.blank });
    ocr.push({ ...o, imagePath });
    const c = captured.get(page.index);
    if (c && !manifest.some((m) => m.index === index)) {
      manifest.push({ ...c, index, path, previewPath: spool.previewPath(opts.to, index) } satisfies CapturedPage);
    }
  }
  // Quét tiếp into the receiving job appends after these pages, as after its own.
  await atomicWrite(join(toDir, 'capture.json'), JSON.stringify(manifest, null, 1));
  return { pages, ocr };
}
