import { existsSync } from 'node:fs';

// The signed PDF files of one document. A document over 50 MB is signed as page-split parts
// (Tuyên Quang art. 8.4): part 1 is `<docId>.pdf`, part k ≥ 2 `<docId>.p<k>.pdf` beside it — the
// names the filing queue writes (pipeline/filing-queue.ts signedPdfPath / signedPartPath; a test
// checks that both agree). Parts 2… are written before part 1, so with part 1 there, all are.

/** Part k (1-based) of the document whose part 1 is `part1`. */
export function signedPartPath(part1: string, k: number): string {
  return k === 1 ? part1 : part1.replace(/\.pdf$/, `.p${k}.pdf`);
}

/** Every signed part present, in order, from part 1 (empty when part 1 is missing). */
export function signedParts(part1: string | undefined): string[] {
  const parts: string[] = [];
  if (!part1) return parts;
  for (let k = 1; existsSync(signedPartPath(part1, k)); k++) parts.push(signedPartPath(part1, k));
  return parts;
}
