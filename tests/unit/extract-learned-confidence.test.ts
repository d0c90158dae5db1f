import { describe, it, expect } from 'vitest';
import { codeFromInitials, crossChecks, rivalWords, unknownShare } from '../../appliance/extract/cross-checks.js';
import { calibrate, probabilityRight, type CalibrationModel, type FieldEvidence } from '../../appliance/extract/calibration.js';
import { FIELD_KEYS, emptyFields, type FieldKey } from '../../appliance/extract/fields.js';
import { summaryShape, trimSummary } from '../../appliance/extract/extract-fields.js';
import { placeSpans, repairText } from '../../appliance/extract/vn-words.js';
import { checkCode, repairArchive } from '../../appliance/extract/recipients.js';
import { missingRowBands } from '../../appliance/extract/reread-recipients.js';
import { AgencyDirectory } from '../../appliance/extract/agency-directory.js';

// Issue 12's mechanisms: fields checked against each other, confidence as a learned probability
// with form-check failures always flagged, place names as one class of the word-pair model,
// summaries cut where NĐ30 ends them, archive codes read as codes, lost list rows located.

const today = new Date('2026-11-23T00:00:00Z');
const fields = (over: Partial<ReturnType<typeof emptyFields>>): ReturnType<typeof emptyFields> => ({ ...emptyFields(), ...over });

describe('cross-checks between fields', () => {
  it('a notation agency code is made of the issuer’s (or its parent’s) initials, words may be skipped', () => {
    expect(codeFromInitials('STC', ['SỞ TÀI CHÍNH'])).toBe(true);
    expect(codeFromInitials('SVHTTDL', ['SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH'])).toBe(true);
    expect(codeFromInitials('XTTM', ['CỤC XÚC TIẾN THƯƠNG MẠI'])).toBe(true);
    expect(codeFromInitials('SNV', ['SỞ TÀI CHÍNH'])).toBe(false);
  });

  it('agreement and disagreement reach the fields involved', () => {
    const ok = crossChecks(fields({ issuer: 'SỞ TÀI CHÍNH', issuerParent: 'UBND TỈNH QUẢNG NAM', numberNotation: '12/TB-STC', type: 'Thông báo',
      place: 'Quảng Nam', date: '2024-03-05', authority: 'KT. GIÁM ĐỐC', signerTitle: 'PHÓ GIÁM ĐỐC' }), today);
    expect(ok).toMatchObject({ numberNotation: 1, issuer: 1, type: 1, place: 1, signerTitle: 1, authority: 1 });
    const bad = crossChecks(fields({ issuer: 'SỞ TÀI CHÍNH', numberNotation: '12/2024/QĐ-SNV', type: 'Thông báo', date: '2023-03-05',
      authority: 'KT. GIÁM ĐỐC', signerTitle: 'GIÁM ĐỐC' }), today);
    expect(bad).toMatchObject({ numberNotation: -1, type: -1, date: -1, signerTitle: -1, authority: -1 });
    // a date after today disagrees whatever else
    expect(crossChecks(fields({ date: '2027-01-02' }), today).date).toBe(-1);
  });

  it('unknown-word share counts words neither the lexicon nor the name lists know', () => {
    expect(unknownShare('Ban hành kế hoạch')).toBe(0);
    expect(unknownShare('Ban hành xqzt')).toBeCloseTo(1 / 3, 5);
  });

  it('counts words whose neighbours favour another spelling of the same letters (a misread into another real word)', () => {
    expect(rivalWords('cải cách thủ tục hành chính')).toBe(0);
    expect(rivalWords('cải cách thủ tục hành chình')).toBe(1);
    expect(rivalWords(['Như trên', 'Ban an toàn giao thống', 'Lưu: VT'])).toBe(1);
    // a known place name is a name, not running words
    expect(rivalWords('UBND huyện Văn Bàn')).toBe(0);
  });
});

describe('summary shape', () => {
  it('a trích yếu is one phrase: a sentence ended inside it or a body label means the body was read into it', () => {
    expect(summaryShape('Sửa đổi, bổ sung một số điều của Quy chế phòng, chống tham nhũng, lãng phí')).toBe(true);
    expect(summaryShape('Về việc phê duyệt Kế hoạch chuyển đổi số năm 2023')).toBe(true);
    expect(summaryShape('Họp bàn về quản lý vật liệu nổ công nghiệp. Trân trọng kính mời: Lãnh đạo Ủy ban nhân dân các xã')).toBe(false);
    expect(summaryShape('Triển khai kế hoạch Thời gian: 13 giờ 30 phút')).toBe(false);
    // a small letter glued to a digit is a misread word, not a number of the text
    expect(summaryShape('Về việc phê duyệt Đề án bảo vệ di tích giai đoạn 2023-2028 theo Nghị định số 30/2020/NĐ-CP')).toBe(true);
    expect(summaryShape('Về việc phê duyệt Đề án bảo vệ di tích gia1 đoạn 2023-2028')).toBe(false);
    expect(summaryShape('Báo cáo kết quả kiểm tra hoạt động ¡n, phát hành xuất bản phẩm năm 2023')).toBe(false);
    // a quarter or a term is numbered in Roman numerals (round Q, seed 1432: "quý IH")
    expect(summaryShape('Sơ kết hỗ trợ phát triển sản xuất quý III năm 2017')).toBe(true);
    expect(summaryShape('Sơ kết hỗ trợ phát triển sản xuất quý IH năm 2017')).toBe(false);
    expect(summaryShape('Tổng kết kỳ họp thứ 5 Hội đồng nhân dân tỉnh khóa XV')).toBe(true);
  });
});

