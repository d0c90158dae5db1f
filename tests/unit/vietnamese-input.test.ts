import { describe, expect, it } from 'vitest';
import { typeKey, typeKeys, type InputOptions } from '../../ui/src/input/engine.js';

// The on-screen keyboard's Vietnamese typing (ui/src/input), key by key as a clerk types: Telex and
// VNI, tone placement by the standard rules in both styles, marks typed after the final
// consonant, undo by repeating a key, capitals kept.

const telexOld: InputOptions = { method: 'telex', toneStyle: 'old' };
const telexNew: InputOptions = { method: 'telex', toneStyle: 'new' };
const vniOld: InputOptions = { method: 'vni', toneStyle: 'old' };
const vniNew: InputOptions = { method: 'vni', toneStyle: 'new' };

const table = (name: string, options: InputOptions, rows: [string, string][]) =>
  describe(name, () => {
    it.each(rows)('%s → %s', (keys, want) => expect(typeKeys(keys, options)).toBe(want));
  });

// Keys typed → text, the same in both styles.
const TELEX_BOTH: [string, string][] = [
  ['Vieetj', 'Việt'], ['Vietej', 'Việt'], ['Vieejt', 'Việt'], ['tieengs', 'tiếng'], ['tieesng', 'tiếng'],
  ['dd', 'đ'], ['ddi', 'đi'], ['DDoongf', 'Đồng'], ['Ddaf', 'Đà'], ['QDD', 'QĐ'],
  ['uow', 'uơ'], ['nguowif', 'người'], ['huowngs', 'hướng'], ['thuowr', 'thuở'], ['ruouwj', 'rượu'], ['dduowcj', 'được'],
  ['tw', 'tư'], ['nhw', 'như'], ['w', 'ư'], ['muwa', 'mưa'], ['cuwar', 'cửa'], ['cuwus', 'cứu'],
  ['aw', 'ă'], ['hoawcj', 'hoặc'], ['aa', 'â'], ['ee', 'ê'], ['oo', 'ô'], ['caau', 'câu'],
  // a tone typed after the final consonant, and a tone that moves when the word grows
  ['hoafn', 'hoàn'], ['hoangf', 'hoàng'], ['toans', 'toán'], ['thuyeets', 'thuyết'], ['chuyeenr', 'chuyển'], ['khuyeen', 'khuyên'],
  ['huyts', 'huýt'], ['quyeets', 'quyết'],
  // qu / gi: the u / i is part of the consonant
  ['quas', 'quá'], ['quys', 'quý'], ['quyf', 'quỳ'], ['giaf', 'già'], ['gif', 'gì'], ['giuwax', 'giữa'], ['gieengs', 'giếng'], ['quowr', 'quở'],
  // two open vowels other than oa/oe/uy: the first one in both styles
  ['mais', 'mái'], ['chaus', 'cháu'], ['muas', 'múa'], ['mias', 'mía'], ['tuooir', 'tuổi'], ['tuoir', 'tuỏi'],
  // three vowels: the middle one unless one is marked
  ['ngoaif', 'ngoài'], ['khuyur', 'khuỷu'], ['xoays', 'xoáy'], ['yeeu', 'yêu'], ['khuaays', 'khuấy'],
  // remove the tone, undo by doubling, capitals
  ['hoafz', 'hoa'], ['as', 'á'], ['ass', 'as'], ['aaa', 'aa'], ['ddd', 'dd'], ['aww', 'aw'], ['uoww', 'uow'], ['afs', 'á'],
  ['HOAF', 'HÒA'.normalize()] /* replaced below per style */, ['VIEETJ', 'VIỆT'], ['UBND', 'UBND'], ['NDD-CP', 'NĐ-CP'],
  ['Tooir', 'Tổi'], ['z', 'z'], ['bus', 'bú'], ['sa', 'sa'], ['tra', 'tra'],
];

describe('Telex', () => {
  table('both styles (old)', telexOld, TELEX_BOTH.filter(([k]) => k !== 'HOAF'));
  table('both styles (new)', telexNew, TELEX_BOTH.filter(([k]) => k !== 'HOAF'));
  table('old style: oa, oe, uy open take the tone on the first vowel', telexOld, [
    ['hoaf', 'hòa'], ['khoer', 'khỏe'], ['thuyr', 'thủy'], ['HOAF', 'HÒA'], ['Hoaf', 'Hòa'], ['hoas', 'hóa'],
  ]);
  table('new style: oa, oe, uy open take the tone on the second vowel', telexNew, [
    ['hoaf', 'hoà'], ['khoer', 'khoẻ'], ['thuyr', 'thuỷ'], ['HOAF', 'HOÀ'], ['Hoaf', 'Hoà'], ['hoas', 'hoá'],
  ]);
  table('sentences', telexOld, [
    ['Vawn bans', 'Văn bán'], ['UBND tinhr Laof Cai', 'UBND tỉnh Lào Cai'],
    ['Coong vawn soos 658/CCATVSTP', 'Công văn số 658/CCATVSTP'],
    ['Sowr Taif chinhs', 'Sở Tài chính'], ['(boor sung)', '(bổ sung)'],
  ]);
});

describe('VNI', () => {
  table('both styles', vniOld, [
    ['Vie65t', 'Việt'], ['Viet65', 'Việt'], ['tie61ng', 'tiếng'], ['tieng61', 'tiếng'], ['d9', 'đ'], ['D9o62ng', 'Đồng'],
    ['uo7', 'uơ'], ['ngu7o72i', 'người'], ['nguo7i2', 'người'], ['thuo73', 'thuở'], ['a8', 'ă'], ['a6', 'â'], ['e6', 'ê'], ['o6', 'ô'],
    ['hoa2n', 'hoàn'], ['thuye6t1', 'thuyết'], ['qua1', 'quá'], ['gia2', 'già'], ['gi2', 'gì'], ['giu7a4', 'giữa'],
    ['ngoai2', 'ngoài'], ['hoa20', 'hoa'], ['a11', 'a1'], ['a66', 'a6'], ['d99', 'd9'], ['VIE65T', 'VIỆT'], ['12', '12'], ['so61 12', 'số 12'],
  ]);
  table('old style', vniOld, [['hoa2', 'hòa'], ['khoe3', 'khỏe'], ['thuy3', 'thủy']]);
  table('new style', vniNew, [['hoa2', 'hoà'], ['khoe3', 'khoẻ'], ['thuy3', 'thuỷ']]);
});

describe('typing off', () => {
  it('types the keys as they are', () => {
    expect(typeKeys('https://qlvb.laocai.gov.vn dd aa as', { method: 'off', toneStyle: 'old' })).toBe('https://qlvb.laocai.gov.vn dd aa as');
  });
});

describe('one key at a time', () => {
  it('keeps what it does not understand and works on the word before the caret only', () => {
    expect(typeKey('', 's', telexOld)).toBe('s');
    expect(typeKey('658', 's', telexOld)).toBe('658s');
    expect(typeKey('Viêt', 'j', telexOld)).toBe('Việt');
    expect(typeKey('Vie\u0302t', 'j', telexOld)).toBe('Việt'); // decomposed text from elsewhere
    expect(typeKey('hòa', ',', telexOld)).toBe('hòa,');
  });
});
