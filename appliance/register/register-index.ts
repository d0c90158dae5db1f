import { appendFile, mkdir, readdir, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_DIR, PRIVATE_FILE } from '../store/atomic-write.js';
import type { DocumentState } from '../events.js';
import type { Logger } from '../log.js';
import { isFinal, type RegisterEntry } from './entry.js';
import { duplicateKey, foldVietnamese, hash30 } from './fold.js';
import { forEachLine } from './line-file.js';
import { outgoingKey } from './outgoing-book.js';

// register/index/<year>.jsonl: what lookups need of every document, so the register neither reads
// all its files at start nor keeps them in memory (issue 10: 100 000 documents). Append-only, one
// line per registration and one per state change:
//   {"d":docId,"y":year,"n":số đến|null,"a":"YYYY-MM-DD","s":state,"h":dupHash}<TAB>folded search text
//   {"d":docId,"s":newState|null,"p":previousState}
// Derived from the document files and never the source of truth, so it is appended without fsync:
// start() replays it (counters, counts per state, open documents, duplicate hashes), then repairs
// what a crash may have lost — a document file with no line is indexed again, an open document is
// read from its file (a lost state line shows there) — and a missing index is rebuilt the same way.
// In memory: the last number per year, counts per state, the open documents' ids, a hash → số đến
// map of duplicate keys (small integers, ~30 bytes a document) and, per year, byte ranges of
// 256 registrations with their first and last arrival day, so a date-range query reads only those.

// An outgoing document (sổ văn bản đi) has n null, `b: "o"` and `k`: its printed số/ký hiệu
// folded with the year of issue (outgoing-book.ts), the outgoing book's duplicate key.
interface RegRow { d: string; y: number; n: number | null; a: string; s: DocumentState; h?: number; b?: 'o'; k?: string }
interface StateRow { d: string; s: DocumentState | null; p: DocumentState }
interface Block { start: number; end: number; min: string; max: string; rows: number }
/** `size`: bytes written and readable; `reserved`: the end of the lines handed to the writer. */
interface YearFile { size: number; reserved: number; blocks: Block[]; broken: boolean }

/** One registration of a book as a query sees it (number 0 in the outgoing book: its order is the docId's). */
export interface IndexedRow { docId: string; year: number; number: number; day: string; text: string }

export type Book = 'incoming' | 'outgoing';

/** What start() needs to find document files the index does not know. */
export interface Known { numbers: Map<number, Uint8Array>; secretIds: Set<string> }

const BLOCK_ROWS = 256;
const pack = (year: number, n: number) => (year - 2000) * 1_000_000 + n;
export const docIdOf = (year: number, n: number) => `${year}-${String(n).padStart(6, '0')}`;
const unpack = (p: number) => docIdOf(2000 + Math.floor(p / 1_000_000), p % 1_000_000);

/** The folded text a search looks in: số đến, số ký hiệu, issuer, type, summary, signer, unit, note. */
export function searchTextOf(e: RegisterEntry): string {
  const f = e.fields;
  const to = e.outgoing?.recipients.map((r) => r.name ?? r.text) ?? [];
  return foldVietnamese([e.arrivalNumber ?? '', f.numberNotation, f.issuer, f.issuerParent, f.type, f.summary, f.signer, e.extras.recipientUnit, e.extras.note, ...to]
    .filter((v) => v !== null && v !== undefined && v !== '').join(' '));
}

export class RegisterIndex {
  /** Last số đến per year, as far as the index knows (the register raises it from other sources). */
  readonly lastNumber = new Map<number, number>();
  private readonly counts = new Map<DocumentState, number>();
  private readonly open = new Map<string, { state: DocumentState; year: number }>();
  private readonly dup = new Map<number, number | number[]>();
  /** Outgoing book: duplicate key → docIds (outgoing documents are few next to incoming ones). */
  private readonly outKeys = new Map<string, string[]>();
  private readonly years = new Map<number, YearFile>();
  private readonly dir: string;
  private known: Known | null = null;

  constructor(registerDir: string, private readonly log?: Logger) {
    this.dir = join(registerDir, 'index');
  }

  /** Replays every year file; returns which documents it knows (for start()'s repair pass). */
  async load(): Promise<Known> {
    await mkdir(this.dir, { recursive: true, mode: PRIVATE_DIR });
    this.known = { numbers: new Map(), secretIds: new Set() };
    for (const name of (await readdir(this.dir)).filter((n) => /^\d{4}\.jsonl$/.test(n)).sort()) {
      const year = Number(name.slice(0, 4));
      const path = join(this.dir, name);
      const yf = this.yearFile(year);
      let bad = 0;
      const end = await forEachLine(path, (line, start, stop) => {
        try {
          this.apply(yf, line, start, stop);
        } catch {
          bad++; // a line damaged by a power cut: what it said is repaired from the documents
        }
      });
      if (end < (await stat(path)).size) await truncate(path, end); // an append cut short
      if (bad) this.log?.warn({ file: path, lines: bad }, 'register index: damaged lines skipped (repaired from the documents)');
      yf.size = yf.reserved = end;
    }
    const known = this.known;
    this.known = null;
    return known;
  }

