import { queryWords } from './fold.js';
import { docIdOf, type RegisterIndex } from './register-index.js';

// Which registrations a register-book query selects: arrival day in [from, to], every word of `q`
// (folded: with or without tones) found in the entry's text. In book order (year, then số đến).

export interface BookFilter {
  /** First arrival day, YYYY-MM-DD (Vietnam), inclusive. */
  from?: string;
  /** Last arrival day, inclusive. */
  to?: string;
  /** Words to find: số đến, số ký hiệu, issuer, type, summary, signer, unit, note. */
  q?: string;
  /** Which book: the incoming one (default) or the outgoing one (sổ văn bản đi, in registration order). */
  book?: 'incoming' | 'outgoing';
}

export async function matchingIds(index: RegisterIndex, filter: BookFilter): Promise<string[]> {
  const words = queryWords(filter.q);
  const found: { year: number; number: number; docId: string }[] = [];
  await index.scan((row) => {
    if (words.every((w) => row.text.includes(w))) found.push({ year: row.year, number: row.number, docId: row.docId });
  }, filter.from, filter.to, filter.book);
  if (filter.book === 'outgoing') {
    // outgoing ids name their registration time (outgoing-book.ts): their order is the book's
    return [...new Set(found.map((f) => f.docId))].sort();
  }
  // (a line indexed again after a crash may come late in its file, and an index could in principle
  // list one twice: sorted and made unique here)
  found.sort((a, b) => a.year - b.year || a.number - b.number);
  const ids: string[] = [];
  for (const f of found) {
    const id = docIdOf(f.year, f.number);
    if (ids.at(-1) !== id) ids.push(id);
  }
  return ids;
}
