import type { OcrPage, OcrWord, SymbolChoice } from '../ocr/ocr.js';
import { knownWord, pairCount, wordCount } from './vn-words.js';
import { isNameSyllable } from './names.js';
import { DISTRICT_NAMES, PROVINCE_NAMES } from './places.js';

// The OCR engine says what else a symbol could be (tesseract's LSTM choices, ocr/hocr.ts); a
// Vietnamese syllable model chooses. For a word read with a doubtful mark, every spelling the
// choices allow (one or two marks swapped) is scored by
//   log P_ocr(spelling) + log P_lm(spelling | neighbours)
// where P_ocr is the product of the symbols' shares of their position's choice confidences and
// P_lm says whether the syllable is a word of the project's texts (the regulations in
// shared/seeds, the administrative phrases, the name list: vn-words.ts, names.ts) and how often
// it follows the word before and precedes the word after there. The best spelling replaces the read; the word's confidence
// becomes at most its posterior among the spellings, so that a word chosen between close
// alternatives ("Mỹ"/"My", "Mẫn"/"Mận") is never shown sure. Words without choices, or whose
// every symbol is sure, are left as they are.

/** A position is doubtful when another reading has at least this share of the position's confidence mass. */
const ALT_SHARE = 0.1;
/** At most this many spellings per word (two swaps among the doubtful positions). */
const MAX_SPELLINGS = 64;

/** Log-score of a spelling that is no word of the model's lists. */
const UNKNOWN = 2 * Math.log(ALT_SHARE);

interface Spelling { text: string; logOcr: number }

/** Same letter up to case and diacritics ("ố"/"ổ", "i"/"ị", "a"/"â"; "đ" stays apart from "d"). */
const base = (c: string): string => c.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLocaleLowerCase('vi');
const sameFamily = (a: string, b: string): boolean => /^\p{L}$/u.test(a) && /^\p{L}$/u.test(b) && a.toLocaleLowerCase('vi') !== b.toLocaleLowerCase('vi') && base(a) === base(b);

function spellings(choices: SymbolChoice[][]): Spelling[] {
  // only the marks are in question (the errors that give another real word): a choice of another
  // letter, of case, of punctuation or digit is not; a position's readings share its mass by
  // their confidences squared (tesseract's per-choice confidences are not a distribution and
  // overrate second choices)
  const shares = choices.map((list) => {
    const fam = list.filter((c, i) => i === 0 || sameFamily(c.text, list[0]!.text));
    const total = fam.reduce((a, c) => a + Math.max(c.confidence, 0.5) ** 2, 0);
    return fam.map((c) => ({ text: c.text, p: Math.max(c.confidence, 0.5) ** 2 / total }));
  });
  const base0 = shares.map((s) => s[0]!);
  const doubtful = shares.map((s, i) => ({ i, alts: s.slice(1).filter((c) => c.p >= ALT_SHARE) })).filter((d) => d.alts.length);
  const out: Spelling[] = [];
  const push = (pick: Map<number, { text: string; p: number }>): void => {
    const syms = base0.map((b, i) => pick.get(i) ?? b);
    out.push({ text: syms.map((s) => s.text).join(''), logOcr: syms.reduce((a, s) => a + Math.log(s.p), 0) });
  };
  push(new Map());
  for (let a = 0; a < doubtful.length && out.length < MAX_SPELLINGS; a++) {
    for (const x of doubtful[a]!.alts) {
      push(new Map([[doubtful[a]!.i, x]]));
      for (let b = a + 1; b < doubtful.length && out.length < MAX_SPELLINGS; b++) {
        for (const y of doubtful[b]!.alts) push(new Map([[doubtful[a]!.i, x], [doubtful[b]!.i, y]]));
      }
    }
  }
  return out;
}

// the word pairs of place names ("vũng tàu", "bà rịa") count as pairs of the texts (places are one
// class in vn-words.ts's pair model, so their inner pairs are not there)
const PLACE_PAIRS = new Map<string, number>();
for (const name of [...PROVINCE_NAMES, ...DISTRICT_NAMES]) {
  const w = name.toLocaleLowerCase('vi').split(/\s+/).filter((x) => x !== '-');
  for (let i = 1; i < w.length; i++) PLACE_PAIRS.set(`${w[i - 1]} ${w[i]}`, 10);
}
const placePair = (a: string | null, b: string | null): number => (a && b ? PLACE_PAIRS.get(`${a.toLocaleLowerCase('vi')} ${b.toLocaleLowerCase('vi')}`) ?? 0 : 0);

