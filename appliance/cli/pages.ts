import { mkdir, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { runReportingFailures, UsageError, type Command } from './command.js';
import { cleanPage, type PageCleanup } from '../pages/clean-page.js';

const help = `sohoa pages — page cleanup alone: upright, levelled, blank pages dropped, written small

Usage:
  sohoa pages IN... --out DIR [--json] [--bitonal] [--keep-blank] [--quality Q]

Each IN is a page image (PNG, JPEG, TIFF) or a folder of them (taken in name order). For every page
it finds which way is up, how crooked it is and whether it is blank, then writes the cleaned page to
DIR: colour JPEG when the page carries colour (a red seal), grey JPEG otherwise, or a 1-bit lossless
PNG with --bitonal. A blank page is reported and not written (unless --keep-blank).

Output (--json): one JSON array, an object per input page:
  {"input", "rotation", "rotationConfidence", "skewDeg", "blank", "blankMeasure", "output", "bytes", "format"}
  rotation      clockwise turn applied (0, 90, 180, 270)
  skewDeg       angle corrected; positive = the content was turned clockwise; 0 when unsure
  blankMeasure  letter-like marks found (a page with fewer than 12 is blank)
Without --json: one line per page.

Options:
  --out DIR      where the cleaned pages go (created)
  --json         print the JSON array
  --bitonal      1-bit PNG (lossless) instead of JPEG
  --keep-blank   write blank pages too
  --quality Q    JPEG quality, 30–95 (default 70)

Examples:
  sohoa pages scan/page-1.tiff scan/page-2.tiff --out clean --json
  sohoa pages ../shared/corpus/dev/doc-029 --out /tmp/clean
`;

const IMAGE = /\.(png|jpe?g|tiff?)$/i;

async function expand(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const path = resolve(input);
    if ((await stat(path)).isDirectory()) {
      const names = (await readdir(path)).filter((n) => IMAGE.test(n)).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
      files.push(...names.map((n) => join(path, n)));
    } else files.push(path);
  }
  return files;
}

/** Output names: the input's own, its folder's name prefixed when two inputs share one. */
function outBases(files: string[], out: string): string[] {
  const seen = new Set<string>();
  return files.map((f, i) => {
    let name = basename(f, extname(f));
    if (seen.has(name)) name = `${basename(dirname(f))}-${name}`;
    if (seen.has(name)) name = `${name}-${i + 1}`;
    seen.add(name);
    return join(out, name);
  });
}

const command: Command = {
  name: 'pages',
  summary: 'page cleanup alone: orientation, skew, blank pages, small legible output (--json)',
  help,
  run: runReportingFailures('pages', async (args) => {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: { out: { type: 'string' }, json: { type: 'boolean' }, bitonal: { type: 'boolean' }, 'keep-blank': { type: 'boolean' }, quality: { type: 'string' } },
    });
    if (!values.out) throw new UsageError('--out DIR is required');
    if (positionals.length === 0) throw new UsageError('give at least one page image or folder');
    const quality = values.quality === undefined ? undefined : Number(values.quality);
    if (quality !== undefined && !(Number.isInteger(quality) && quality >= 30 && quality <= 95)) throw new UsageError('--quality takes a whole number from 30 to 95');
    const files = await expand(positionals);
    const out = resolve(values.out);
    await mkdir(out, { recursive: true });
    const bases = outBases(files, out);
    const results: PageCleanup[] = new Array(files.length);
    // one page per core: each page is decoded, measured and encoded on its own
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const i = next++;
        results[i] = await cleanPage(files[i]!, bases[i]!, { bitonal: values.bitonal, keepBlank: values['keep-blank'], jpegQuality: quality });
      }
    };
    await Promise.all(Array.from({ length: Math.min(files.length, Math.max(1, availableParallelism())) }, worker));
    if (values.json) process.stdout.write(JSON.stringify(results) + '\n');
    else {
      for (const r of results) {
        process.stdout.write(`${r.input}: ${r.blank ? 'trang trắng (bỏ)' : `xoay ${r.rotation}°, nghiêng ${r.skewDeg}°`} → ${r.output ?? '—'}${r.output ? ` (${r.format}, ${Math.round(r.bytes / 1024)} KB)` : ''}\n`);
      }
    }
    return 0;
  }),
};

export default command;
