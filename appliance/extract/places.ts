import { fold, foldedLetters, levenshtein } from './vn-text.js';
import { matchCase, phraseToneKey, toneKey } from './tone.js';

// Place names in agency names ("ỦY BAN NHÂN DÂN HUYỆN MỘ ĐỨC", "UBND TỈNH LÂM ĐỒNG"): after an
// administrative level word the rest of the line is a place name. OCR confuses its diacritics
// ("MỘ DỤC", "LÂM ĐÔNG", "TĨNH"), and every syllable it produces is a real word, so a word lexicon
// cannot tell. A list of place names can: the letters (diacritics aside) must match one known
// place exactly, and then its spelling is restored. General knowledge: the provinces and
// centrally-run cities, and district-level units (huyện, quận, thị xã, thành phố thuộc tỉnh).

export const PROVINCE_NAMES = `An Giang|Bà Rịa - Vũng Tàu|Bắc Giang|Bắc Kạn|Bạc Liêu|Bắc Ninh|Bến Tre|Bình Định|Bình Dương|Bình Phước|Bình Thuận|Cà Mau|Cao Bằng|Cần Thơ|Đà Nẵng|Đắk Lắk|Đắk Nông|Điện Biên|Đồng Nai|Đồng Tháp|Gia Lai|Hà Giang|Hà Nam|Hà Nội|Hà Tĩnh|Hải Dương|Hải Phòng|Hậu Giang|Hòa Bình|Hưng Yên|Khánh Hòa|Kiên Giang|Kon Tum|Lai Châu|Lâm Đồng|Lạng Sơn|Lào Cai|Long An|Nam Định|Nghệ An|Ninh Bình|Ninh Thuận|Phú Thọ|Phú Yên|Quảng Bình|Quảng Nam|Quảng Ngãi|Quảng Ninh|Quảng Trị|Sóc Trăng|Sơn La|Tây Ninh|Thái Bình|Thái Nguyên|Thanh Hóa|Thừa Thiên Huế|Huế|Tiền Giang|Hồ Chí Minh|Trà Vinh|Tuyên Quang|Vĩnh Long|Vĩnh Phúc|Yên Bái`.split('|');

