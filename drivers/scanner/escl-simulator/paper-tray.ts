import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdfState } from './escl-xml.js';

// The simulated feeder. Either a stack of documents (demo: each scan job takes the next document,
// round and round) or pages loaded explicitly (tests, self-test). A jam can be armed to hit a
// given sheet; the jammed sheet stays in the tray, as it would after the clerk pulls it out.

const IMAGE = /\.(png|jpe?g|tiff?)$/i;
const natural = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

/** Page images of one folder, in natural file-name order. */
export async function pageFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => IMAGE.test(f)).sort(natural).map((f) => join(dir, f));
}

/** Every subfolder with page images is one document; a folder of images alone is one document. */
export async function documentStack(dir: string): Promise<string[][]> {
  const docs: string[][] = [];
  for (const name of (await readdir(dir)).sort(natural)) {
    const sub = join(dir, name);
    if (!(await stat(sub)).isDirectory()) continue;
    const pages = await pageFiles(sub);
    if (pages.length) docs.push(pages);
  }
  if (docs.length === 0) {
    const pages = await pageFiles(dir);
    if (pages.length) docs.push(pages);
  }
  return docs;
}

export type Feed = { page: string } | 'jam' | 'empty';

export class PaperTray {
  private feeder: string[] = [];
  private stack: string[][] = [];
  private nextDoc = 0;
  private jamIn: number | null = null;
  private jammed = false;

  /** Demo mode: each job that finds the tray empty takes the next document of the stack. */
  useStack(docs: string[][]): void {
    this.stack = docs;
    this.nextDoc = 0;
  }

  /** Puts these sheets in the tray (replacing what was there) and clears a jam. */
  load(pages: string[]): void {
    this.feeder = [...pages];
    this.jammed = false;
  }

  /** Empties the tray and stops refilling from the stack. */
  empty(): void {
    this.feeder = [];
    this.stack = [];
  }

  /** The sheet after `sheets` more good ones jams. */
  jamAfter(sheets: number): void {
    this.jamIn = sheets;
  }

  /** A new job: clears a past jam, refills from the stack; false when there is no paper. */
  startJob(): boolean {
    this.jammed = false;
    if (this.feeder.length === 0 && this.stack.length > 0) {
      this.feeder = [...this.stack[this.nextDoc % this.stack.length]!];
      this.nextDoc = (this.nextDoc + 1) % this.stack.length;
    }
    return this.feeder.length > 0;
  }

  feed(): Feed {
    if (this.feeder.length === 0) return 'empty';
    if (this.jamIn === 0) {
      this.jamIn = null;
      this.jammed = true;
      return 'jam';
    }
    if (this.jamIn !== null) this.jamIn--;
    return { page: this.feeder.shift()! };
  }

  get adfState(): AdfState {
    if (this.jammed) return 'ScannerAdfJam';
    return this.feeder.length > 0 || this.stack.length > 0 ? 'ScannerAdfLoaded' : 'ScannerAdfEmpty';
  }

  get state() {
    return { adfState: this.adfState, sheetsInTray: this.feeder.length, documentsInStack: this.stack.length, jamArmed: this.jamIn !== null };
  }
}
