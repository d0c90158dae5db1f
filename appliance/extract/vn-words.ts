import { fold, levenshtein } from './vn-text.js';
import { matchCase, toneKey } from './tone.js';
import { SEED_PAIRS, SEED_WORDS } from './seed-lexicon.js';
import { DISTRICT_NAMES, PROVINCE_NAMES } from './places.js';

// A small word-pair model of administrative Vietnamese for diacritic repair in running text
// (trích yếu, recipients). OCR swaps marks within a letter family (ă/â/a, ô/ơ/o, ư/u, đ/d, the five
// tones): "lăng phí", "nắm 2017", "Sửa đối". Every such misread is itself a Vietnamese syllable, so
// a word list cannot tell; its neighbours can. A word is replaced by a same-letters spelling only
// when the printed one has no support from its neighbours and the other has clear support.
// Counts: the regulation texts in shared/seeds (seed-lexicon.ts, generated) plus the phrases below,
// general administrative vocabulary.

const ADMIN_PHRASES = `
phòng, chống tham nhũng, lãng phí; thực hành tiết kiệm, chống lãng phí; phòng chống tham nhũng
sửa đổi, bổ sung một số điều; sửa đổi bổ sung; bãi bỏ; thay thế; ban hành quy chế; ban hành quy định
ban hành kế hoạch; phê duyệt kế hoạch; phê duyệt đề án; phê duyệt dự án; phê duyệt dự toán; phê duyệt quyết toán
kế hoạch năm <n>; trong năm <n>; năm <n>; giai đoạn <n>; đến năm <n>; tầm nhìn đến năm <n>; quý i năm <n>
triển khai thực hiện; tổ chức thực hiện; hướng dẫn thực hiện; kết quả thực hiện; tình hình thực hiện
tăng cường công tác; đẩy mạnh công tác; nâng cao hiệu quả; nâng cao chất lượng; chấn chỉnh
cải cách hành chính; cải cách thủ tục hành chính; kiểm soát thủ tục hành chính; thủ tục hành chính
cơ chế một cửa, một cửa liên thông; thực hiện cơ chế một cửa; bộ phận một cửa; trung tâm phục vụ hành chính công
dịch vụ công trực tuyến; chuyển đổi số; chính quyền điện tử; chính quyền số; ứng dụng công nghệ thông tin
quản lý văn bản và điều hành; hồ sơ, tài liệu điện tử; văn bản điện tử; chữ ký số; lưu trữ hồ sơ; công tác văn thư, lưu trữ
an toàn vệ sinh thực phẩm; an toàn thực phẩm; vệ sinh môi trường; bảo vệ môi trường; tài nguyên và môi trường
phòng, chống dịch bệnh; phòng chống dịch; y tế dự phòng; khám bệnh, chữa bệnh; bảo hiểm y tế; bảo hiểm xã hội
tuyên truyền, vận động; công tác tuyên truyền; vận động nhân dân; vận động hiến máu tình nguyện; hiến máu tình nguyện; công tác dân vận
phòng cháy, chữa cháy; phòng, chống thiên tai; tìm kiếm cứu nạn; an toàn giao thông; trật tự an toàn giao thông
quốc phòng, an ninh; an ninh trật tự; trật tự, an toàn xã hội; phòng, chống tội phạm; ma túy
xây dựng nông thôn mới; giảm nghèo bền vững; giải quyết việc làm; đào tạo nghề; an sinh xã hội
quản lý đất đai; giải phóng mặt bằng; bồi thường, hỗ trợ, tái định cư; cấp giấy chứng nhận quyền sử dụng đất
đầu tư công; đầu tư xây dựng; dự toán ngân sách nhà nước; ngân sách nhà nước; quyết toán ngân sách; thu, chi ngân sách
phân bổ kinh phí; phân bổ dự toán; phân bổ ngân sách; phân bổ vốn; bố trí kinh phí; cấp kinh phí; kinh phí thực hiện
thi đua, khen thưởng; công tác thi đua khen thưởng; tặng bằng khen; tặng giấy khen; danh hiệu
công tác cán bộ; tuyển dụng công chức; tuyển dụng viên chức; kỳ thi tuyển công chức; tổ chức kỳ thi; thi tuyển; xét tuyển
bổ nhiệm, bổ nhiệm lại; điều động; luân chuyển; nghỉ hưu; đào tạo, bồi dưỡng cán bộ, công chức, viên chức
kết luận của lãnh đạo; kết luận của chủ tịch; ý kiến chỉ đạo; tại cuộc họp; tại hội nghị; cuộc họp về; họp bàn về
tổng kết công tác năm; sơ kết; báo cáo kết quả; báo cáo tình hình; đánh giá kết quả; phương hướng, nhiệm vụ
góp ý dự thảo; lấy ý kiến góp ý; tham gia ý kiến; dự thảo quy chế; dự thảo quyết định; dự thảo nghị quyết
kiểm tra, rà soát; rà soát văn bản quy phạm pháp luật; văn bản quy phạm pháp luật; phổ biến, giáo dục pháp luật
tiếp công dân; giải quyết khiếu nại, tố cáo; đơn thư khiếu nại; thanh tra, kiểm tra
giáo dục và đào tạo; năm học; kỳ thi tốt nghiệp; học sinh; giáo viên
văn hóa, thể thao và du lịch; lễ hội; di tích; gia đình văn hóa; khu dân cư
nông nghiệp và phát triển nông thôn; trồng trọt; chăn nuôi; thủy sản; lâm nghiệp; phòng chống dịch bệnh gia súc
công thương; thương mại; xuất khẩu; thị trường; khuyến công; giá cả
giao thông vận tải; xây dựng; quy hoạch; quy hoạch chung; quy hoạch chi tiết; đô thị
lao động, thương binh và xã hội; người có công; trẻ em; bình đẳng giới
khoa học và công nghệ; thông tin và truyền thông; nội vụ; tư pháp; tài chính; kế hoạch và đầu tư
các cơ quan, đơn vị; các sở, ban, ngành; ủy ban nhân dân các huyện, thành phố; trên địa bàn tỉnh; trên địa bàn huyện
cơ quan nhà nước; cơ quan hành chính nhà nước; cán bộ, công chức, viên chức; người lao động; doanh nghiệp
về việc; về việc triển khai; về việc tổ chức; về việc thực hiện; về việc ban hành; về việc phê duyệt; về việc đề nghị
đề nghị; đăng ký; cung cấp thông tin; báo cáo số liệu; thống kê; tổng hợp; gửi báo cáo
bộ máy nhà nước và hệ thống chính trị (tên cơ quan, tổ chức thường gặp ở "Kính gửi", "Nơi nhận")
lĩnh vực và nghiệp vụ thường gặp trong trích yếu
văn hóa truyền thống; nghề truyền thống; làng nghề truyền thống; chợ truyền thống; truyền thống cách mạng; lễ hội truyền thống
chi trả trợ cấp; chi trả chế độ; chi trả tiền bồi thường; chi thường xuyên; chi đầu tư phát triển; dự phòng ngân sách
kết cấu hạ tầng; hạ tầng kỹ thuật; hạ tầng giao thông; hạ tầng số; kinh tế và hạ tầng; quản lý đô thị
bản đồ địa chính; bản đồ hiện trạng sử dụng đất; kiểm kê đất đai; đo đạc; địa giới hành chính; giá đất; bảng giá đất
hộ tịch; quốc tịch; chứng thực; đăng ký khai sinh; căn cước công dân; cư trú; hộ gia đình; hộ nghèo; hộ cận nghèo
tổng điều tra dân số và nhà ở; điều tra; thống kê; nhà ở; nhà ở xã hội; tái định cư; giải phóng mặt bằng
phòng, chống thiên tai; ứng phó với biến đổi khí hậu; hạn hán; xâm nhập mặn; mưa lũ; sạt lở; đê điều; thủy lợi; hồ, đập
trồng rừng; bảo vệ và phát triển rừng; phòng cháy, chữa cháy rừng; chăn nuôi; thú y; dịch bệnh; tiêm phòng; bảo vệ thực vật
tiêm chủng; tiêm chủng mở rộng; sốt xuất huyết; khám sức khỏe; chăm sóc sức khỏe nhân dân; người cao tuổi; người khuyết tật
nhập ngũ; tuyển quân; dân quân tự vệ; quân sự địa phương; giáo dục quốc phòng và an ninh
xúc tiến thương mại; xúc tiến đầu tư; khuyến nông; khuyến công; sản phẩm ocop; du lịch cộng đồng; di tích lịch sử - văn hóa; di sản văn hóa
thể dục thể thao; đại hội thể dục thể thao; gia đình văn hóa; nếp sống văn minh; bạo lực gia đình; bình đẳng giới; trẻ em
`;

