import { readFileSync } from 'node:fs';
import { fold, foldedLetters, levenshtein } from './vn-text.js';
import { Lexicon, matchCase, toneKey } from './tone.js';
import { endsWithKnownPlace, isKnownPlace, placeByLetters, repairDatePlace, repairPlaceInAgency } from './places.js';
import { knownWord, pairCount, repairText } from './vn-words.js';
import { isVietnameseSyllable } from './vn-syllables.js';

// Agency names: a built-in list (ministries, the 63 provinces, the usual departments) plus a
// provisioned list with identifiers (OrganId). Used to split the header into parent + issuer,
// to repair OCR'd agency words, and to find the issuer's identifier.

export interface AgencyEntry { name: string; id?: string; parent?: string }

export const PROVINCES = `An Giang|Bà Rịa - Vũng Tàu|Bắc Giang|Bắc Kạn|Bạc Liêu|Bắc Ninh|Bến Tre|Bình Định|Bình Dương|Bình Phước|Bình Thuận|Cà Mau|Cao Bằng|Cần Thơ|Đà Nẵng|Đắk Lắk|Đắk Nông|Điện Biên|Đồng Nai|Đồng Tháp|Gia Lai|Hà Giang|Hà Nam|Hà Nội|Hà Tĩnh|Hải Dương|Hải Phòng|Hậu Giang|Hòa Bình|Hưng Yên|Khánh Hòa|Kiên Giang|Kon Tum|Lai Châu|Lâm Đồng|Lạng Sơn|Lào Cai|Long An|Nam Định|Nghệ An|Ninh Bình|Ninh Thuận|Phú Thọ|Phú Yên|Quảng Bình|Quảng Nam|Quảng Ngãi|Quảng Ninh|Quảng Trị|Sóc Trăng|Sơn La|Tây Ninh|Thái Bình|Thái Nguyên|Thanh Hóa|Thừa Thiên Huế|Tiền Giang|Hồ Chí Minh|Trà Vinh|Tuyên Quang|Vĩnh Long|Vĩnh Phúc|Yên Bái`.split('|');

export const MINISTRIES = `Bộ Quốc phòng|Bộ Công an|Bộ Ngoại giao|Bộ Nội vụ|Bộ Tư pháp|Bộ Kế hoạch và Đầu tư|Bộ Tài chính|Bộ Công Thương|Bộ Nông nghiệp và Phát triển nông thôn|Bộ Nông nghiệp và Môi trường|Bộ Giao thông vận tải|Bộ Xây dựng|Bộ Tài nguyên và Môi trường|Bộ Thông tin và Truyền thông|Bộ Lao động - Thương binh và Xã hội|Bộ Văn hóa, Thể thao và Du lịch|Bộ Khoa học và Công nghệ|Bộ Giáo dục và Đào tạo|Bộ Y tế|Bộ Dân tộc và Tôn giáo|Ủy ban Dân tộc|Ngân hàng Nhà nước Việt Nam|Thanh tra Chính phủ|Văn phòng Chính phủ|Kiểm toán nhà nước|Tổng cục Thuế|Kho bạc Nhà nước|Bảo hiểm xã hội Việt Nam`.split('|');

// Departments of a province (NĐ 107/2020) and the offices of a district (NĐ 37/2014 Art. 7 as NĐ 108/2020 amends it), with common units under them.
export const DEPARTMENTS = `Sở Nội vụ|Sở Tư pháp|Sở Kế hoạch và Đầu tư|Sở Tài chính|Sở Công Thương|Sở Nông nghiệp và Phát triển nông thôn|Sở Giao thông vận tải|Sở Xây dựng|Sở Tài nguyên và Môi trường|Sở Thông tin và Truyền thông|Sở Lao động - Thương binh và Xã hội|Sở Văn hóa, Thể thao và Du lịch|Sở Văn hóa và Thể thao|Sở Du lịch|Sở Khoa học và Công nghệ|Sở Giáo dục và Đào tạo|Sở Y tế|Sở Ngoại vụ|Thanh tra tỉnh|Văn phòng|Văn phòng Ủy ban nhân dân|Ban Dân tộc|Ban Quản lý các khu công nghiệp|Ban Quản lý khu kinh tế|Chi cục An toàn vệ sinh thực phẩm|Chi cục Văn thư - Lưu trữ|Chi cục Thuế|Chi cục Kiểm lâm|Phòng Giáo dục và Đào tạo|Phòng Nội vụ|Phòng Tư pháp|Phòng Tài chính - Kế hoạch|Phòng Tài nguyên và Môi trường|Phòng Văn hóa và Thông tin|Phòng Y tế|Phòng Kinh tế|Phòng Lao động - Thương binh và Xã hội|Phòng Quản lý đô thị|Phòng Kinh tế và Hạ tầng|Phòng Nông nghiệp và Phát triển nông thôn|Phòng Dân tộc|Thanh tra huyện|Văn phòng Hội đồng nhân dân và Ủy ban nhân dân|Phòng Hành chính - Tổ chức|Trung tâm Phục vụ hành chính công|Hội đồng nhân dân|Ủy ban nhân dân|Ủy ban Mặt trận Tổ quốc Việt Nam`.split('|');