/** District-level names (a broad, not exhaustive, list; the provisioned agency list adds more). */
export const DISTRICT_NAMES = `Ba Đình|Hoàn Kiếm|Tây Hồ|Long Biên|Cầu Giấy|Đống Đa|Hai Bà Trưng|Hoàng Mai|Thanh Xuân|Sóc Sơn|Đông Anh|Gia Lâm|Nam Từ Liêm|Bắc Từ Liêm|Thanh Trì|Mê Linh|Hà Đông|Sơn Tây|Ba Vì|Phúc Thọ|Đan Phượng|Hoài Đức|Quốc Oai|Thạch Thất|Chương Mỹ|Thanh Oai|Thường Tín|Phú Xuyên|Ứng Hòa|Mỹ Đức|
Thủ Đức|Bình Thạnh|Gò Vấp|Phú Nhuận|Tân Bình|Tân Phú|Bình Tân|Củ Chi|Hóc Môn|Bình Chánh|Nhà Bè|Cần Giờ|
Hồng Bàng|Ngô Quyền|Lê Chân|Hải An|Kiến An|Đồ Sơn|Dương Kinh|Thủy Nguyên|An Dương|An Lão|Kiến Thụy|Tiên Lãng|Vĩnh Bảo|Cát Hải|Bạch Long Vĩ|
Hải Châu|Thanh Khê|Sơn Trà|Ngũ Hành Sơn|Liên Chiểu|Cẩm Lệ|Hòa Vang|Hoàng Sa|
Ninh Kiều|Bình Thủy|Cái Răng|Ô Môn|Thốt Nốt|Phong Điền|Cờ Đỏ|Thới Lai|Vĩnh Thạnh|
Mộ Đức|Đức Phổ|Nghĩa Hành|Tư Nghĩa|Sơn Tịnh|Bình Sơn|Trà Bồng|Sơn Hà|Sơn Tây|Minh Long|Ba Tơ|Lý Sơn|Sơn Tịnh|
Đà Lạt|Bảo Lộc|Đức Trọng|Di Linh|Lâm Hà|Đơn Dương|Lạc Dương|Bảo Lâm|Đạ Huoai|Đạ Tẻh|Cát Tiên|Đam Rông|
Bát Xát|Bảo Thắng|Bảo Yên|Bắc Hà|Mường Khương|Sa Pa|Si Ma Cai|Văn Bàn|
Định Hóa|Đại Từ|Phú Lương|Đồng Hỷ|Võ Nhai|Phú Bình|Phổ Yên|Sông Công|
Chiêm Hóa|Hàm Yên|Na Hang|Lâm Bình|Sơn Dương|Yên Sơn|
Vĩnh Yên|Phúc Yên|Bình Xuyên|Yên Lạc|Vĩnh Tường|Tam Dương|Tam Đảo|Lập Thạch|Sông Lô|
Phủ Lý|Duy Tiên|Kim Bảng|Thanh Liêm|Bình Lục|Lý Nhân|
Việt Trì|Phú Thọ|Đoan Hùng|Hạ Hòa|Thanh Ba|Phù Ninh|Yên Lập|Cẩm Khê|Tam Nông|Lâm Thao|Thanh Sơn|Thanh Thủy|Tân Sơn|
Hạ Long|Cẩm Phả|Uông Bí|Móng Cái|Đông Triều|Quảng Yên|Vân Đồn|Tiên Yên|Đầm Hà|Hải Hà|Bình Liêu|Ba Chẽ|Cô Tô|
Thanh Hóa|Sầm Sơn|Bỉm Sơn|Nghi Sơn|Tĩnh Gia|Hoằng Hóa|Hậu Lộc|Nga Sơn|Quảng Xương|Nông Cống|Đông Sơn|Triệu Sơn|Thọ Xuân|Yên Định|Vĩnh Lộc|Thạch Thành|Cẩm Thủy|Ngọc Lặc|Lang Chánh|Bá Thước|Quan Hóa|Quan Sơn|Mường Lát|Thường Xuân|Như Xuân|Như Thanh|Thiệu Hóa|Hà Trung|
Vinh|Cửa Lò|Thái Hòa|Hoàng Mai|Diễn Châu|Quỳnh Lưu|Yên Thành|Nghi Lộc|Hưng Nguyên|Nam Đàn|Thanh Chương|Đô Lương|Anh Sơn|Con Cuông|Tương Dương|Kỳ Sơn|Quế Phong|Quỳ Châu|Quỳ Hợp|Nghĩa Đàn|Tân Kỳ|
Hà Tĩnh|Hồng Lĩnh|Kỳ Anh|Cẩm Xuyên|Thạch Hà|Can Lộc|Nghi Xuân|Đức Thọ|Hương Sơn|Vũ Quang|Hương Khê|Lộc Hà|
Đồng Hới|Ba Đồn|Lệ Thủy|Quảng Ninh|Bố Trạch|Quảng Trạch|Tuyên Hóa|Minh Hóa|
Đông Hà|Quảng Trị|Vĩnh Linh|Gio Linh|Cam Lộ|Triệu Phong|Hải Lăng|Hướng Hóa|Đa Krông|Cồn Cỏ|
Hương Thủy|Hương Trà|Phong Điền|Quảng Điền|Phú Vang|Phú Lộc|Nam Đông|A Lưới|
Tam Kỳ|Hội An|Điện Bàn|Duy Xuyên|Đại Lộc|Quế Sơn|Thăng Bình|Núi Thành|Phú Ninh|Tiên Phước|Hiệp Đức|Nông Sơn|Bắc Trà My|Nam Trà My|Phước Sơn|Nam Giang|Đông Giang|Tây Giang|
Quy Nhơn|An Nhơn|Hoài Nhơn|Tuy Phước|Phù Cát|Phù Mỹ|Tây Sơn|Vân Canh|Vĩnh Thạnh|An Lão|Hoài Ân|
Tuy Hòa|Sông Cầu|Đông Hòa|Tây Hòa|Phú Hòa|Tuy An|Sơn Hòa|Sông Hinh|Đồng Xuân|Phú Hòa|
Nha Trang|Cam Ranh|Ninh Hòa|Vạn Ninh|Diên Khánh|Khánh Vĩnh|Khánh Sơn|Cam Lâm|Trường Sa|
Phan Rang - Tháp Chàm|Ninh Hải|Ninh Phước|Ninh Sơn|Bác Ái|Thuận Bắc|Thuận Nam|
Phan Thiết|La Gi|Tuy Phong|Bắc Bình|Hàm Thuận Bắc|Hàm Thuận Nam|Hàm Tân|Đức Linh|Tánh Linh|Phú Quý|
Kon Tum|Đắk Hà|Đắk Tô|Ngọc Hồi|Đắk Glei|Sa Thầy|Kon Rẫy|Kon Plông|Tu Mơ Rông|Ia H'Drai|
Pleiku|An Khê|Ayun Pa|Chư Păh|Chư Prông|Chư Sê|Đức Cơ|Ia Grai|Mang Yang|Kbang|Kông Chro|Đak Đoa|Đak Pơ|Phú Thiện|Krông Pa|Ia Pa|Chư Pưh|
Buôn Ma Thuột|Buôn Hồ|Ea H'leo|Ea Súp|Krông Năng|Krông Búk|Cư M'gar|Krông Pắc|Ea Kar|M'Đrắk|Krông Bông|Krông Ana|Lắk|Cư Kuin|Buôn Đôn|
Gia Nghĩa|Đắk Mil|Đắk R'lấp|Đắk Song|Cư Jút|Krông Nô|Tuy Đức|Đắk Glong|
Biên Hòa|Long Khánh|Long Thành|Nhơn Trạch|Trảng Bom|Thống Nhất|Vĩnh Cửu|Định Quán|Tân Phú|Xuân Lộc|Cẩm Mỹ|
Thủ Dầu Một|Thuận An|Dĩ An|Tân Uyên|Bến Cát|Bàu Bàng|Dầu Tiếng|Phú Giáo|Bắc Tân Uyên|
Đồng Xoài|Bình Long|Phước Long|Chơn Thành|Đồng Phú|Bù Đăng|Bù Đốp|Bù Gia Mập|Lộc Ninh|Hớn Quản|Phú Riềng|
Tây Ninh|Hòa Thành|Trảng Bàng|Gò Dầu|Bến Cầu|Châu Thành|Dương Minh Châu|Tân Biên|Tân Châu|
Vũng Tàu|Bà Rịa|Phú Mỹ|Long Điền|Đất Đỏ|Xuyên Mộc|Châu Đức|Côn Đảo|
Tân An|Kiến Tường|Bến Lức|Cần Giuộc|Cần Đước|Đức Hòa|Đức Huệ|Thủ Thừa|Tân Trụ|Châu Thành|Tân Thạnh|Thạnh Hóa|Mộc Hóa|Vĩnh Hưng|Tân Hưng|
Mỹ Tho|Gò Công|Cai Lậy|Cái Bè|Chợ Gạo|Tân Phước|Gò Công Đông|Gò Công Tây|Tân Phú Đông|
Bến Tre|Ba Tri|Bình Đại|Giồng Trôm|Mỏ Cày Bắc|Mỏ Cày Nam|Chợ Lách|Thạnh Phú|
Trà Vinh|Duyên Hải|Càng Long|Cầu Kè|Tiểu Cần|Cầu Ngang|Trà Cú|
Vĩnh Long|Bình Minh|Long Hồ|Mang Thít|Vũng Liêm|Tam Bình|Trà Ôn|Bình Tân|
Cao Lãnh|Sa Đéc|Hồng Ngự|Tam Nông|Tháp Mười|Thanh Bình|Lấp Vò|Lai Vung|
Long Xuyên|Châu Đốc|Tân Châu|An Phú|Phú Tân|Châu Phú|Tịnh Biên|Tri Tôn|Chợ Mới|Thoại Sơn|
Rạch Giá|Hà Tiên|Phú Quốc|Kiên Lương|Hòn Đất|Tân Hiệp|Giồng Riềng|Gò Quao|An Biên|An Minh|U Minh Thượng|Vĩnh Thuận|Kiên Hải|Giang Thành|
Vị Thanh|Ngã Bảy|Long Mỹ|Vị Thủy|Phụng Hiệp|Châu Thành A|
Sóc Trăng|Vĩnh Châu|Ngã Năm|Kế Sách|Mỹ Tú|Cù Lao Dung|Long Phú|Mỹ Xuyên|Thạnh Trị|Trần Đề|
Bạc Liêu|Giá Rai|Hồng Dân|Phước Long|Vĩnh Lợi|Đông Hải|Hòa Bình|
Cà Mau|U Minh|Thới Bình|Trần Văn Thời|Cái Nước|Đầm Dơi|Năm Căn|Ngọc Hiển|
Hà Giang|Đồng Văn|Mèo Vạc|Yên Minh|Quản Bạ|Bắc Mê|Hoàng Su Phì|Xín Mần|Vị Xuyên|Bắc Quang|Quang Bình|
Cao Bằng|Bảo Lạc|Bảo Lâm|Hà Quảng|Trùng Khánh|Hạ Lang|Quảng Hòa|Hòa An|Nguyên Bình|Thạch An|
Bắc Kạn|Pác Nặm|Ba Bể|Ngân Sơn|Bạch Thông|Chợ Đồn|Chợ Mới|Na Rì|
Lạng Sơn|Tràng Định|Văn Lãng|Văn Quan|Bình Gia|Bắc Sơn|Hữu Lũng|Chi Lăng|Cao Lộc|Lộc Bình|Đình Lập|
Yên Bái|Nghĩa Lộ|Lục Yên|Văn Yên|Mù Cang Chải|Trấn Yên|Trạm Tấu|Văn Chấn|Yên Bình|
Điện Biên Phủ|Mường Lay|Mường Nhé|Mường Chà|Tủa Chùa|Tuần Giáo|Mường Ảng|Nậm Pồ|
Lai Châu|Tam Đường|Mường Tè|Sìn Hồ|Phong Thổ|Than Uyên|Tân Uyên|Nậm Nhùn|
Sơn La|Quỳnh Nhai|Thuận Châu|Mường La|Bắc Yên|Phù Yên|Mộc Châu|Vân Hồ|Yên Châu|Mai Sơn|Sông Mã|Sốp Cộp|
Hòa Bình|Đà Bắc|Kỳ Sơn|Lương Sơn|Kim Bôi|Cao Phong|Tân Lạc|Mai Châu|Lạc Sơn|Yên Thủy|Lạc Thủy|
Bắc Giang|Yên Thế|Tân Yên|Lạng Giang|Lục Nam|Lục Ngạn|Sơn Động|Yên Dũng|Việt Yên|Hiệp Hòa|
Bắc Ninh|Từ Sơn|Yên Phong|Quế Võ|Tiên Du|Thuận Thành|Gia Bình|Lương Tài|
Hải Dương|Chí Linh|Kinh Môn|Nam Sách|Kim Thành|Thanh Hà|Cẩm Giàng|Bình Giang|Gia Lộc|Tứ Kỳ|Ninh Giang|Thanh Miện|
Hưng Yên|Mỹ Hào|Văn Lâm|Văn Giang|Yên Mỹ|Ân Thi|Khoái Châu|Kim Động|Tiên Lữ|Phù Cừ|
Thái Bình|Quỳnh Phụ|Hưng Hà|Đông Hưng|Thái Thụy|Tiền Hải|Kiến Xương|Vũ Thư|
Nam Định|Mỹ Lộc|Vụ Bản|Ý Yên|Nghĩa Hưng|Nam Trực|Trực Ninh|Xuân Trường|Giao Thủy|Hải Hậu|
Ninh Bình|Tam Điệp|Nho Quan|Gia Viễn|Hoa Lư|Yên Khánh|Kim Sơn|Yên Mô`.split(/[|\n]/).map((s) => s.trim()).filter(Boolean);