/**
 * Names of the bodies of the state and the political system and the items of a "Nơi nhận" list
 * (NĐ30 App. I), in lower case ("<place>" a place name, "<n>" a number): the pair model learns
 * from them like from the phrases above, and the recipient phrase model (recipient-phrases.ts)
 * matches list items against them whole.
 */
export const BODY_PHRASES = `
thường trực tỉnh ủy; thường trực huyện ủy; văn phòng tỉnh ủy; ban tuyên giáo; ban dân vận; ban tổ chức; ban nội chính; ủy ban kiểm tra
đảng ủy khối; đảng ủy các xã; ban thường vụ; ủy ban mặt trận tổ quốc việt nam; mặt trận tổ quốc; các tổ chức chính trị - xã hội
hội liên hiệp phụ nữ; hội nông dân; hội cựu chiến binh; liên đoàn lao động; đoàn thanh niên cộng sản hồ chí minh; tỉnh đoàn; huyện đoàn
hội chữ thập đỏ; liên minh hợp tác xã; liên hiệp các hội khoa học và kỹ thuật; hội người cao tuổi; hội khuyến học; hội luật gia
đoàn đại biểu quốc hội; thường trực hội đồng nhân dân; ban kinh tế - ngân sách; ban văn hóa - xã hội; ban pháp chế; ban dân tộc
bộ chỉ huy quân sự; ban chỉ huy quân sự; bộ chỉ huy bộ đội biên phòng; công an tỉnh; công an huyện; viện kiểm sát nhân dân; tòa án nhân dân
kho bạc nhà nước; cục thuế; chi cục thuế khu vực; cục thống kê; cục hải quan; ngân hàng nhà nước chi nhánh; ngân hàng chính sách xã hội
đài phát thanh và truyền hình; trung tâm văn hóa - thể thao và truyền thông; báo; tạp chí; cổng thông tin điện tử; trung tâm thông tin - công báo
bệnh viện đa khoa; trung tâm y tế; trung tâm kiểm soát bệnh tật; trạm y tế; y tế dự phòng; dân số - kế hoạch hóa gia đình
trường chính trị; trường trung học phổ thông; trường trung học cơ sở; trường tiểu học; trường mầm non; trung tâm giáo dục nghề nghiệp
ban quản lý dự án đầu tư xây dựng; ban quản lý rừng phòng hộ; vườn quốc gia; hạt kiểm lâm; chi cục kiểm lâm; quỹ đầu tư phát triển
bảo tàng tỉnh; thư viện tỉnh; nhà văn hóa; trung tâm văn hóa; di tích lịch sử; ban quản lý di tích
công ty điện lực; điện lực; công ty cổ phần; doanh nghiệp nhà nước; hợp tác xã; tổ hợp tác
báo <place>; đài phát thanh và truyền hình <place>; công an <place>; điện lực <place>; kho bạc nhà nước <place>; huyện đoàn <place>; tỉnh đoàn <place>
như trên; như điều <n>; lưu: vt; cổng thông tin điện tử; cổng ttđt; trang thông tin điện tử; trang ttđt; công báo tỉnh
lãnh đạo đơn vị; các phòng chuyên môn; các phòng, ban chuyên môn; các đơn vị trực thuộc; chủ tịch, các phó chủ tịch
ủy ban nhân dân các huyện, thị xã, thành phố; ủy ban nhân dân các xã, phường, thị trấn; ủy ban nhân dân các xã, thị trấn
các sở, ban, ngành; các cơ quan, đơn vị; các cơ quan, đơn vị thuộc huyện; các phòng, đơn vị trực thuộc; lãnh đạo sở; lãnh đạo văn phòng; ban giám đốc; website sở
chánh văn phòng, các phó chánh văn phòng; chủ tịch, các phó chủ tịch ủy ban nhân dân; đảng ủy các xã, thị trấn
phòng giao dịch ngân hàng chính sách xã hội; chi cục thuế khu vực <place>; hạt kiểm lâm <place>; vườn quốc gia <place>
ngân hàng nhà nước chi nhánh <place>; công ty điện lực <place>; bảo hiểm xã hội; liên minh hợp tác xã
`;

