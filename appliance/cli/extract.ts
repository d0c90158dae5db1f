import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from './command.js';
import { createOcrEngine, type EngineKind } from '../ocr/create-engine.js';
import { naturalCompare, PAGE_EXTENSIONS } from '../ocr/page-input.js';
import { extractDocument } from '../extract/extract-document.js';
import { AgencyDirectory } from '../extract/agency-directory.js';
import { atomicWrite } from '../store/atomic-write.js';
import { SohoaError } from '../errors.js';
import type { OcrEngine } from '../ocr/ocr.js';

const help = `sohoa extract — OCR and field extraction of Vietnamese administrative documents

Usage:
  sohoa extract [options] FILE...                 one document: its page images in order, or a PDF
  sohoa extract [options] --batch IN_DIR --out OUT_DIR
                                                  every subfolder of IN_DIR is one document; writes
                                                  OUT_DIR/<subfolder>/fields.json

Prints (or writes) one JSON object: the fields (issuerParent, issuer, numberNotation, number, place,
date, type, summary, authority, signerTitle, signer, recipients, confidentiality, urgency, pages),
"confidence" (field → 0..1), "flagged" (fields to check), "issuerId" and "text" (OCR text per page).
Pages: PNG, JPEG, TIFF, PNM or PDF (rasterised at 300 dpi). Blank pages are dropped; rotated pages
are turned upright.

Options:
  --engine auto|native|tesseract.js   OCR engine (default auto: native tesseract when installed)
  --workers N                          parallel OCR processes/workers (default: number of cores)
  --lang-path DIR                      folder with vie.traineddata (default: Debian's, else npm's)
  --agencies FILE                      provisioned agency list, JSON [{"name","id","parent"?}]

Examples:
  sohoa extract scan/page-1.png scan/page-2.png
  sohoa extract incoming.pdf
  sohoa extract --batch corpus/dev --out /tmp/pred
`;

interface Opts { files: string[]; batch?: string; out?: string; engine: EngineKind; workers: number; langPath?: string; agencies?: string }

function parse(args: string[]): Opts {
  const o: Opts = { files: [], engine: 'auto', workers: availableParallelism() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const val = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--batch') o.batch = val();
    else if (a === '--out') o.out = val();
    else if (a === '--engine') o.engine = val() as EngineKind;
    else if (a === '--workers') o.workers = Math.max(1, Number(val()) || 1);
    else if (a === '--lang-path') o.langPath = val();
    else if (a === '--agencies') o.agencies = val();
    else if (a.startsWith('--')) throw new Error(`unknown option ${a} (see sohoa extract --help)`);
    else o.files.push(a);
  }
  if (!['auto', 'native', 'tesseract.js'].includes(o.engine)) throw new Error(`unknown engine ${o.engine}`);
  if (o.batch && !o.out) throw new Error('--batch needs --out OUT_DIR');
  if (!o.batch && !o.files.length) throw new Error('no input file (see sohoa extract --help)');
  return o;
}

const reason = (err: unknown): string => (err instanceof SohoaError ? `${err.vi} (${err.message})` : (err as Error)?.message ?? String(err));

async function one(engine: OcrEngine, files: string[], dir: AgencyDirectory): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'sohoa-extract-'));
  try {
    const { result } = await extractDocument(engine, files, work, { directory: dir });
    return JSON.stringify(result, null, 2) + '\n';
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function batch(engine: OcrEngine, o: Opts, dir: AgencyDirectory): Promise<number> {
  const inDir = o.batch!;
  const subs = (await readdir(inDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort(naturalCompare);
  let failed = 0; let next = 0;
  // documents in flight = workers + 1, so page preparation overlaps recognition
  const worker = async (): Promise<void> => {
    while (next < subs.length) {
      const sub = subs[next++]!;
      try {
        const files = (await readdir(join(inDir, sub))).filter((n) => PAGE_EXTENSIONS.test(n)).sort(naturalCompare).map((n) => join(inDir, sub, n));
        if (!files.length) throw new Error('no page image in the folder');
        await atomicWrite(join(o.out!, sub, 'fields.json'), await one(engine, files, dir));
      } catch (err) {
        failed++;
        process.stderr.write(`sohoa extract: ${sub}: ${reason(err)}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: o.workers + 1 }, worker));
  if (failed) process.stderr.write(`sohoa extract: ${failed} of ${subs.length} documents failed\n`);
  return failed ? 1 : 0;
}

const command: Command = {
  name: 'extract',
  summary: 'OCR and field extraction of a document (page images or PDF), or a whole folder with --batch',
  help,
  async run(args) {
    let o: Opts;
    try { o = parse(args); } catch (err) { process.stderr.write(`sohoa extract: ${(err as Error).message}\n`); return 2; }
    if (o.batch && !(await stat(o.batch).catch(() => null))?.isDirectory()) {
      process.stderr.write(`sohoa extract: ${o.batch} is not a folder\n`);
      return 2;
    }
    const dir = o.agencies ? AgencyDirectory.fromFile(o.agencies) : AgencyDirectory.builtIn();
    const engine = createOcrEngine({ engine: o.engine, workers: o.workers, langPath: o.langPath });
    try {
      if (o.batch) return await batch(engine, o, dir);
      process.stdout.write(await one(engine, o.files, dir));
      return 0;
    } catch (err) {
      process.stderr.write(`sohoa extract: ${reason(err).split('\n')[0]}\n`);
      return 1;
    } finally {
      await engine.close();
    }
  },
};

export default command;