/** Administrative level words (folded) and which list names what follows them. */
const LEVELS: Array<{ re: RegExp; lists: string[][] }> = [
  { re: /^(TINH)$/, lists: [PROVINCE_NAMES] },
  { re: /^(THANH PHO|TP)$/, lists: [PROVINCE_NAMES, DISTRICT_NAMES] },
  { re: /^(HUYEN|QUAN|THI XA)$/, lists: [DISTRICT_NAMES] },
];


/** The one place of the lists whose letters are those of `raw` (spaces, case and diacritics aside), or null. */
export function placeByLetters(raw: string, lists: string[][]): string | null {
  const k = foldedLetters(raw);
  if (k.length < 3) return null;
  const hits = new Set(lists.flat().filter((p) => foldedLetters(p) === k));
  if (hits.size) return hits.size === 1 ? [...hits][0]! : null;
  // no place has these letters: one letter read wrong, lost or doubled ("VÕNG LIÊM", "KONRÃẪY")
  // in a name long enough that one edit cannot reach two places
  if (k.length < 6) return null;
  const near = new Set(lists.flat().filter((p) => Math.abs(foldedLetters(p).length - k.length) <= 1 && levenshtein(foldedLetters(p), k) === 1));
  return near.size === 1 ? [...near][0]! : null;
}

