// Vietnamese letters taken apart and put back together: a letter is a base (a e i o u y d and the
// other Latin letters), a mark on the base (ă â ê ô ơ ư đ) and, for vowels, one of five tones.
// The input engine works on these parts, never on precomposed code points directly.

export type Mark = '' | 'breve' | 'circumflex' | 'horn' | 'bar';
/** 0 no tone, 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng (the order of the VNI digits). */
export type Tone = 0 | 1 | 2 | 3 | 4 | 5;

export interface Letter {
  base: string; // lower-case a–z
  mark: Mark;
  tone: Tone;
  upper: boolean;
}

// Each row: base+mark, then the letter with tones 0–5.
const VOWELS: [string, Mark, string][] = [
  ['a', '', 'aáàảãạ'], ['a', 'breve', 'ăắằẳẵặ'], ['a', 'circumflex', 'âấầẩẫậ'],
  ['e', '', 'eéèẻẽẹ'], ['e', 'circumflex', 'êếềểễệ'],
  ['i', '', 'iíìỉĩị'],
  ['o', '', 'oóòỏõọ'], ['o', 'circumflex', 'ôốồổỗộ'], ['o', 'horn', 'ơớờởỡợ'],
  ['u', '', 'uúùủũụ'], ['u', 'horn', 'ưứừửữự'],
  ['y', '', 'yýỳỷỹỵ'],
];

const PARTS = new Map<string, Letter>();
const BUILD = new Map<string, string>();
for (const [base, mark, forms] of VOWELS) {
  [...forms].forEach((ch, tone) => {
    PARTS.set(ch, { base, mark, tone: tone as Tone, upper: false });
    BUILD.set(`${base}${mark}${tone}`, ch);
  });
}
PARTS.set('đ', { base: 'd', mark: 'bar', tone: 0, upper: false });
BUILD.set('dbar0', 'đ');

export const isVowelBase = (base: string): boolean => 'aeiouy'.includes(base) && base.length === 1;

/** The parts of one (NFC) character, or null for anything that is not a letter. */
export function letterOf(ch: string): Letter | null {
  const lower = ch.toLocaleLowerCase('vi');
  const upper = ch !== lower;
  const known = PARTS.get(lower);
  if (known) return { ...known, upper };
  if (/^[a-z]$/.test(lower)) return { base: lower, mark: '', tone: 0, upper };
  return null;
}

/** Puts the parts back together; a mark the base cannot carry is dropped. */
export function charOf(l: Letter): string {
  const tone = isVowelBase(l.base) ? l.tone : 0;
  const ch = BUILD.get(`${l.base}${l.mark}${tone}`) ?? BUILD.get(`${l.base}${tone}`) ?? l.base;
  return l.upper ? ch.toLocaleUpperCase('vi') : ch;
}

/** Splits a word into letters; null when it holds anything else (digits, punctuation). */
export function lettersOf(word: string): Letter[] | null {
  const out: Letter[] = [];
  for (const ch of word.normalize('NFC')) {
    const l = letterOf(ch);
    if (!l) return null;
    out.push(l);
  }
  return out;
}
