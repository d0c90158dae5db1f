import { readFileSync } from 'node:fs';
import { toneKey } from './tone.js';

// Every syllable Vietnamese spells (~6,600), from Debian's hunspell-vi word list: a dependency
// of the package and of provisioning/setup.sh, read once, when first needed. It tells a syllable
// printed as read ("Thêu", "Gấm": names no name list holds) from a misread no syllable spells
// ("mườơng"). Without the file nothing is a known syllable, and the extractor keeps its name
// lists alone (as before the list was added): `sohoa selftest` says so.

export const SYLLABLE_LIST = process.env.SOHOA_VI_SYLLABLES ?? '/usr/share/hunspell/vi_VN.dic';

function load(path: string): Set<string> {
  try {
    const lines = readFileSync(path, 'utf8').split('\n');
    // a hunspell .dic: the count on the first line, then one entry per line ("word/FLAGS")
    return new Set(lines.slice(1).map((l) => l.split('/')[0]!.trim()).filter(Boolean).map(toneKey));
  } catch {
    return new Set();
  }
}

// (not at start-up: the service starts without reading a page)
let syllables: Set<string> | undefined;
const list = (): Set<string> => (syllables ??= load(SYLLABLE_LIST));

/** Whether the Vietnamese syllable list could be read (for the self-test). */
export const syllableListLoaded = (): boolean => list().size > 0;

/** A Vietnamese syllable, any case, the tone mark on either vowel (the list has "hoà", "hòa" holds too). */
export const isVietnameseSyllable = (word: string): boolean => list().has(toneKey(word));
