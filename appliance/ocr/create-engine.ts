import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { projectPath } from '../config/paths.js';
import type { OcrEngine } from './ocr.js';
import { NativeTesseractEngine } from './native-engine.js';
import { TesseractJsEngine } from './tesseract-js-engine.js';

// Chooses the OCR engine. 'auto' = the native tesseract CLI when it and the Vietnamese model are
// installed (as fast per page and a third of the memory, docs/accuracy.md), else tesseract.js.

export type EngineKind = 'auto' | 'tesseract.js' | 'native';

export interface OcrEngineOptions {
  /** Folder with vie.traineddata or vie/<version>/vie.traineddata.gz; default: Debian's, else the npm package. */
  langPath?: string;
  workers?: number;
  engine?: EngineKind;
  /** Time limit of one native tesseract run, ms (default native-engine's DEFAULT_PAGE_TIMEOUT_MS). */
  pageTimeoutMs?: number;
  /** Niceness of each native tesseract process (config `ocr.niceness`). */
  niceness?: number;
}

export const DEBIAN_TESSDATA = '/usr/share/tesseract-ocr/5/tessdata';
export const NPM_VIE = projectPath('node_modules', '@tesseract.js-data', 'vie', '4.0.0');

function nativeAvailable(tessdata: string): boolean {
  if (!existsSync(join(tessdata, 'vie.traineddata'))) return false;
  // a tesseract that does not answer in 10 s is as good as none
  try { execFileSync('tesseract', ['--version'], { stdio: 'ignore', timeout: 10_000, killSignal: 'SIGKILL' }); return true; } catch { return false; }
}

/** Resolves a langPath to what tesseract.js needs: the folder and whether the model is gzipped. */
function jsLangData(langPath: string | undefined): { langPath: string; gzip: boolean } {
  const candidates = langPath ? [langPath, join(langPath, 'vie', '4.0.0')] : [DEBIAN_TESSDATA, NPM_VIE];
  for (const dir of candidates) {
    if (existsSync(join(dir, 'vie.traineddata'))) return { langPath: dir, gzip: false };
    if (existsSync(join(dir, 'vie.traineddata.gz'))) return { langPath: dir, gzip: true };
  }
  throw new Error(`no vie.traineddata(.gz) under ${candidates.join(' or ')}`);
}

export function createOcrEngine(o: OcrEngineOptions = {}): OcrEngine {
  const workers = o.workers ?? availableParallelism();
  const kind = o.engine ?? 'auto';
  const tessdata = o.langPath && existsSync(join(o.langPath, 'vie.traineddata')) ? o.langPath : DEBIAN_TESSDATA;
  if (kind === 'native' || (kind === 'auto' && nativeAvailable(tessdata))) {
    return new NativeTesseractEngine({ tessdataDir: tessdata, processes: workers, pageTimeoutMs: o.pageTimeoutMs, niceness: o.niceness });
  }
  return new TesseractJsEngine({ ...jsLangData(o.langPath), workers });
}
