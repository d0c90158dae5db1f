// "Did you mean …?" for a mistyped key: the closest known key by edit distance, among the keys
// of the same group first, then anywhere in the schema (a key put in the wrong group).

/** Levenshtein distance (insert, delete, substitute; a swap of neighbours counts as one). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Close enough to be a typo: about one mistake in three letters, at least one. */
const close = (typed: string, known: string) => editDistance(typed.toLowerCase(), known.toLowerCase()) <= Math.max(1, Math.floor(known.length / 3));

/**
 * The key the person probably meant: `siblings` are the keys of the group the unknown key is in
 * (full paths), `everywhere` every key path of the schema.
 */
export function suggestKey(typedPath: string, siblings: string[], everywhere: string[]): string | undefined {
  const last = (p: string) => p.slice(p.lastIndexOf('.') + 1);
  const typed = last(typedPath);
  const best = (cands: string[]) => cands
    .filter((c) => close(typed, last(c)))
    .sort((x, y) => editDistance(typed, last(x)) - editDistance(typed, last(y)))[0];
  return best(siblings) ?? everywhere.find((p) => last(p).toLowerCase() === typed.toLowerCase()) ?? best(everywhere);
}