const words = new Map<string, number>();
const pairs = new Map<string, number>();
const byFold = new Map<string, string[]>();

function addWord(w: string, n: number): void {
  words.set(w, (words.get(w) ?? 0) + n);
  const f = fold(w);
  const list = byFold.get(f) ?? [];
  if (!list.includes(w)) byFold.set(f, [...list, w]);
}

for (const e of SEED_WORDS.split(' ')) { const i = e.lastIndexOf(':'); addWord(e.slice(0, i), Number(e.slice(i + 1))); }
for (const e of SEED_PAIRS.split('|')) { const i = e.lastIndexOf(':'); pairs.set(e.slice(0, i), Number(e.slice(i + 1))); }
for (const run of (ADMIN_PHRASES + BODY_PHRASES).toLocaleLowerCase('vi').split(/[\n;,:]+/)) {
  const toks = run.split(/\s+/).filter(Boolean);
  toks.forEach((t, i) => {
    if (!/^<\w+>$/.test(t)) addWord(t, 3);
    if (i) { const k = `${toks[i - 1]} ${t}`; pairs.set(k, (pairs.get(k) ?? 0) + 3); }
  });
}

const key = (t: string): string => (/^\d/.test(t) ? '<n>' : t.toLocaleLowerCase('vi'));

// Known place names (provinces, districts) are one class "<place>" for the pair model: "Báo An
// Giang" and "Báo Lào Cai" are one pattern; and a word that is part of a place name written as one
// ("Văn Bàn", "Cư M'gar") is a name, never repaired into the word its neighbour favours ("văn bản").
const PLACES = [...PROVINCE_NAMES, ...DISTRICT_NAMES].map((p) => p.split(/\s+/).filter((w) => w !== '-'));
/** For each word index of `words`, whether it belongs to a known place name spelled in capitalised words there. */
export function placeSpans(words: string[]): boolean[] {
  const out = words.map(() => false);
  for (let i = 0; i < words.length; i++) {
    if (!/^\p{Lu}/u.test(words[i]!)) continue;
    for (const p of PLACES) {
      if (p.length < 2 || i + p.length > words.length) continue;
      if (p.every((w, j) => words[i + j] === w)) for (let j = 0; j < p.length; j++) out[i + j] = true;
    }
  }
  return out;
}
const pair = (a: string | null, b: string | null): number => (a && b ? pairs.get(`${a} ${b}`) ?? 0 : 0);