/** Words an agency name starts with; a header line starting otherwise continues the line above. */
const HEADS = ['UY BAN', 'UBND', 'HDND', 'HOI DONG', 'BO ', 'SO ', 'CUC ', 'TONG CUC', 'CHI CUC', 'VU ', 'VAN PHONG',
  'BAN ', 'PHONG ', 'TRUNG TAM', 'THANH TRA', 'TRUONG ', 'BENH VIEN', 'KHO BAC', 'BAO HIEM', 'NGAN HANG',
  'CONG AN', 'BO CHI HUY', 'DANG UY', 'TINH UY', 'HUYEN UY', 'THANH UY', 'VIEN ', 'DAI HOC', 'TONG CONG TY',
  'CONG TY', 'DOAN ', 'MAT TRAN', 'KIEM TOAN', 'TOA AN', 'VIEN KIEM SAT', 'CHINH PHU', 'THU TUONG'];

const startsAgency = (line: string): boolean => HEADS.some((h) => (fold(line) + ' ').startsWith(h));

/** Folded administrative level words (a place name follows them). */
const LEVEL_WORD = /^(TINH|HUYEN|QUAN|XA|PHUONG|THI|TP)$/;

/** A folded word shaped as one Vietnamese syllable (an abbreviation such as UBND, HĐND, TP is not). */
const SYLLABLE = /^(CH|GH|GI|KH|NGH|NG|NH|PH|QU|TH|TR|[BCDGHKLMNPQRSTVX])?(UYE|UYA|IEU|YEU|OAI|OAY|OEO|UOI|UOU|UAY|UYU|[AEIOUY]{1,3})(CH|NG|NH|[CMNPTIOUY])?$/;

/**
 * A word that opens as a syllable of three letters or more and goes on with letters no syllable
 * has ("NGHITTP" for NGHIỆP): a broken word, not an abbreviation — initials seldom open with a
 * whole syllable (UBND, TAND, VHTTDL open with one or two letters).
 */
function brokenSyllable(word: string): boolean {
  for (let n = word.length - 2; n >= 3; n--) if (SYLLABLE.test(word.slice(0, n)) && /[AEIOUY]/.test(word.slice(0, n))) return true;
  return false;
}

/** The level words as printed; one read without any mark is taken too ("HUYEN"), one with other marks is not ("QUẢN LÝ"). */
const LEVEL_SPELT = new Set(['TỈNH', 'HUYỆN', 'QUẬN', 'XÃ', 'PHƯỜNG', 'THỊ', 'TP', 'THÀNH']);
const isLevelWord = (w: string): boolean => LEVEL_WORD.test(fold(w)) && (/^[A-Za-z]+$/.test(w) || LEVEL_SPELT.has(w.toLocaleUpperCase('vi')));

/** The index of the level word of an agency name (a word after it names the place), or -1. */
function levelIndex(words: string[]): number {
  return words.findIndex((w, i) => i > 0 && i < words.length - 1 && fold(words[i + 1]!) !== 'HOI'
    && (isLevelWord(w) || fold(w) === 'THANH' && fold(words[i + 1]!) === 'PHO'));
}

