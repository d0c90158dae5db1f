import { levenshtein } from './vn-text.js';
import { toneKey } from './tone.js';
import { BODY_PHRASES, knownWord } from './vn-words.js';
import { DEPARTMENTS, MINISTRIES } from './agency-directory.js';
import { DISTRICT_NAMES, PROVINCE_NAMES } from './places.js';
import { isAbbreviation, properWord } from './recipients.js';

// A "Nơi nhận" item is a phrase, not a string of words: a body of the state or the political
// system ("Kho bạc Nhà nước", "Hội Chữ thập đỏ", "TT HĐND"), then maybe its scope ("tỉnh", "huyện",
// a place: "Đà Nẵng") and a note ("(b/c)"). An item read wrongly is matched whole against the
// phrases built from the project's administrative vocabularies (vn-words BODY_PHRASES, the agency
// directory's departments and ministries, the places of the document), with the abbreviations
// NĐ30 lists use, by a word alignment whose costs are letters changed and words lost or added.
// The nearest phrase replaces the reading when it explains it at a lower cost than taking the
// reading as an item the vocabulary does not know (AS_READ, plus WORD for each of its words that is
// no word): one rule in place of repairs for particular strings.

/** Cost of one word lost (under the seal, past the column) or one word of debris read in. */
const WORD = 2;
/**
 * Cost of taking a reading as an item outside the vocabulary (a body the lists lack, a name): a
 * reading whose every word is a word is kept unless a phrase explains it with at most one word lost
 * or two letters changed.
 */
const AS_READ = 2.5;

/** Abbreviations of recipient items (NĐ30 App. I practice) and the words they stand for. */
const ABBREVIATIONS: Array<[string, string]> = [
  ['ủy ban nhân dân', 'UBND'], ['hội đồng nhân dân', 'HĐND'], ['mặt trận tổ quốc', 'MTTQ'], ['thường trực', 'TT'],
  ['đại biểu quốc hội', 'ĐBQH'], ['thông tin điện tử', 'TTĐT'], ['phó chủ tịch', 'PCT'], ['phó chánh văn phòng', 'PCVP'],
  ['chánh văn phòng', 'CVP'], ['bảo hiểm xã hội', 'BHXH'],
];
/** What may follow a body's name: its level or the party committee, or a place of the document. */
const SCOPES = ['tỉnh', 'huyện', 'xã', 'thị xã', 'thành phố', 'quận', 'phường', 'thị trấn', 'tỉnh ủy', 'huyện ủy', 'UBND tỉnh', 'UBND huyện', 'HĐND tỉnh'];
/** Notes closing an item. */
const NOTES = ['(b/c)', '(để biết)', '(để thực hiện)', '(để b/c)', '(thay b/c)'];

/** A word compared: lower case, the tone mark's place aside ("hoà"/"hòa"), composed (one letter per letter). */
const low = (w: string): string => toneKey(w.toLocaleLowerCase('vi'));
/** A word as letters are counted: lower case, composed (a tone mark changed is one letter changed). */
const plain = (w: string): string => w.toLocaleLowerCase('vi').normalize('NFC');
const lowCache = new Map<string, string>();
/** low() of a phrase word (a closed set: cached). */
const lowOf = (w: string): string => { let v = lowCache.get(w); if (v === undefined) { v = low(w); lowCache.set(w, v); } return v; };

/** Every spelling of a phrase with its long forms written as NĐ30 abbreviates them (some or all). */
function abbreviated(phrase: string): string[] {
  let out = [phrase];
  for (const [long, abbr] of ABBREVIATIONS) {
    out = out.flatMap((p) => (p.includes(long) ? [p, p.replace(long, abbr)] : [p]));
  }
  return out;
}

let bodies: string[][] | null = null;
/** The bodies, tokenised (commas kept on their word), "<place>" where a place goes. */
function bodyPhrases(): string[][] {
  if (bodies) return bodies;
  const raw = [
    ...BODY_PHRASES.split(/[\n;]+/u).map((p) => p.trim()).filter((p) => p && !p.startsWith('lưu')),
    ...[...DEPARTMENTS, ...MINISTRIES].map((p) => p.toLocaleLowerCase('vi')),
  ];
  const seen = new Set<string>();
  bodies = [];
  for (const p of raw.flatMap(abbreviated)) {
    if (seen.has(p)) continue;
    seen.add(p);
    bodies.push(p.split(/\s+/u));
  }
  return bodies;
}