/** How often two words follow each other in the model (any case; 0 when never or either is missing). */
export const pairCount = (a: string | null | undefined, b: string | null | undefined): number => (a && b ? pair(key(a), key(b)) : 0);

/** How often the word (any case) occurs in the model's texts (0 when unknown). */
export const wordCount = (w: string): number => words.get(w.toLocaleLowerCase('vi')) ?? 0;

/** The vocabulary by toneKey: "thuỷ" and "thủy" are one word printed in the old and the new style. */
let byToneKey: Set<string> | null = null;

/** True when the word (any case, the tone mark on either vowel of oa/oe/uy) is in the model's vocabulary. */
export const knownWord = (w: string): boolean => {
  if (words.has(w.toLocaleLowerCase('vi'))) return true;
  byToneKey ??= new Set([...words.keys()].map(toneKey));
  return byToneKey.has(toneKey(w));
};

/**
 * Repairs diacritics of running text by word pairs. Returns the text and how many words changed.
 * Punctuation between two words cuts the pair; numbers count as one word "<n>".
 */
export function repairText(text: string): { text: string; changed: number } {
  const parts = text.split(/(\s+)/);
  // word cores and whether punctuation separates a word from its neighbours
  const toks = parts.map((p) => {
    const m = /^([^\p{L}\d]*)([\p{L}\d]+(?:[-/][\p{L}\d]+)*)([^\p{L}\d]*)$/u.exec(p);
    return m ? { lead: m[1]!, core: m[2]!, tail: m[3]! } : null;
  });
  let changed = 0;
  const idx = toks.map((t, i) => (t ? i : -1)).filter((i) => i >= 0);
  const inPlace = placeSpans(idx.map((i) => toks[i]!.core));
  const placeStart = idx.map((_, k) => inPlace[k]! && (k === 0 || !inPlace[k - 1]));
  idx.forEach((i, k) => {
    const t = toks[i]!;
    if (!/^\p{L}+$/u.test(t.core) || inPlace[k]) return;
    const prevI = idx[k - 1]; const nextI = idx[k + 1];
    const prev = prevI !== undefined && !toks[prevI]!.tail && !t.lead ? (inPlace[k - 1] ? '<place>' : key(toks[prevI]!.core)) : null;
    const next = nextI !== undefined && !t.tail && !toks[nextI]!.lead ? (placeStart[k + 1] ? '<place>' : key(toks[nextI]!.core)) : null;
    const w = key(t.core);
    const support = (x: string): number => pair(prev, x) + pair(x, next);
    if (support(w) > 0) return;
    const alts = (byFold.get(fold(w)) ?? []).filter((c) => c !== w).map((c) => ({ c, s: support(c) })).sort((a, b) => b.s - a.s);
    const best = alts[0];
    if (!best || best.s < 2 || (alts[1] && alts[1].s === best.s)) return;
    toks[i] = { ...t, core: matchCase(best.c, t.core) };
    changed++;
  });
  const out = parts.map((p, i) => (toks[i] ? toks[i]!.lead + toks[i]!.core + toks[i]!.tail : p)).join('');
  return { text: out, changed };
}

