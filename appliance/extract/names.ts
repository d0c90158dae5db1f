import { Lexicon, matchCase } from './tone.js';

// Personal names under the signature: a lexicon of common Vietnamese surnames and name syllables
// repairs diacritics OCR lost ("Huynh" → "Huỳnh") when exactly one known spelling fits.

const SYLLABLES = `Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Vương Trịnh
Trương Lâm Phùng Mai Tô Hà Tạ Quách Lương Lưu Cao Kiều Thái Tăng Văn Triệu Đinh Lại Châu Diệp Mạc Khúc
Văn Thị Hữu Đức Minh Thanh Quang Duy Tiến Trọng Công Xuân Thu Hồng Kim Ngọc Thành Quốc Việt Anh Tuấn
Hùng Dũng Hải Hà Hòa Hoa Hương Lan Linh Long Nam Nga Nghĩa Phong Phương Quý Sơn Tâm Thắng Thủy Trung Vinh
Yến Bình Đông Lực Hiếu Hiển Hạnh Khoa Mạnh Tú Tùng Tài Thảo Trang Vân Hằng Hạnh Hưng Huy Khánh Lộc Lợi
Nhung Oanh Phúc Quân Quyết Sang Tín Toàn Trí Tuyết Uyên Vy Bảo Cường Chi Cúc Đạt Điệp Giang Hiền Hiệp
Hoài Hòa Hội Khải Khang Kiên Liên Liêm Loan Luân Mỹ Nhân Ninh Phát Quế Sinh Thơ Thông Thuận Thư Tiên
Tính Trâm Trinh Tường Vĩnh Vượng Xuyên Ánh Ân Ngân Nhàn Thịnh Thuỷ Lệ Bích Diễm Dung Đăng Định Hậu
Hiên Huệ Khiêm Khôi Lam Lành Lịch Luyến Mến Na Nguyên Nhật Phượng Quỳnh Sáng Sương Tấn Thái Thể Thiện
Thoa Thục Tiệp Tín Tuệ Tuyền Vĩ Vui Yên Ðức`;

const lexicon = new Lexicon(SYLLABLES.split(/\s+/).filter(Boolean));

export function repairName(raw: string): { name: string; conf: number } {
  let conf = 1;
  const words = raw.normalize('NFC').replace(/\s+/g, ' ').trim().split(' ').map((w) => {
    if (lexicon.has(w)) return w;
    const fix = lexicon.uniqueRepair(w);
    if (fix) { conf = Math.min(conf, 0.7); return matchCase(fix, w); }
    conf = Math.min(conf, 0.9);
    return w;
  });
  return { name: words.join(' '), conf };
}