  private yearFile(year: number): YearFile {
    let yf = this.years.get(year);
    if (!yf) this.years.set(year, (yf = { size: 0, reserved: 0, blocks: [], broken: false }));
    return yf;
  }

  private apply(yf: YearFile, line: string, start: number, end: number): void {
    const tab = line.indexOf('\t');
    const row = JSON.parse(tab < 0 ? line : line.slice(0, tab)) as RegRow | StateRow;
    let block = yf.blocks.at(-1);
    if ('y' in row) {
      this.bump(row.s, 1);
      // (unnumbered registrations — held on paper — are in the blocks too: statistics count them)
      if (!block || block.rows >= BLOCK_ROWS) yf.blocks.push(block = { start, end, min: row.a, max: row.a, rows: 0 });
      block.rows++;
      if (row.a < block.min) block.min = row.a;
      if (row.a > block.max) block.max = row.a;
      if (row.n !== null) {
        if (row.n > (this.lastNumber.get(row.y) ?? 0)) this.lastNumber.set(row.y, row.n);
        if (row.h !== undefined) this.addDup(row.h, pack(row.y, row.n));
        if (this.known) this.markKnown(row.y, row.n);
      } else {
        // (no số đến: a held secret document, or an outgoing one; start() knows them by id)
        this.known?.secretIds.add(row.d);
        if (row.b === 'o') {
          if (row.k) this.outKeys.set(row.k, [...(this.outKeys.get(row.k) ?? []).filter((d) => d !== row.d), row.d]);
          if (!block || block.rows >= BLOCK_ROWS) yf.blocks.push(block = { start, end, min: row.a, max: row.a, rows: 0 });
          block.rows++;
          if (row.a < block.min) block.min = row.a;
          if (row.a > block.max) block.max = row.a;
        }
      }
      if (!isFinal(row.s)) this.open.set(row.d, { state: row.s, year: row.y });
    } else {
      const year = this.open.get(row.d)?.year;
      this.bump(row.p, -1);
      if (row.s) this.bump(row.s, 1);
      if (row.s === null || isFinal(row.s) || year === undefined) this.open.delete(row.d);
      else this.open.set(row.d, { state: row.s, year });
    }
    if (block) block.end = end;
  }

  private bump(s: DocumentState, by: number): void {
    this.counts.set(s, (this.counts.get(s) ?? 0) + by);
  }

  private addDup(h: number, packed: number): void {
    const cur = this.dup.get(h);
    if (cur === undefined) this.dup.set(h, packed);
    else if (Array.isArray(cur)) cur.push(packed);
    else this.dup.set(h, [cur, packed]);
  }

  private markKnown(year: number, n: number): void {
    const numbers = this.known!.numbers;
    let bits = numbers.get(year) ?? new Uint8Array(1024);
    if (n >= bits.length * 8) {
      const grown = new Uint8Array(Math.max(bits.length * 2, (n >> 3) + 1));
      grown.set(bits);
      bits = grown;
    }
    bits[n >> 3]! |= 1 << (n & 7);
    numbers.set(year, bits);
  }

  /** Lines are written one after the other, in the order they were applied to memory. */
  private writes: Promise<void> = Promise.resolve();

  /**
   * Applies lines of one year to memory and hands them to the writer as one append (a rebuild
   * writes thousands of lines: one system call per line would cost more than reading the documents).
   */
  private append(year: number, lines: string[]): Promise<void> {
    const yf = this.yearFile(year);
    const start = yf.reserved;
    let end = start;
    // Memory first: the document file is already the truth, the line is its summary.
    for (const line of lines) {
      const from = end;
      end += Buffer.byteLength(line);
      this.apply(yf, line.slice(0, -1), from, end);
    }
    if (yf.broken) return this.writes;
    yf.reserved = end;
    const path = join(this.dir, `${year}.jsonl`);
    const text = lines.join('');
    this.writes = this.writes.then(async () => {
      if (yf.broken) return;
      try {
        await appendFile(path, text, { mode: PRIVATE_FILE });
        yf.size = end;
      } catch (err) {
        // (e.g. a full disk) Cut back any half line and stop writing this year until the next
        // start, which indexes what is missing from the documents again.
        this.log?.error({ err, file: path }, 'register index: append failed');
        yf.broken = true;
        await truncate(path, start).catch(() => undefined);
      }
    });
    return this.writes;
  }

  /** Resolves when every line handed to the writer so far is written (or given up). */
  flushed(): Promise<void> {
    return this.writes;
  }