/**
 * How many words of the text its neighbours do not support while another spelling of the same
 * letters (other marks: "trường"/"trương", "Tầm"/"lâm" aside) they do support: a misread into
 * another real word that repairText left alone (support too weak to replace it). Evidence for the
 * calibration (a doubt, not a repair). Words of a known place name are not judged.
 */
export function rivalSpellings(text: string): number {
  const ws = text.split(/\s+/).map((p) => /^([^\p{L}\d]*)([\p{L}\d]+)([^\p{L}\d]*)$/u.exec(p)).map((m) => (m ? { lead: m[1]!, core: m[2]!, tail: m[3]! } : null));
  const inPlace = placeSpans(ws.map((w) => w?.core ?? ''));
  let n = 0;
  ws.forEach((t, i) => {
    if (!t || !/^\p{L}{2,}$/u.test(t.core) || inPlace[i]) return;
    const p = ws[i - 1]; const q = ws[i + 1];
    const prev = p && !p.tail && !t.lead ? key(p.core) : null;
    const next = q && !t.tail && !q.lead ? key(q.core) : null;
    if (!prev && !next) return;
    const w = key(t.core);
    const support = (x: string): number => pair(prev, x) + pair(x, next);
    if (support(w) > 0) return;
    if ((byFold.get(fold(w)) ?? []).some((c) => c !== w && support(c) > 0)) n++;
  });
  return n;
}

/**
 * Words that are no word at all ("Lhương trực", "xã ội huyện") replaced by the one vocabulary word
 * one letter away (diacritics aside) that its neighbours support clearly; `keep` spares words of
 * another kind (abbreviations, names).
 */
export function repairUnknown(text: string, keep: (w: string) => boolean = () => false): { text: string; changed: number } {
  const parts = text.split(/(\s+)/);
  const core = (p: string): string | null => /^\p{L}+$/u.test(p) ? p : null;
  let changed = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const w = core(parts[i]!);
    if (!w || w.length < 2 || knownWord(w) || keep(w)) continue;
    const prevW = i >= 2 ? core(parts[i - 2]!) : null; const nextW = i + 2 < parts.length ? core(parts[i + 2]!) : null;
    const prev = prevW ? key(prevW) : null; const next = nextW ? key(nextW) : null;
    const f = fold(w);
    const cands: Array<{ c: string; s: number }> = [];
    for (const [k, spellings] of byFold) {
      if (Math.abs(k.length - f.length) > 1 || levenshtein(k, f) !== 1) continue;
      for (const c of spellings) { const sc = pair(prev, c) + pair(c, next); if (sc > 0) cands.push({ c, s: sc }); }
    }
    cands.sort((a, b) => b.s - a.s);
    const best = cands[0];
    if (!best || best.s < 2 || (cands[1] && cands[1].s === best.s)) continue;
    parts[i] = matchCase(best.c, w);
    changed++;
  }
  return { text: parts.join(''), changed };
}