describe('learned confidence', () => {
  const model: CalibrationModel = {
    target: 0.9, fittedOn: 'test',
    fields: Object.fromEntries(FIELD_KEYS.map((k) => [k, { bias: 1, slope: 1, quality: 0.5, agree: 1, disagree: -2, unknown: -3 }])) as CalibrationModel['fields'],
  };
  const ev = (raw: number, over: Partial<FieldEvidence> = {}): FieldEvidence => ({ raw, doubt: false, agreement: 0, unknown: 0, ...over });

  it('is monotone in the raw score and moved by agreement, disagreement and unknown words', () => {
    const p = (e: FieldEvidence): number => probabilityRight('issuer', e, 0.9, model);
    expect(p(ev(0.95))).toBeGreaterThan(p(ev(0.7)));
    expect(p(ev(0.8, { agreement: 1 }))).toBeGreaterThan(p(ev(0.8)));
    expect(p(ev(0.8, { agreement: -1 }))).toBeLessThan(p(ev(0.8)));
    expect(p(ev(0.8, { unknown: 0.5 }))).toBeLessThan(p(ev(0.8)));
  });

  it('flags below the one target, and a form-check doubt whatever the model says, never shown surer than its raw score', () => {
    const evidence = Object.fromEntries(FIELD_KEYS.map((k) => [k, ev(0.99, { agreement: 1 })])) as Record<FieldKey, FieldEvidence>;
    evidence.summary = ev(0.3);
    evidence.issuer = ev(0.6, { doubt: true, agreement: 1 });
    const r = calibrate(evidence, 0.95, model);
    expect(r.flagged.sort()).toEqual(['issuer', 'summary']);
    expect(r.confidence.issuer).toBeLessThanOrEqual(0.6);
    expect(r.confidence.date).toBeGreaterThan(model.target);
  });
});

describe('text repairs', () => {
  it('a summary stops before "Kính gửi:" and loses specks after its last word, not its words', () => {
    expect(trimSummary('báo cáo kết quả năm 2023 Kính gửi: - Sở Xây dựng;')).toBe('báo cáo kết quả năm 2023');
    expect(trimSummary('phòng, chống bệnh dịch tả lợn châu Phi r2')).toBe('phòng, chống bệnh dịch tả lợn châu Phi');
    expect(trimSummary("'Tổng kết phòng, chống sốt xuất huyết năm 2020")).toBe('Tổng kết phòng, chống sốt xuất huyết năm 2020');
    expect(trimSummary('hỗ trợ đồng bào dân tộc thiểu số ¬.-....n')).toBe('hỗ trợ đồng bào dân tộc thiểu số');
    expect(trimSummary('trật tự vỉa hè')).toBe('trật tự vỉa hè');
    expect(trimSummary('giai đoạn 2026-2031')).toBe('giai đoạn 2026-2031');
    // no full stop closes a trích yếu (round Q: a biên bản's title read with the sentence's dot)
    expect(trimSummary('Hội nghị đánh giá miễn, giảm học phí cho học sinh.')).toBe('Hội nghị đánh giá miễn, giảm học phí cho học sinh');
  });

  it('known place names are a class of the pair model: a name is never repaired, a word before it can be', () => {
    expect(placeSpans(['Chi', 'cục', 'Thuế', 'khu', 'vực', 'Văn', 'Bàn'])).toEqual([false, false, false, false, false, true, true]);
    expect(repairText('Chi cục Thuế khu vực Văn Bàn').text).toBe('Chi cục Thuế khu vực Văn Bàn');
    expect(repairText('Bảo An Giang').text).toBe('Báo An Giang');
    expect(repairText('Bảo hiểm xã hội tỉnh').text).toBe('Bảo hiểm xã hội tỉnh');
  });
});

describe('agency names snapped to the directory', () => {
  it('keep the printed tone placement of each word, a speck glued to a word aside', () => {
    const dir = AgencyDirectory.builtIn();
    expect(dir.snapToEntry('-UỶ BAN NHÂN DÂN TỈNH AN GIANG')).toBe('UỶ BAN NHÂN DÂN TỈNH AN GIANG');
  });
});

describe('archive line codes', () => {
  it('a drafter code with its copies is a code; a lost small letter comes back; a plausible two-letter reading stays, doubtful', () => {
    for (const c of ['Hg(3b)', 'Nhân(2)', 'To4b']) expect(checkCode(c).ok).toBe(true);
    expect(checkCode('TT')).toMatchObject({ code: 'TTr', repaired: true });
    expect(checkCode('TN')).toEqual({ code: 'TN', ok: false, repaired: false });
    expect(repairArchive('Lưu: x VT, NN').item).toBe('Lưu: VT, NN');
  });
});

describe('rows lost from the "Nơi nhận" list', () => {
  const head = { x0: 230, y0: 1660, x1: 400, y1: 1695 };
  const row = (text: string, y0: number): { text: string; y0: number; y1: number } => ({ text, y0, y1: y0 + 30 });
  it('a two-row gap and a list not closed by "Lưu:" are where a row is missing', () => {
    const rows = [row('- Ban Tuyên giáo Tỉnh ủy;', 1700), row('- Công an tỉnh;', 1738), row('- Lãnh đạo Sở;', 1814)];
    const bands = missingRowBands(head, rows, 30);
    expect(bands).toHaveLength(2);
    expect(bands[0]!.y0).toBe(1768); expect(bands[0]!.y1).toBe(1814);
    expect(bands[1]!.y0).toBe(1844);
    expect(missingRowBands(head, [row('- Công an tỉnh;', 1700), row('- Lưu: VT, VP.', 1738)], 30)).toEqual([]);
  });
});
