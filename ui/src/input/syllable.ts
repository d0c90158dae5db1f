import { isVowelBase, type Letter, type Tone } from './letters.js';

// One Vietnamese syllable: initial consonant(s), the vowel nucleus, the final consonant(s); and
// where its tone mark goes, by the standard rules:
//  1. a vowel with a mark (ă â ê ô ơ ư) takes the tone; with two of them (ươ) the last one does;
//  2. else in three vowels (oai, uyu, oay) the middle one;
//  3. else in two vowels: the second when a consonant follows (hoàng, huýt); otherwise the first
//     (mái, múa, mía) — except oa, oe, uy, where the "old" style writes hòa, khỏe, thủy and the
//     "new" style (Bộ GD&ĐT 1980s rules, many modern fonts) hoà, khoẻ, thuỷ;
//  4. a single vowel takes it.
// "qu" and "gi" before another vowel are consonants: quý, già, giữa (but gì: i is the vowel).

export type ToneStyle = 'old' | 'new';

export interface Syllable {
  /** Index of the first nucleus letter and how many there are (0 when the word has no vowel). */
  start: number;
  length: number;
  /** The letters after the nucleus, as plain lower-case text ("ng", "ch", "" …). */
  final: string;
}

const FINALS = new Set(['', 'c', 'ch', 'm', 'n', 'ng', 'nh', 'p', 't']);
const NEW_STYLE_PAIRS = new Set(['oa', 'oe', 'uy']);

export function parseSyllable(letters: Letter[]): Syllable {
  let i = 0;
  while (i < letters.length && !isVowelBase(letters[i]!.base)) i++;
  const [prev, here, next] = [letters[i - 1], letters[i], letters[i + 1]];
  // qu + vowel, gi + vowel: the u / i belongs to the consonant.
  const glide = here && next && isVowelBase(next.base) && here.mark === '' && i === 1
    && ((prev?.base === 'q' && here.base === 'u') || (prev?.base === 'g' && here.base === 'i'));
  if (glide) i++;
  let end = i;
  while (end < letters.length && isVowelBase(letters[end]!.base)) end++;
  const final = letters.slice(end).map((l) => l.base).join('');
  return { start: i, length: end - i, final };
}

/** The syllable can carry a tone: one to three vowels and a Vietnamese final (or none). */
export function canCarryTone(letters: Letter[]): boolean {
  const s = parseSyllable(letters);
  return s.length >= 1 && s.length <= 3 && FINALS.has(s.final) && !letters.slice(s.start + s.length).some((l) => l.mark === 'bar');
}

/** Index of the letter that carries the tone, or -1. */
export function toneIndex(letters: Letter[], style: ToneStyle): number {
  const s = parseSyllable(letters);
  if (s.length === 0) return -1;
  const nucleus = letters.slice(s.start, s.start + s.length);
  let marked = -1;
  nucleus.forEach((l, k) => { if (l.mark !== '') marked = k; });
  if (marked >= 0) return s.start + marked;
  if (s.length >= 3) return s.start + 1;
  if (s.length === 2) {
    if (s.final !== '') return s.start + 1;
    const pair = nucleus.map((l) => l.base).join('');
    return s.start + (style === 'new' && NEW_STYLE_PAIRS.has(pair) ? 1 : 0);
  }
  return s.start;
}

export function toneOf(letters: Letter[]): Tone {
  return letters.find((l) => l.tone !== 0)?.tone ?? 0;
}

/**
 * The word written properly: the horn pair as "ươ" when something follows it (người, hương) and
 * "uơ" at the end (thuở, huơ); the tone on the letter the rules give.
 */
export function normalise(letters: Letter[], style: ToneStyle): Letter[] {
  const out = letters.map((l) => ({ ...l }));
  const s = parseSyllable(out);
  for (let k = s.start; k < s.start + s.length - 1; k++) {
    const u = out[k]!;
    const o = out[k + 1]!;
    if (u.base === 'u' && o.base === 'o' && o.mark === 'horn') {
      const open = k + 1 === s.start + s.length - 1 && s.final === '';
      u.mark = open ? '' : 'horn';
    }
  }
  const tone = toneOf(out);
  if (tone === 0) return out;
  const at = toneIndex(out, style);
  if (at < 0) return out;
  out.forEach((l) => { l.tone = 0; });
  out[at]!.tone = tone;
  return out;
}