/** Fixes of glued or dotted words that need no vocabulary: "TỈNHSƠN LA", "THỊXÃ", "THÀNHPHỐ", a trailing dot. */
function unglue(line: string): string {
  // a level word read glued to the place ("TỈNHSƠN LA", "HUYỆNA LƯỚI"): one syllable is never longer
  return line.replace(/(^|\s)(TỈNH|HUYỆN|QUẬN)(?=\p{Lu}{2}|\p{Lu}\s)/gu, '$1$2 ')
    // two-word level words read as one ("THỊXÃ", "THÀNHPHỐ"), and a dot-speck after the name (a comma ends a wrapped line: kept)
    .replace(/(^|\s)(THỊ)(XÃ|TRẤN)(?=\s|$)/gu, '$1$2 $3').replace(/(^|\s)(THÀNH)(PHỐ)(?=\s|$)/gu, '$1$2 $3')
    .replace(/\s*\.+$/u, '');
}

/** The one name the entries spell (several entries of one name: that name), else undefined. */
function oneName(entries: AgencyEntry[]): string | undefined {
  return entries.length && entries.every((e) => fold(e.name) === fold(entries[0]!.name)) ? entries[0]!.name : undefined;
}

/**
 * A known name snapped to, each word as the line printed it where it is that word (tone placement
 * aside: UỶ/ỦY; specks glued to it, "-UỶ", aside), else as the name spells it, in the line's case.
 */
function asPrinted(name: string, words: string[], line: string): string {
  const read = new Map(words.map((w) => w.replace(/[^\p{L}]/gu, '')).filter(Boolean).map((w) => [toneKey(w), w]));
  return name.split(/\s+/).map((w) => {
    const core = w.replace(/[^\p{L}]/gu, '');
    const printed = core ? read.get(toneKey(core)) : undefined;
    return printed ? w.replace(core, printed) : matchCase(w, line);
  }).join(' ');
}

export class AgencyDirectory {
  private readonly words: Lexicon;
  private readonly byName = new Map<string, AgencyEntry>();
  /** Each entry's words by tone key (nameForm). */
  private readonly nameKeys: string[][];

  constructor(private readonly entries: AgencyEntry[]) {
    // administrative level words of every tier (NĐ30 App. I: tỉnh, huyện, xã and their peers)
    const phrases = [...entries.map((e) => e.name), ...PROVINCES.map((p) => `Tỉnh ${p} Thành phố ${p} UBND`), 'Huyện Quận Thị xã Xã Phường Thị trấn'];
    this.words = new Lexicon(phrases.flatMap((p) => p.split(/[\s,]+/)).filter((w) => /\p{L}/u.test(w)).map((w) => w.toLocaleUpperCase('vi')));
    this.nameKeys = entries.map((e) => e.name.trim().split(/\s+/).map(toneKey));
    for (const e of entries) this.byName.set(fold([e.parent, e.name].filter(Boolean).join(' ')), e);
    for (const e of entries) if (!this.byName.has(fold(e.name))) this.byName.set(fold(e.name), e);
  }

  static builtIn(provisioned: AgencyEntry[] = []): AgencyDirectory {
    return new AgencyDirectory([
      ...MINISTRIES.map((name) => ({ name })), ...DEPARTMENTS.map((name) => ({ name })),
      ...PROVINCES.map((p) => ({ name: `Ủy ban nhân dân tỉnh ${p}` })), ...provisioned,
    ]);
  }

  /** The provisioned list: JSON array of {name, id, parent?}. */
  static fromFile(path: string): AgencyDirectory {
    return AgencyDirectory.builtIn(JSON.parse(readFileSync(path, 'utf8')) as AgencyEntry[]);
  }

