import { charOf, letterOf, lettersOf, type Letter, type Mark, type Tone } from './letters.js';
import { canCarryTone, normalise, parseSyllable, toneOf, type ToneStyle } from './syllable.js';

// Vietnamese typing, Telex or VNI, as a pure function: the word just before the caret and one
// key in, the word to put in its place out. Marks and tones may be typed anywhere in the word
// (after the final consonant too: "Vieetj" → "Việt", "tieengs" → "tiếng"); the tone always sits
// where the standard rules put it (syllable.ts) and moves when the word grows ("hòa" + n →
// "hoàn"). Typing the same mark key twice takes the mark off and types the key itself ("ass" →
// "as", "aaa" → "aa"), the way Unikey does, so a plain letter is always reachable.
//
//   Telex: s f r x j = sắc huyền hỏi ngã nặng, z = no tone; aa ee oo = â ê ô; aw ow uw = ă ơ ư,
//          uow = ươ, w alone = ư; dd = đ.
//   VNI:   1 2 3 4 5 = sắc huyền hỏi ngã nặng, 0 = no tone; 6 = â ê ô; 7 = ơ ư (uo7 = ươ); 8 = ă; 9 = đ.

/** 'off': letters as they are (a technician typing an address, a file path or a code). */
export type InputMethod = 'telex' | 'vni' | 'off';

export interface InputOptions {
  method: InputMethod;
  toneStyle: ToneStyle;
}

type Action =
  | { kind: 'tone'; tone: Tone }
  | { kind: 'circumflex'; base: 'a' | 'e' | 'o' | null } // null: VNI 6, whichever of a e o is there
  | { kind: 'horn'; breve: boolean; alone: boolean } // Telex w: ơ ư or ă, "ư" on its own
  | { kind: 'breve' }
  | { kind: 'hornOnly' }
  | { kind: 'bar' };

const TELEX: Record<string, Action> = {
  s: { kind: 'tone', tone: 1 }, f: { kind: 'tone', tone: 2 }, r: { kind: 'tone', tone: 3 },
  x: { kind: 'tone', tone: 4 }, j: { kind: 'tone', tone: 5 }, z: { kind: 'tone', tone: 0 },
  a: { kind: 'circumflex', base: 'a' }, e: { kind: 'circumflex', base: 'e' }, o: { kind: 'circumflex', base: 'o' },
  w: { kind: 'horn', breve: true, alone: true }, d: { kind: 'bar' },
};
const VNI: Record<string, Action> = {
  1: { kind: 'tone', tone: 1 }, 2: { kind: 'tone', tone: 2 }, 3: { kind: 'tone', tone: 3 },
  4: { kind: 'tone', tone: 4 }, 5: { kind: 'tone', tone: 5 }, 0: { kind: 'tone', tone: 0 },
  6: { kind: 'circumflex', base: null }, 7: { kind: 'hornOnly' }, 8: { kind: 'breve' }, 9: { kind: 'bar' },
};

// Vowel groups a circumflex, horn or breve may produce (anything else types the key as a letter).
const NUCLEI = new Set(('a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê '
  + 'iêu oai oay oeo uây uôi uya uyê uyu ươi ươu yêu').split(' '));

/** The word that replaces `word` once `key` is typed after it. */
export function typeKey(word: string, key: string, options: InputOptions): string {
  const letters = lettersOf(word);
  const keyLetter = letterOf(key);
  const action = key.length === 1 ? (options.method === 'telex' ? TELEX[key.toLowerCase()] : options.method === 'vni' ? VNI[key] : undefined) : undefined;
  if (!letters || options.method === 'off') return word + key;
  const done = action && apply(letters, action, key, keyLetter, options.toneStyle);
  if (done) return typeof done === 'string' ? done : show(done);
  if (!keyLetter) return word + key;
  return show(normalise([...letters, keyLetter], options.toneStyle));
}

/** A word typed key by key from nothing (the unit tables use it; so may a caller replaying keys). */
export function typeKeys(keys: string, options: InputOptions): string {
  let text = '';
  for (const k of keys) {
    const m = /\p{L}*$/u.exec(text)!;
    text = text.slice(0, m.index) + typeKey(m[0], k, options);
  }
  return text;
}

const show = (letters: Letter[]) => letters.map(charOf).join('');

/**
 * The letters after the key (or, when the key took a mark off, the text with the key typed
 * after it), or null when the key is to be typed as it is.
 */