/**
 * The place of the date line restored to the spelling of the one known place (province or
 * district-level unit) with its letters ("Kon Rấy" → "Kon Rẫy", "Bim Sơn" → "Bỉm Sơn"); a place
 * already spelt as a known one, or whose letters two places share, stays as read.
 */
export function repairDatePlace(place: string): string {
  const all = [...PROVINCE_NAMES, ...DISTRICT_NAMES];
  if (isKnownPlace(place)) return place;
  const hits = new Set(all.filter((p) => fold(p) === fold(place)));
  return hits.size === 1 ? [...hits][0]! : place;
}

/**
 * Repairs the level word and the place name of an agency line printed in capitals:
 * "ỦY BAN NHÂN DÂN TĨNH LÂM ĐÔNG" → "… TỈNH LÂM ĐỒNG", "UBND HUYỆN MỘ DỤC" → "… MỘ ĐỨC". Only a
 * place that matches one known name letter for letter is touched; otherwise the line is unchanged.
 */
export function repairPlaceInAgency(line: string, extra: string[] = []): { line: string; repaired: boolean } {
  const words = line.split(' ');
  for (let i = 0; i < words.length - 1; i++) {
    for (const n of [2, 1]) {
      const level = fold(words.slice(i, i + n).join(' '));
      const lv = LEVELS.find((l) => l.re.test(level));
      if (!lv) continue;
      const rest = words.slice(i + n).join(' ');
      const place = placeByLetters(rest, [...lv.lists, extra]);
      if (!place) continue;
      const levelWords = levelSpelling(level);
      const fixed = [...words.slice(0, i), ...levelWords.map((w, k) => sameSpelling(words[i + k]!, w) ? words[i + k]! : matchCase(w, words[i + k] ?? w)),
        ...placeWords(place, rest)];
      const out = fixed.join(' ');
      // the printed spelling stays when it already is the place's (tone mark placement aside)
      const same = out.split(' ').length === words.length && out.split(' ').every((w, k) => sameSpelling(words[k]!, w));
      return same ? { line, repaired: false } : { line: out, repaired: true };
    }
  }
  return { line, repaired: false };
}