/** Places of the document (the issuer's province, the date line's place, places in other items), as spelt in the lists. */
export function documentPlaces(texts: Array<string | null>): string[] {
  const all = [...PROVINCE_NAMES, ...DISTRICT_NAMES];
  const key = (s: string): string => s.split(/\s+/u).map(low).join(' ');
  const out = new Set<string>();
  for (const t of texts) {
    if (!t) continue;
    const k = ` ${key(t.replace(/[,.;()]/gu, ' '))} `;
    for (const p of all) if (k.includes(` ${key(p)} `)) out.add(p);
  }
  return [...out];
}

/** Whether a word of a reading is a word (of the language, an abbreviation, a place or name, a number, a note). */
const isWord = (w: string): boolean => {
  const core = w.replace(/^[(]+|[),.;:]+$/gu, '');
  return /^\d+$/u.test(core) || core === 'b/c' || isAbbreviation(core) || (knownWord(core) && core.length > 1) || properWord(core);
};

/**
 * Cost of dropping a word of the reading as debris: a non-word costs its letters (at most WORD), a
 * word of the language more than a lost word (a word read is evidence; a word not read is not).
 */
const del = (r: string): number => (isWord(r) ? WORD * 1.5 : Math.min(WORD, r.replace(/[^\p{L}\d]/gu, '').length || 0.5));

/**
 * Cost of reading phrase word `b` as `a`: the letters changed while they are at most half the
 * word's; beyond that the word was not misread but another one is there (debris read in, the
 * phrase's word lost): a drop and a loss.
 */
const subCost = (a: string, b: string, dropA: number): number => {
  const d = levenshtein(a, b);
  return d <= Math.max(1, Math.floor(b.length / 2)) ? d : dropA + WORD;
};

export interface PhraseMatch {
  /** The item as the nearest phrase spells it (the reading's own spelling where they agree). */
  item: string;
  /** Whether a phrase of the vocabulary explains the item (exactly, or at a cost lower than reading it as it is). */
  explained: boolean;
  /** Letters and words changed. */
  cost: number;
  /** Two phrases explain the item equally well and the reading does not ("Thường trực ủy": Tỉnh or Huyện lost). */
  ambiguous?: boolean;
}

/**
 * The item matched against the recipient phrases; `places` the document's places (documentPlaces).
 * "Lưu:" lines and personal recipients ("Đ/c …") are not phrases of this model: returned as they are.
 */
export function matchPhrase(item: string, places: string[] = []): PhraseMatch {
  if (/^Lưu\s*:/u.test(item)) return { item, explained: true, cost: 0 };
  // a person ("Đ/c" and a name): its opener is the one closed form, its slash often misread or lost
  const person = /^Đ[/íìi1l|\\]?c\s+(?=\p{Lu})/u.exec(item);
  if (person) return { item: item.replace(person[0], 'Đ/c '), explained: true, cost: person[0].trim() === 'Đ/c' ? 0 : 1 };
  const read = item.split(/\s+/u).filter(Boolean);
  if (!read.length) return { item, explained: false, cost: 0 };
  const n = read.length;
  const readLow = read.map(low);
  const readPlain = read.map(plain);
  const delCost = read.map(del);
  const number = read.map((r) => /^\d+$/u.test(r));
  // substitution costs of every read word against a phrase word, computed once per phrase word
  const subCache = new Map<string, number[]>();
  const subs = (p: string): number[] => {
    let v = subCache.get(p);
    if (!v) {
      const b = lowOf(p);
      v = readLow.map((a, i) => (a === b ? 0 : p === '<n>' ? (number[i] ? 0 : WORD) : subCost(readPlain[i]!, plain(p), delCost[i]!)));
      subCache.set(p, v);
    }
    return v;
  };
  // one DP column per phrase token: cost[i] = cheapest alignment of read[0..i) with the phrase so far
  const first = (): number[] => { const col = [0]; for (let i = 1; i <= n; i++) col.push(col[i - 1]! + delCost[i - 1]!); return col; };
  const step = (col: number[], p: string): number[] => {
    const sc = subs(p);
    const next = [col[0]! + WORD];
    for (let i = 1; i <= n; i++) next.push(Math.min(col[i]! + WORD, next[i - 1]! + delCost[i - 1]!, col[i - 1]! + sc[i - 1]!));
    return next;
  };
  const tails: string[][] = [[], ...SCOPES.map((s) => s.split(' ')), ...places.map((p) => p.split(/\s+/u))];
  const notes: string[][] = [[], ...NOTES.map((x) => [x]), ...NOTES.filter((x) => x.includes(' ')).map((x) => x.split(' '))];
  // the cheapest phrases (a few, to tell a tie between two readings from one reading reached twice)
  // a phrase costing as much as reading the item as it is would not be taken: the search starts there
  const asRead = AS_READ + WORD * read.filter((w) => !isWord(w)).length;
  let bestCost = asRead;
  let bests: string[][] = [];
  const consider = (tokens: string[], cost: number): void => {
    if (cost < bestCost - 1e-9 || (!bests.length && cost < bestCost)) { bestCost = cost; bests = [tokens]; } else if (Math.abs(cost - bestCost) < 1e-9 && bests.length < 8) bests.push(tokens);
  };
  for (const body of bodyPhrases()) {
    const fills = body.includes('<place>') ? places.map((p) => body.flatMap((t) => (t === '<place>' ? p.split(/\s+/u) : [t]))) : [body];
    for (const filled of fills) {
      let col = first();
      for (const t of filled) col = step(col, t);
      // costs only grow along a phrase: a phrase whose every alignment already costs more is left
      if (Math.min(...col) > bestCost) continue;
      for (const tail of body.includes('<place>') ? [[]] : tails) {
        let c2 = col;
        for (const t of tail) c2 = step(c2, t);
        if (Math.min(...c2) > bestCost) continue;
        for (const note of notes) {
          let c3 = c2;
          for (const t of note) c3 = step(c3, t);
          if (c3[n]! <= bestCost) consider([...filled, ...tail, ...note], c3[n]!);
        }
      }
    }
  }
  // generic items of every list
  for (const g of [['như', 'trên'], ['như', 'điều', '<n>']]) {
    let col = first();
    for (const t of g) col = step(col, t);
    if (col[n]! <= bestCost) consider(g, col[n]!);
  }
  if (bestCost === 0) return { item, explained: true, cost: 0 };
  if (!bests.length) return { item, explained: false, cost: asRead };
  // (a number the reading does not hold cannot be put back: "Như Điều <n>" from "Như Điều" is no item)
  const spelled = new Set(bests.map((t) => render(read, t)).filter((t) => !t.includes('<n>')));
  if (!spelled.size) return { item, explained: false, cost: bestCost };
  if (spelled.size !== 1 || bestCost >= asRead) return { item, explained: false, cost: bestCost, ambiguous: spelled.size > 1 && bestCost < asRead };
  return { item: [...spelled][0]!, explained: true, cost: bestCost };
}