function apply(letters: Letter[], action: Action, key: string, keyLetter: Letter | null, style: ToneStyle): Letter[] | string | null {
  const undo: Undo = (clear) => {
    const out = letters.map((l) => ({ ...l }));
    clear(out);
    return show(normalise(out, style)) + key;
  };
  switch (action.kind) {
    case 'tone': {
      if (!canCarryTone(letters)) return null;
      const now = toneOf(letters);
      if (action.tone === 0) {
        if (now === 0) return null;
        return normalise(letters.map((l) => ({ ...l, tone: 0 as Tone })), style);
      }
      if (now === action.tone) return undo((ls) => ls.forEach((l) => { l.tone = 0; }));
      return normalise(placeFirstVowel(letters.map((l) => ({ ...l })), action.tone), style);
    }
    case 'circumflex':
      return mark(letters, action.base ? [action.base] : ['a', 'e', 'o'], 'circumflex', undo, style);
    case 'breve':
      return mark(letters, ['a'], 'breve', undo, style);
    case 'hornOnly':
    case 'horn':
      return horn(letters, action.kind === 'horn', undo, style, keyLetter);
    case 'bar': {
      const first = letters[0];
      const last = letters.at(-1);
      if (first?.base === 'd' && first.mark === 'bar') return undo((ls) => { ls[0]!.mark = ''; });
      const noVowel = parseSyllable(letters).length === 0;
      const at = first?.base === 'd' ? 0 : last?.base === 'd' && last.mark === '' && noVowel ? letters.length - 1 : -1;
      if (at < 0) return null;
      const out = letters.map((l) => ({ ...l }));
      out[at]!.mark = 'bar';
      return out;
    }
  }
}

/** The tone on some vowel: normalise() then moves it to the letter the rules give. */
function placeFirstVowel(letters: Letter[], tone: Tone): Letter[] {
  const s = parseSyllable(letters);
  letters.forEach((l, i) => { l.tone = i === s.start ? tone : 0; });
  return letters;
}

type Undo = (clear: (ls: Letter[]) => void) => string;

function nucleusText(letters: Letter[]): string {
  const s = parseSyllable(letters);
  return letters.slice(s.start, s.start + s.length).map((l) => charOf({ ...l, tone: 0, upper: false })).join('');
}

/** â ê ô (or ă): on the last vowel of those bases that makes a Vietnamese vowel group. */
function mark(letters: Letter[], bases: string[], want: Mark, undo: Undo, style: ToneStyle): Letter[] | string | null {
  const s = parseSyllable(letters);
  for (let i = s.start + s.length - 1; i >= s.start; i--) {
    const l = letters[i]!;
    if (!bases.includes(l.base)) continue;
    if (l.mark === want) return undo((ls) => { ls[i]!.mark = ''; });
    const out = letters.map((x) => ({ ...x }));
    out[i]!.mark = want;
    if (NUCLEI.has(nucleusText(out))) return normalise(out, style);
  }
  return null;
}

/** ơ ư (uo → ươ), and for Telex w also ă and a lone "ư". */
function horn(letters: Letter[], telex: boolean, undo: Undo, style: ToneStyle, keyLetter: Letter | null): Letter[] | string | null {
  const s = parseSyllable(letters);
  const end = s.start + s.length;
  for (let i = s.start; i < end - 1; i++) {
    const u = letters[i]!;
    const o = letters[i + 1]!;
    if (u.base !== 'u' || o.base !== 'o') continue;
    if (o.mark === 'horn') return undo((ls) => { ls[i]!.mark = ''; ls[i + 1]!.mark = ''; });
    if (o.mark !== '') continue;
    const out = letters.map((x) => ({ ...x }));
    out[i]!.mark = 'horn';
    out[i + 1]!.mark = 'horn';
    return normalise(out, style);
  }
  for (let i = end - 1; i >= s.start; i--) {
    const l = letters[i]!;
    const want: Mark | null = l.base === 'o' || l.base === 'u' ? 'horn' : l.base === 'a' && telex ? 'breve' : null;
    if (!want) continue;
    if (l.mark === want) return undo((ls) => { ls[i]!.mark = ''; });
    const out = letters.map((x) => ({ ...x }));
    out[i]!.mark = want;
    if (NUCLEI.has(nucleusText(out))) return normalise(out, style);
  }
  // Telex: w where no vowel can take it types "ư" (tw → tư, nhw → như).
  if (telex && s.length === 0 && keyLetter) {
    return normalise([...letters, { base: 'u', mark: 'horn', tone: 0, upper: keyLetter.upper }], style);
  }
  return null;
}