/**
 * Whether an agency line ends with an administrative level word and a known place ("… TỈNH LẠNG
 * SƠN", "UBND HUYỆN MỘ DỤC"): the name is complete there, so a next header line is another name.
 */
export function endsWithKnownPlace(line: string, extra: string[] = []): boolean {
  const words = line.split(' ');
  for (let i = 0; i < words.length - 1; i++) {
    for (const n of [2, 1]) {
      const lv = LEVELS.find((l) => l.re.test(fold(words.slice(i, i + n).join(' '))));
      if (lv && i + n < words.length && placeByLetters(words.slice(i + n).join(' '), [...lv.lists, extra])) return true;
    }
  }
  return false;
}

/** Whether the place is spelt exactly as a known province or district-level unit (tone placement aside). */
export function isKnownPlace(place: string): boolean {
  const key = phraseToneKey(place);
  return [...PROVINCE_NAMES, ...DISTRICT_NAMES].some((p) => phraseToneKey(p) === key);
}

const sameSpelling = (a: string, b: string): boolean => toneKey(a) === toneKey(b);

/**
 * The place's words as the reading prints them when it spells them, tone mark placement aside and
 * even glued ("HOÀBÌNH" → "HOÀ BÌNH", not the list's "HÒA BÌNH": the register keeps the printed
 * form); else in the list's spelling, in the reading's case.
 */
function placeWords(place: string, read: string): string[] {
  const words = place.split(' ');
  const chars = [...read.replace(/\s+/g, '')];
  if (chars.length === [...words.join('')].length) {
    let at = 0;
    const printed = words.map((w) => { const n = [...w].length; const out = chars.slice(at, at + n).join(''); at += n; return out; });
    if (printed.every((w, k) => sameSpelling(w, words[k]!))) return printed;
  }
  return words.map((w) => matchCase(w, read));
}

function levelSpelling(level: string): string[] {
  switch (level) {
    case 'TINH': return ['Tỉnh'];
    case 'THANH PHO': return ['Thành', 'phố'];
    case 'TP': return ['TP'];
    case 'HUYEN': return ['Huyện'];
    case 'QUAN': return ['Quận'];
    default: return ['Thị', 'xã'];
  }
}
