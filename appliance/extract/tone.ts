import { fold, levenshtein } from './vn-text.js';

// Vietnamese tone marks may sit on either vowel of "oa/oe/uy" ("hoà" / "hòa", "UỶ" / "ỦY"): both
// are correct print. toneKey() ignores where the mark sits but not which mark it is.

const TONES = /[\u0300\u0301\u0303\u0309\u0323]/g;

export function toneKey(word: string): string {
  const nfd = word.normalize('NFD');
  const tone = nfd.match(TONES)?.[0] ?? '';
  return nfd.replace(TONES, '').normalize('NFC').toLocaleLowerCase('vi') + tone;
}

/** toneKey() of every word of a phrase: "ỦY BAN" and "Uỷ ban" have the same key. */
export function phraseToneKey(phrase: string): string {
  return phrase.trim().split(/\s+/).filter(Boolean).map(toneKey).join(' ');
}

/** A lexicon of correctly spelled words, looked up by diacritic-free key for repairs. */
export class Lexicon {
  private readonly keys = new Set<string>();
  private readonly byFold = new Map<string, string[]>();

  constructor(words: Iterable<string>) {
    for (const w of words) this.add(w);
  }

  add(word: string): void {
    const k = toneKey(word);
    if (this.keys.has(k)) return;
    this.keys.add(k);
    const f = fold(word);
    this.byFold.set(f, [...(this.byFold.get(f) ?? []), word]);
  }

  has(word: string): boolean { return this.keys.has(toneKey(word)); }

  /**
   * The only known word one letter away from `word` (diacritics aside; at least 4 letters), or
   * null: "GLAM" → "GIÁM". For small closed lexicons (titles) where a near miss is unambiguous.
   */
  nearRepair(word: string): string | null {
    const f = fold(word);
    if (f.length < 4) return null;
    let found: string | null = null;
    for (const [k, spellings] of this.byFold) {
      if (Math.abs(k.length - f.length) > 1 || levenshtein(k, f) > 1) continue;
      if (found || spellings.length !== 1) return null;
      found = spellings[0]!;
    }
    return found;
  }

  /** The known spellings with the same letters (diacritics aside). */
  sameLetters(word: string): string[] {
    return this.byFold.get(fold(word)) ?? [];
  }

  /** The only known spelling with the same letters (diacritics aside), or null when none or several. */
  uniqueRepair(word: string): string | null {
    const c = this.byFold.get(fold(word));
    return c && c.length === 1 ? c[0]! : null;
  }
}

/** Copies the case pattern of `model` onto `word` (all caps, Title, lower). */
export function matchCase(word: string, model: string): string {
  if (model === model.toLocaleUpperCase('vi')) return word.toLocaleUpperCase('vi');
  if (model[0] === model[0]?.toLocaleUpperCase('vi')) return word[0]!.toLocaleUpperCase('vi') + word.slice(1).toLocaleLowerCase('vi');
  return word.toLocaleLowerCase('vi');
}