/** Log-score of a word in context: unknown words are improbable, known ones by their count and their pairs. */
function logLm(w: string, prev: string | null, next: string | null): number {
  const core = w.replace(/^[^\p{L}\d]+|[^\p{L}\d]+$/gu, '');
  if (!core || !/\p{L}/u.test(core)) return 0;
  // a word's own frequency is not used: a rare right word ("trọng", the name "Đinh") must not be
  // given up for a frequent one ("trong", "định"); its neighbours decide. A word of no list is as
  // unlikely as a symbol at a tenth of its position's mass, twice.
  const known = wordCount(core) > 0 || knownWord(core) || isNameSyllable(core);
  const pairs = pairCount(prev, core) + pairCount(core, next) + placePair(prev, core) + placePair(core, next);
  return (known ? 0 : UNKNOWN) + Math.log(1 + pairs);
}

export interface WordChoice {
  /** The spelling chosen. */
  text: string;
  /** Its posterior among the spellings the choices allow (1 when the word had no doubtful symbol). */
  posterior: number;
}

/** The best spelling of a word among its choices, in context; null when the word has no doubtful symbol. */
export function chooseSpelling(word: OcrWord, prev: string | null, next: string | null): WordChoice | null {
  // choices that no longer spell the word (a re-read stripped characters) are not this word's
  if (!word.choices?.length || word.choices.map((c) => c[0]!.text).join('') !== word.text) return null;
  const cands = spellings(word.choices);
  if (cands.length < 2) return null;
  // one entry per distinct spelling (two symbol paths can spell the same)
  const byText = new Map<string, number>();
  for (const c of cands) {
    const s = c.logOcr + logLm(c.text, prev, next);
    byText.set(c.text, Math.max(byText.get(c.text) ?? -Infinity, s));
  }
  const scored = [...byText].sort((a, b) => b[1] - a[1]);
  const top = scored[0]![1];
  const z = scored.reduce((a, [, s]) => a + Math.exp(s - top), 0);
  return { text: scored[0]![0], posterior: 1 / z };
}

const core = (t: string | undefined): string | null => (t ? t.replace(/^[^\p{L}\d]+|[^\p{L}\d]+$/gu, '') || null : null);
const key = (t: string): string | null => core(t)?.toLocaleLowerCase('vi') ?? null;

/**
 * Every word of the page with symbol choices re-spelled by the syllable model; a word's
 * confidence is capped by the posterior of its spelling. Also returns the posterior of each
 * chosen spelling (by text, the lowest when a text occurs twice) for the fields' evidence.
 */
export function chooseAmongAlternatives(page: OcrPage): { page: OcrPage; posteriors: Map<string, number> } {
  const posteriors = new Map<string, number>();
  let touched = false;
  const lines = page.lines.map((l) => {
    let changed = false;
    const words = l.words.map((w, i) => {
      const pick = chooseSpelling(w, core(l.words[i - 1]?.text), core(l.words[i + 1]?.text));
      if (!pick) return w;
      const text = pick.text;
      const k = key(text);
      if (k && pick.posterior < 0.999) posteriors.set(k, Math.min(posteriors.get(k) ?? 1, pick.posterior));
      const confidence = Math.min(w.confidence, Math.round(pick.posterior * 1000) / 10);
      if (text === w.text && confidence === w.confidence) return w;
      changed = true;
      return { ...w, text, confidence };
    });
    if (!changed) return l;
    touched = true;
    return { ...l, words, text: words.map((w) => w.text).join(' ') };
  });
  if (!touched) return { page, posteriors };
  return { page: { ...page, lines, text: lines.map((l) => l.text).join('\n') }, posteriors };
}

/** The lowest posterior among the words of a field's value that were chosen between spellings (1 when none was). */
export function fieldPosterior(value: string | string[] | null | undefined, posteriors: Map<string, number>): number {
  if (!value || !posteriors.size) return 1;
  let p = 1;
  for (const w of (Array.isArray(value) ? value.join(' ') : value).split(/\s+/)) {
    const k = key(w);
    if (k) p = Math.min(p, posteriors.get(k) ?? 1);
  }
  return p;
}