  /** Repairs the words of an agency line printed in capitals against the directory's vocabulary. */
  repairCaps(line: string): string {
    line = unglue(line);
    // "THỊ TRẬN" is the level "THỊ TRẤN" (trận is a word of "Mặt trận", not of a level)
    const words = line.replace(/(^|\s)(TH[IỊÍÌỈĨ])\s+(TR[AÂĂẬẤẦẨẪẠẮẰẲẴẶÁÀẢÃ]N)(?=\s|$)/gu, (m, pre: string, a: string, b: string) => `${pre}${a} ${matchCase('trấn', b)}`).split(' ');
    let place = false;
    const lexical = words.map((w, i) => {
      // after a level word comes a place name: the place lists settle it, not the agency words
      if (place) return w;
      if (i > 0 && i < words.length - 1 && /^(TỈNH|HUYỆN|QUẬN|XÃ|PHƯỜNG|TRẤN|PHỐ)$/u.test(w) && fold(words[i + 1] ?? '') !== 'HOI') place = true;
      // a word of the language that its neighbours call for is no misread of an agency word
      // ("ĐỊA PHƯƠNG" is not "ĐỊA PHƯỜNG"; "PHONG KINH TẾ" is "PHÒNG …")
      if (!/\p{L}/u.test(w) || this.words.has(w) || knownWord(w) && pairCount(words[i - 1], w) + pairCount(w, words[i + 1]) > 0) return w;
      const fix = this.words.uniqueRepair(w);
      return fix ? matchCase(fix, w) : w;
    });
    // the name's own words (before the level word) by word pairs of administrative Vietnamese:
    // both "HÀ" and "HẠ" are words, "KINH TẾ VÀ HẠ TẦNG" is the phrase ("HỘ TỊCH", "Y TẾ DỰ PHÒNG")
    const level = levelIndex(lexical);
    const head = level < 0 ? lexical : lexical.slice(0, level);
    const repaired = repairText(head.join(' ')).text.split(' ');
    // the head word as read stays when it is one of agency names ("SỞ VĂN HÓA" is no "SỐ VĂN …")
    if (repaired.length === head.length && head.length && this.words.has(head[0]!)) repaired[0] = head[0]!;
    return [...(repaired.length === head.length ? repaired : head), ...(level < 0 ? [] : lexical.slice(level))].join(' ');
  }

  /** Header lines (left column, top to bottom) → parent agency (or null) and issuer. */
  splitHeader(lines: string[]): { parent: string | null; issuer: string | null } {
    const names: string[] = [];
    // the place after TỈNH/HUYỆN/THÀNH PHỐ… snaps to a known place name, letter for letter
    const places = this.entries.map((e) => /(?:tỉnh|huyện|quận|thị xã|thành phố)\s+(.+)$/iu.exec(e.name)?.[1]).filter((x): x is string => !!x);
    for (const l of lines.map((x) => unglue(x.trim())).filter(Boolean)) {
      const prev = names[names.length - 1];
      // a wrapped name goes on: a line of one word ("TRƯỜNG" under "… TÀI NGUYÊN VÀ MÔI"), a line
      // after a joining word or dash, or one completing a known name ("… VÀ PHÁT" / "TRIỂN …"); a
      // line after a name ended by a known place ("… TỈNH LẠNG SƠN") starts another name ("BẢO
      // TÀNG TỈNH") unless it goes on with a level word
      const complete = prev !== undefined && endsWithKnownPlace(prev, places) && !LEVEL_WORD.test(fold(l.split(' ')[0]!));
      const goesOn = prev !== undefined && (!startsAgency(l) && !complete || l.split(/\s+/).length < 2
        || /(\sVA|[-–,])$/u.test(fold(prev)) || this.byName.has(fold(`${prev} ${l}`)));
      if (goesOn) names[names.length - 1] += ' ' + l;
      else names.push(l);
    }
    if (!names.length) return { parent: null, issuer: null };
    // the words repaired on the whole name: a wrapped line's words have their neighbours
    const fixed = names.map((n) => this.snapToEntry(repairPlaceInAgency(this.repairCaps(n), places).line));
    const issuer = fixed[fixed.length - 1]!;
    const parent = fixed.length > 1 ? fixed.slice(0, -1).join(' ') : null;
    return { parent, issuer };
  }

