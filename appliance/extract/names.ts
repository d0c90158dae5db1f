import { Lexicon, matchCase } from './tone.js';
import { isVietnameseSyllable } from './vn-syllables.js';

// Personal names under the signature. A Vietnamese full name is 2–5 capitalised syllables, the
// first a family name. Lexicons from general knowledge: common family names, and the syllables
// used as middle and given names. They validate a read (so a broken OCR line is re-read) and
// repair diacritics OCR lost ("Huynh" → "Huỳnh") when exactly one known spelling fits.

export const SURNAMES = `Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Vương Trịnh
Trương Lâm Phùng Mai Tô Hà Tạ Quách Lương Lưu Cao Kiều Thái Tăng Triệu Đinh Lại Châu Diệp Mạc Khúc Chu Khổng
Từ Thân La Lã Lò Hứa Doãn Giang Kim Ông Văn Nghiêm Phí Quan Tôn Âu Cù Đàm Đồng Hoa Khương Lạc Lục Mẫn Ninh
Nông Thạch Tống Tiêu Trang Vi Viên Bạch Bế Cấn Chung Đậu Đường Hàn Hầu Lỗ Mạch Ngụy Nhâm Phó Sầm Tào Thi
Thiều Trình Ứng Vưu Kha Lữ Lộc Ma Mông Bàn Đổng Giáp Hạ Hồng Lường Lương Cầm Sùng Vàng Hoàng Quảng Mạc
Đào Cái Chử Ân Âu Dư Hoa Lăng Khuất Lục Phương Sái Tiết Tất Thạch Thều Trầm Văn Vòng Yên`.split(/\s+/).filter(Boolean);

// (the last row: given names that are no syllable of the hunspell-vi list, "My", "Thy": without
// them a right "My" was made "Mỹ")
const GIVEN = `Văn Thị Hữu Đức Minh Thanh Quang Duy Tiến Trọng Công Xuân Thu Hồng Kim Ngọc Thành Quốc Việt Anh
Tuấn Hùng Dũng Hải Hà Hòa Hoa Hương Lan Linh Long Nam Nga Nghĩa Phong Phương Quý Sơn Tâm Thắng Thủy Trung
Vinh Yến Bình Đông Lực Hiếu Hiển Hạnh Khoa Mạnh Tú Tùng Tài Thảo Trang Vân Hằng Hưng Huy Khánh Lộc Lợi
Nhung Oanh Phúc Quân Quyết Sang Tín Toàn Trí Tuyết Uyên Vy Bảo Cường Chi Cúc Đạt Điệp Giang Hiền Hiệp Hoài
Hội Khải Khang Kiên Liên Liêm Loan Luân Mỹ Nhân Ninh Phát Quế Sinh Thơ Thông Thuận Thư Tiên Tính Trâm
Trinh Tường Vĩnh Vượng Xuyên Ánh Ân Ngân Nhàn Thịnh Lệ Bích Diễm Dung Đăng Định Hậu Hiên Huệ Khiêm Khôi Lam
Lành Lịch Luyến Mến Na Nguyên Nhật Phượng Quỳnh Sáng Sương Tấn Thái Thể Thiện Thoa Thục Tiệp Tuệ Tuyền Vĩ
Vui Yên An Ái Bắc Bằng Bội Cảnh Cẩm Cầm Chính Chiến Chinh Chung Cương Danh Dân Diệu Doanh Du Dục Dương
Duyên Đại Đào Đoan Đôn Đồng Gia Giao Hạ Hào Hảo Hân Hậu Hiệu Hoan Hoán Hoàn Hoàng Học Hợp Huân Hùng Hữu
Hưởng Hường Kha Khai Khanh Khuê Khương Kiệt Kiều Kỳ Lạc Lai Lãm Lâm Lập Liễu Lĩnh Loan Luận Lương Lưu Ly
Lý Mai Mẫn Mậu Miên Mừng Nga Ngà Nghị Nghiêm Ngôn Nguyệt Nhã Nhạn Nhi Nhiên Như Nhuận Niên Nương Phi Phú
Phụng Phước Quảng Quyên Quyền Sa Sâm Sĩ Sỹ Song Sứ Tạo Tân Tấn Thạch Thăng Thân Thiêm Thiên Thiết Thiều
Thịnh Thoại Thông Thu Thuần Thúy Thủy Thuỷ Thuý Thùy Thư Thương Thường Tiến Tiêu Tình Toản Tôn Trà Trác
Trãi Tráng Triều Triết Trực Trương Tuân Tuyên Tư Từ Tước Tưởng Uy Ứng Vạn Văn Viên Viễn Vĩnh Võ Vũ Vương
Vỹ Xuyến Yên Ý Hằng Hạ Hoạt Hiệp Khuyên Kính Lễ Lượng Nhất Nhị Tam Thuấn Trường Ba Bá Bé Biên Chánh Chất
Chương Cử Diệp Dậu Doãn Đảm Đắc Điền Đỉnh Đoàn Giáp Hiển Hồ Huyền Khắc Khoái Lục Mạc Mão Ngạn Ngữ Nhẫn
Nhượng Pháp Phi Phò Quách Quán Quý Sáu Soạn Sửu Tài Tịnh Thắm Thiệu Thìn Thược Tịch Tòng Trang Trị
Trúc Tuất Tuyến Tý Út Vịnh Xô Xương Yêm Ngãi Diên Đệ Hường Lan Thanh Thao Tháo Thìn Luật Dinh Hòe Hoè Hòa
Hoà Loát Khâm Khổng Lũy Nghinh Phiên Phòng Quỳ Sắc Tặng Thỏa Thuyết Toán Tuyển Vẻ Vọng Vấn
Đình Thế Viết Tất Khắc Sĩ Hoành Huấn Hiến Hoạch Khiết Lạng Lăng Liệu Mừng Ngư Nhạc Phấn Quyến Sính Thạc
Thỉnh Thuyên Tiềm Toại Trạch Trọng Tuần Tùy Vận Vĩ Xứng Chiêu Chúc Cung Dạ Di Diện Đa Đán Đạo Đề Điển
Đoái Giới Hiệt Hợi Hưu Kế Khởi Kiểm Lạng Lãng Lên Lễ Lý Miện Mơ Mùi Nết Ngợi Nhiệm Nhựt Ổn Phán
Quản Quyện Sắc Tâm Tầm Thảnh Thẩm Thiệp Thiếp Thuật Tiếp Tông Trân Trí Triển Trữ Tuy Từng Uẩn Ước Vàng
My Thy`;