  /** A new document. */
  add(e: RegisterEntry): Promise<void> {
    return this.append(e.year, [this.registrationLine(e)]);
  }

  /** Documents start() found missing from the index: one append per year they fall in. */
  addAll(entries: readonly RegisterEntry[]): Promise<void> {
    const byYear = new Map<number, string[]>();
    for (const e of entries) {
      const lines = byYear.get(e.year);
      if (lines) lines.push(this.registrationLine(e));
      else byYear.set(e.year, [this.registrationLine(e)]);
    }
    for (const [year, lines] of byYear) void this.append(year, lines);
    return this.writes;
  }

  private registrationLine(e: RegisterEntry): string {
    const key = duplicateKey(e.fields.issuer, e.fields.numberNotation);
    const out = e.book === 'outgoing' && e.outgoing ? { b: 'o' as const, k: outgoingKey(e.fields.date, e.outgoing.number, e.year) } : {};
    const row: RegRow = { d: e.docId, y: e.year, n: e.arrivalNumber, a: e.arrivalDate.slice(0, 10), s: e.state, ...(key && e.arrivalNumber !== null ? { h: hash30(key) } : {}), ...out };
    return `${JSON.stringify(row)}\t${e.arrivalNumber === null && !out.b ? '' : searchTextOf(e)}\n`;
  }

  /** A state change (`to` null: the document's file is gone, set aside at start). */
  setState(docId: string, year: number, from: DocumentState, to: DocumentState | null): Promise<void> {
    if (!this.open.has(docId) && !isFinal(from)) this.open.set(docId, { state: from, year });
    return this.append(year, [`${JSON.stringify({ d: docId, s: to, p: from } satisfies StateRow)}\n`]);
  }

  /** The open documents (not in a final state) by id, with the state the index last recorded. */
  openDocuments(): ReadonlyMap<string, { state: DocumentState; year: number }> {
    return this.open;
  }

  /** Documents whose duplicate key hashes like this one's (the caller compares the real keys). */
  duplicateCandidates(key: string): string[] {
    const hit = this.dup.get(hash30(key));
    return hit === undefined ? [] : (Array.isArray(hit) ? hit : [hit]).map(unpack);
  }

  /** Outgoing documents registered under this duplicate key (outgoing-book.ts), oldest first. */
  outgoingWithKey(key: string): string[] {
    return this.outKeys.get(key) ?? [];
  }

  stateCounts(): Partial<Record<DocumentState, number>> {
    return Object.fromEntries([...this.counts].filter(([, n]) => n > 0));
  }

  /**
   * Visits numbered registrations whose arrival day is within [from, to] (YYYY-MM-DD, inclusive,
   * open-ended when absent), year by year, in the order they were indexed.
   */
  async scan(visit: (row: IndexedRow) => void, from?: string, to?: string, book: Book = 'incoming'): Promise<void> {
    await this.scanRegistrations((row, text) => {
      // the incoming book: numbered rows; the outgoing book: its rows (numbered by their printed số)
      if (book === 'outgoing' ? row.b !== 'o' : row.n === null) return;
      visit({ docId: row.d, year: row.y, number: row.n ?? 0, day: row.a, text });
    }, from, to);
  }

  /**
   * Visits every registration, numbered or not (held on paper), whose arrival day is within
   * [from, to]: the document id and arrival day (statistics read each document's file after).
   */
  async scanAll(visit: (row: { docId: string; day: string }) => void, from?: string, to?: string): Promise<void> {
    await this.scanRegistrations((row) => visit({ docId: row.d, day: row.a }), from, to);
  }

  private async scanRegistrations(visit: (row: RegRow, text: string) => void, from?: string, to?: string): Promise<void> {
    const years = [...this.years.keys()].sort((a, b) => a - b)
      .filter((y) => (!from || y >= Number(from.slice(0, 4))) && (!to || y <= Number(to.slice(0, 4))));
    for (const year of years) {
      const yf = this.years.get(year)!;
      const ranges: { start: number; end: number }[] = [];
      for (const b of yf.blocks) {
        if ((from && b.max < from) || (to && b.min > to)) continue;
        const last = ranges.at(-1);
        if (last && last.end === b.start) last.end = b.end;
        else ranges.push({ start: b.start, end: b.end });
      }
      for (const r of ranges) {
        await forEachLine(join(this.dir, `${year}.jsonl`), (line) => {
          const tab = line.indexOf('\t');
          if (tab < 0) return;
          let row: RegRow;
          try { row = JSON.parse(line.slice(0, tab)) as RegRow; } catch { return; }
          if ((from && row.a < from) || (to && row.a > to)) return;
          visit(row, line.slice(tab + 1));
        }, r.start, Math.min(r.end, yf.size));
      }
    }
  }
}