  /**
   * An agency name one letter away from a known one, in one word (two letters in a long word no
   * syllable spells), is that name ("CHI CỤC AN TOÀN VI SINH THỰC PHẨM" → "… VỆ SINH …"): the
   * known name must cover the whole line, or all of it but a trailing place ("… TỈNH LÀO CAI"),
   * and have at least four words.
   */
  snapToEntry(line: string): string {
    const words = line.split(' ');
    // letters of a known name, diacritics lost or confused ("VAN PHONG"): that name's spelling,
    // word by word where the tone differs (both "ỦY" and "UỶ" are right print)
    const exact = this.entries.find((e) => fold(e.name) === fold(line) && e.name.split(/\s+/).length === words.length);
    if (exact) return exact.name.split(/\s+/).map((w, i) => (toneKey(w) === toneKey(words[i]!) ? words[i]! : matchCase(w, words[i]!))).join(' ');
    // the letters of a known name with words glued or split or a speck between them ("VÀMÔI",
    // "QUẢN - LÝ"): that name, when its commas and dashes are the line's own
    const punct = (x: string): string => x.replace(/[^-–,]/g, '').replace(/–/g, '-');
    const glued = this.entries.filter((e) => foldedLetters(e.name) === foldedLetters(line) && e.name.split(/\s+/).length >= 2
      && (!punct(e.name) || punct(e.name) === punct(line)));
    const gluedName = oneName(glued);
    if (gluedName) return asPrinted(gluedName, words, line);
    // the words of a known name read out of order (a skewed line: "SỞ KHOA HỌC CÔNG VÀ NGHỆ")
    const bag = (x: string): string => fold(x).replace(/[,]/g, '').split(/\s+/).sort().join(' ');
    const jumbled = oneName(words.length >= 3 ? this.entries.filter((e) => bag(e.name) === bag(line)) : []);
    if (jumbled) return asPrinted(jumbled, words, line);
    // a word broken in two with a letter misread on the way ("SƠ CÔNG THỰC ƠNG"): the one known
    // name a letter from the line's letters, when a piece is no syllable at all
    if (foldedLetters(line).length >= 10 && words.some((w) => /\p{L}/u.test(w) && !isVietnameseSyllable(w.replace(/[^\p{L}]/gu, '')))) {
      const near = oneName(this.entries.filter((e) => e.name.split(/\s+/).length >= 2 && Math.abs(foldedLetters(e.name).length - foldedLetters(line).length) <= 1
        && levenshtein(foldedLetters(e.name), foldedLetters(line)) === 1));
      if (near) return asPrinted(near, words, line);
    }
    for (const e of this.entries) {
      const ew = e.name.split(/\s+/);
      // the head word (Bộ/Sở/Cục…) and place names tell agencies apart: never snapped
      if (ew.length < 4 || ew.length > words.length || /\s(tỉnh|huyện|quận|thị xã|thành phố)\s/iu.test(e.name)) continue;
      const rest = fold(words.slice(ew.length).join(' '));
      if (rest && !/^(TINH|HUYEN|QUAN|THI XA|THANH PHO|TP)\b/.test(rest)) continue;
      let diff = -1; let ok = true;
      for (let i = 0; i < ew.length && ok; i++) {
        if (fold(words[i]!) === fold(ew[i]!)) continue;
        // one letter off; two in a long word no syllable spells ("NGHITTP" is NGHIỆP, "NGHỆ" stays)
        const reach = fold(words[i]!).length >= 5 && !isVietnameseSyllable(words[i]!) ? 2 : 1;
        if (diff >= 0 || i === 0 || fold(ew[i]!).length < 2 || levenshtein(fold(words[i]!), fold(ew[i]!)) > reach) ok = false;
        else diff = i;
      }
      if (ok && diff >= 0) return [...words.slice(0, diff), matchCase(ew[diff]!, words[diff]!), ...words.slice(diff + 1)].join(' ');
    }
    return line;
  }

  /** The place of the date line, repaired against province names ("Đà Năng" → "Đà Nẵng"). */
  repairPlace(place: string, header: readonly (string | null)[] = []): string {
    // spelt as a known place already (the district Thạnh Hóa is not the province Thanh Hóa)
    if (isKnownPlace(place)) return place;
    const p = PROVINCES.find((x) => fold(x) === fold(place));
    if (p && p.split(' ').map(toneKey).join(' ') !== place.split(' ').map(toneKey).join(' ')) return p;
    if (p) return place;
    // the header names the same letters (the issuer's commune, district…): the known place's
    // spelling when it is one, else the read stays (a ward "KIM ĐÔNG" is not the district Kim Động)
    const pw = place.split(/\s+/);
    for (const name of header) {
      const ws = (name ?? '').split(/\s+/);
      for (let i = 0; i + pw.length <= ws.length; i++) {
        if (fold(ws.slice(i, i + pw.length).join(' ')) !== fold(place)) continue;
        const known = repairDatePlace(place);
        return fold(known) === fold(place) && ws.slice(i, i + pw.length).every((w, k) => toneKey(w) === toneKey(known.split(' ')[k] ?? '')) ? known : place;
      }
    }
    return repairDatePlace(place);
  }