/**
 * The phrase's tokens spelt for the item: a word the reading has (tone placement aside) as read, a
 * word changed in the case the reading wrote it, a word put back as the phrase spells it (places
 * and abbreviations in their own case), the first word capitalised.
 */
function render(read: string[], phrase: string[]): string {
  // align again (small): the cheapest path, keeping each phrase token's read partner
  const n = read.length; const m = phrase.length;
  const delCost = read.map(del);
  const subc = (r: string, p: string, i: number): number => (low(r) === low(p) ? 0 : p === '<n>' ? (/^\d+$/u.test(r) ? 0 : WORD) : subCost(plain(r), plain(p), delCost[i]!));
  const d: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = 1; i <= n; i++) d[i]![0] = d[i - 1]![0]! + delCost[i - 1]!;
  for (let j = 1; j <= m; j++) d[0]![j] = d[0]![j - 1]! + WORD;
  for (let i = 1; i <= n; i++) for (let j = 1; j <= m; j++) {
    d[i]![j] = Math.min(d[i - 1]![j]! + delCost[i - 1]!, d[i]![j - 1]! + WORD, d[i - 1]![j - 1]! + subc(read[i - 1]!, phrase[j - 1]!, i - 1));
  }
  const out: string[] = [];
  let i = n; let j = m;
  while (j > 0) {
    if (i > 0 && d[i]![j] === d[i - 1]![j - 1]! + subc(read[i - 1]!, phrase[j - 1]!, i - 1)) {
      const r = read[i - 1]!; const p = phrase[j - 1]!;
      // (a word another one replaced, not misread, tells nothing of the case: "TỦ" for "phòng")
      const misread = levenshtein(plain(r), plain(p)) <= Math.max(1, Math.floor(p.length / 2));
      out.push(low(r) === low(p) || p === '<n>' ? r : /\p{Lu}/u.test(p) ? p : misread && /^\p{Lu}/u.test(r) ? p[0]!.toLocaleUpperCase('vi') + p.slice(1) : p);
      i--; j--;
    } else if (i > 0 && d[i]![j] === d[i - 1]![j]! + delCost[i - 1]!) i--;
    else { out.push(phrase[j - 1]!); j--; }
  }
  out.reverse();
  if (out.length) out[0] = out[0]![0]!.toLocaleUpperCase('vi') + out[0]!.slice(1);
  return out.join(' ');
}