const GIVEN_NAMES = GIVEN.split(/\s+/).filter(Boolean);
const surnames = new Lexicon(SURNAMES);
const givenNames = new Lexicon(GIVEN_NAMES);
const lexicon = new Lexicon([...SURNAMES, ...GIVEN_NAMES]);

export interface NameRead {
  name: string;
  /** 0..1: 1 when every syllable is known and the first is a family name. */
  conf: number;
  /** Shape of a Vietnamese full name, every syllable known (after repair). */
  valid: boolean;
}

/** A name read by OCR, repaired against the lexicon and judged. */
export function readName(raw: string): NameRead {
  // modifier letters ("ˆ", "ˇ") are marks of a stroke read alone, not letters of a name
  const tokens = raw.normalize('NFC').replace(/[^\p{L}\s]|\p{Lm}/gu, ' ').replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
  let conf = 1;
  // the names a syllable could be a misread of, by its place: a family name is also a middle name
  // ("Nguyễn Lê Minh"), never the given name last ("Thêu" there is no misread of the surname "Thều")
  const rivals = (w: string, i: number): string[] => (tokens.length >= 2 && i === tokens.length - 1 ? givenNames : lexicon).sameLetters(w);
  const words = tokens.map((w, i) => {
    if (lexicon.has(w)) return w;
    // a syllable read as Vietnamese spells it is kept as read: a name the lists lack ("Gấm"), or,
    // when listed names have the same letters ("Hiểu" / "Hiếu"), a doubt
    if (isVietnameseSyllable(w)) {
      if (rivals(w, i).length) { conf = Math.min(conf, 0.75); return w; }
      conf = Math.min(conf, 0.9); return w;
    }
    const fix = lexicon.uniqueRepair(w);
    if (fix) { conf = Math.min(conf, 0.75); return matchCase(fix, w); }
    // no syllable at all, one letter from one listed name only ("Frong" → "Trọng")
    const near = lexicon.nearRepair(w);
    if (near) { conf = Math.min(conf, 0.6); return matchCase(near, w); }
    conf = Math.min(conf, 0.5);
    return w;
  });
  // the first syllable is a family name: one with the same letters wins over another reading ("Đỉnh" → "Đinh")
  if (words.length >= 2 && !surnames.has(words[0]!)) {
    const fam = surnames.uniqueRepair(words[0]!);
    if (fam) { words[0] = fam; conf = Math.min(conf, 0.75); }
  }
  const name = words.map((w) => matchCase(w, 'Xx')).join(' ');
  const shape = words.length >= 2 && words.length <= 5 && tokens.every((w) => /^\p{Lu}\p{Ll}+$/u.test(w));
  // known: a listed name, or a syllable no listed name is a misread of
  const known = (w: string, i: number): boolean => lexicon.has(w) || isVietnameseSyllable(w) && !rivals(w, i).length;
  const valid = shape && words.every(known) && surnames.has(words[0]!);
  return { name, conf: valid ? conf : Math.min(conf, 0.5), valid };
}

/** Back-compatible: the repaired name and its confidence. */
export function repairName(raw: string): { name: string; conf: number } {
  const r = readName(raw);
  return { name: r.name, conf: r.conf };
}

/** A syllable of the name lexicon (diacritics as printed, any case). */
export const isNameSyllable = (w: string): boolean => lexicon.has(w);