  /**
   * Why a header name may be misread, for the clerk: it opens with no agency head word ("TỈNH
   * QUẢNG NGÃI" without its "HỘI ĐỒNG NHÂN DÂN", "VĂN UBND …"), or a word of its own name (before
   * the level word; places are the lists' business) is no word of the language nor of agency
   * names ("THUY VAN", "VÀMÔI"). Empty when it reads as an agency name should.
   */
  doubts(name: string | null): string[] {
    if (!name) return [];
    const out: string[] = [];
    if (!startsAgency(name)) out.push('no agency head word');
    const words = name.split(/\s+/);
    const level = levelIndex(words);
    // the provinces are all known: a name after TỈNH that is none of them lost letters or words
    if (level > 0 && fold(words[level]!) === 'TINH' && !placeByLetters(words.slice(level + 1).join(' '), [PROVINCES])) out.push('no known province');
    for (const w of level < 0 ? words : words.slice(0, level)) {
      const letters = w.replace(/[^\p{L}]/gu, '');
      if (!letters) continue;
      if (SYLLABLE.test(fold(letters))) {
        if (!knownWord(letters) && !this.words.has(letters)) out.push(`unknown word ${letters}`);
      } else if (/[^A-Za-zĐđ]/u.test(letters) || /\p{L}[^\p{L}\s&-]+\p{L}/u.test(w) || brokenSyllable(fold(letters))) {
        out.push(`glued or broken word ${w}`); // an abbreviation (UBND, HĐND, TP) carries no vowel mark
      }
    }
    return out;
  }

  /**
   * The place at the end of a header name checked against the date line's place, the same name
   * read a second time in lower case: same letters, other marks ("XÃ THIÊN HƯNG" / "Thiện Hưng")
   * means one of them is misread. A place spelt as a known one stays; else the date line's
   * spelling, whose marks sit on lower-case letters with room above them, is taken. `disagreed`
   * tells the clerk to check.
   */
  checkPlaceInName(name: string, place: string | null): { name: string; disagreed: boolean } {
    if (!place) return { name, disagreed: false };
    const words = name.split(' '); const pw = place.split(/\s+/);
    const tail = words.slice(-pw.length);
    if (words.length <= pw.length || fold(tail.join(' ')) !== fold(place)) return { name, disagreed: false };
    if (tail.every((w, i) => toneKey(w) === toneKey(pw[i]!))) return { name, disagreed: false };
    if (isKnownPlace(tail.join(' '))) return { name, disagreed: true };
    return { name: [...words.slice(0, -pw.length), ...pw.map((w, i) => matchCase(w, tail[i]!))].join(' '), disagreed: true };
  }

  /**
   * Whether a name is spelt as one of the directory's, tone placement and case aside: a name of the
   * list, or one followed by a level word and a province or district of the place lists ("SỞ Y TẾ
   * TỈNH ĐIỆN BIÊN", "ỦY BAN NHÂN DÂN HUYỆN SỐP CỘP") → 1. A commune after its level word is in no
   * list → 0. Anything else → −1.
   */
  nameForm(name: string): -1 | 0 | 1 {
    // the councils' abbreviations stand for their names ("UBND TỈNH GIA LAI")
    const spelt = name.trim().replace(/^UBND(?=\s)/u, 'ỦY BAN NHÂN DÂN').replace(/^HĐND(?=\s)/u, 'HỘI ĐỒNG NHÂN DÂN');
    const ws = spelt.split(/\s+/).map(toneKey);
    let best: -1 | 0 | 1 = -1;
    for (const e of this.nameKeys) {
      if (e.length > ws.length || !e.every((w, i) => w === ws[i])) continue;
      const rest = ws.slice(e.length);
      if (!rest.length) return 1;
      const level = fold(rest.slice(0, 2).join(' '));
      const n = /^(THANH PHO|THI XA|THI TRAN)\b/.test(level) ? 2 : 1;
      const lv = fold(rest.slice(0, n).join(' '));
      const place = spelt.split(/\s+/).slice(ws.length - rest.length + n).join(' ');
      if (/^(TINH|HUYEN|QUAN|THANH PHO|THI XA|TP)$/.test(lv) && place && isKnownPlace(place)) return 1;
      if (/^(XA|PHUONG|THI TRAN)$/.test(lv) && place) best = 0;
    }
    return best;
  }

  /** The directory entry for an issuer (with its parent when printed), or null. */
  lookup(issuer: string, parent: string | null): AgencyEntry | null {
    return this.byName.get(fold([parent, issuer].filter(Boolean).join(' '))) ?? this.byName.get(fold(issuer)) ?? null;
  }
}
