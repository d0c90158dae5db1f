import { describe, it, expect } from 'vitest';
import { AgencyDirectory } from '../../appliance/extract/agency-directory.js';
import { placeByLetters, repairDatePlace, DISTRICT_NAMES, PROVINCE_NAMES } from '../../appliance/extract/places.js';

// Agency words and places on unseen-like scans: both readings of a capital are real words
// ("HÀ"/"HẠ"), so only the phrase (word pairs) or the list of places can settle them.

const dir = AgencyDirectory.builtIn();

describe('agency name words by word pairs', () => {
  it('restores a same-letters word the phrase supports', () => {
    expect(dir.splitHeader(['UBND HUYỆN HÀ QUẢNG', 'PHÒNG KINH TẾ VÀ HÀ TẦNG']).issuer).toBe('PHÒNG KINH TẾ VÀ HẠ TẦNG');
    expect(dir.splitHeader(['UBND HUYỆN HÀ QUẢNG', 'PHÒNG KINH TẾ VÀ HÀ TANG']).issuer).toBe('PHÒNG KINH TẾ VÀ HẠ TẦNG');
    expect(dir.splitHeader(['BỘ TƯ PHÁP', 'CỤC HỒ TỊCH, QUỐC TỊCH, CHỨNG THỰC']).issuer).toBe('CỤC HỘ TỊCH, QUỐC TỊCH, CHỨNG THỰC');
    expect(dir.splitHeader(['BỘ Y TẾ', 'CỤC Y TẾ DU PHÒNG']).issuer).toBe('CỤC Y TẾ DỰ PHÒNG');
  });
  it('leaves the place after the level word to the place lists', () => {
    // "HÀ QUẢNG" is a district: the word pairs never touch it
    expect(dir.splitHeader(['UBND HUYỆN HÀ QUẢNG', 'VĂN PHÒNG HĐND VÀ UBND']).parent).toBe('UBND HUYỆN HÀ QUẢNG');
    expect(dir.splitHeader(['UBND TỈNH SƠN LA', 'SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG'])).toEqual({ parent: 'UBND TỈNH SƠN LA', issuer: 'SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG' });
  });
  it('splits a glued two-word level and drops a trailing speck', () => {
    expect(dir.splitHeader(['ỦY BAN NHÂN DÂN THỊXÃ PHÚ MỸ.', 'PHÒNG TƯ PHÁP']).parent).toBe('ỦY BAN NHÂN DÂN THỊ XÃ PHÚ MỸ');
  });
});

describe('place lists', () => {
  it('one letter off a known place, in a long enough name, is that place', () => {
    expect(dir.splitHeader(['UBND HUYỆN VÕNG LIÊM', 'PHÒNG NỘI VỤ']).parent).toBe('UBND HUYỆN VŨNG LIÊM');
    expect(dir.splitHeader(['UBND HUYỆN KONRÃẪY', 'PHÒNG NỘI VỤ']).parent).toBe('UBND HUYỆN KON RẪY');
    // short names: one edit reaches too many places
    expect(placeByLetters('BA TU', [DISTRICT_NAMES])).toBeNull();
  });
  it('one edit must reach one place only', () => {
    const lists = [PROVINCE_NAMES, DISTRICT_NAMES];
    const k = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toUpperCase().replace(/[^A-Z]/g, '');
    // a made-up name between two known ones is not snapped
    expect(placeByLetters('TAN PHU', lists)).toBe('Tân Phú');
    const amb = placeByLetters('TAM NONX', lists);
    expect(amb === null || k(amb) === 'TAMNONG').toBe(true);
  });
  it('the date line place takes the spelling of the one known place with its letters', () => {
    expect(repairDatePlace('Kon Rấy')).toBe('Kon Rẫy');
    expect(repairDatePlace('Bim Sơn')).toBe('Bỉm Sơn');
    expect(dir.repairPlace('Đà Năng')).toBe('Đà Nẵng');
    // known already, or letters of two places (Phú Mỹ / Phù Mỹ): as read
    expect(repairDatePlace('Hoà Bình')).toBe('Hoà Bình');
    expect(repairDatePlace('Phú Mỹ')).toBe('Phú Mỹ');
    expect(repairDatePlace('Phu My')).toBe('Phu My');
    expect(repairDatePlace('Xã Mới')).toBe('Xã Mới');
  });
});

describe('wrapped names', () => {
  it('a comma at the end of a wrapped line stays', () => {
    expect(dir.splitHeader(['BỘ TƯ PHÁP', 'CỤC HỘ TỊCH, QUỐC TỊCH,', 'CHỨNG THỰC']).issuer).toBe('CỤC HỘ TỊCH, QUỐC TỊCH, CHỨNG THỰC');
  });
});

describe('date-line place and the header', () => {
  it('the header naming a known place settles the spelling; naming an unknown one keeps the read', () => {
    expect(dir.repairPlace('Kon Rấy', ['PHÒNG NỘI VỤ', 'UBND HUYỆN KON RẪY'])).toBe('Kon Rẫy');
    // a ward the lists do not know, with a district's letters: as read, as the header prints it
    expect(dir.repairPlace('Kim Đông', ['ỦY BAN NHÂN DÂN PHƯỜNG KIM ĐÔNG', null])).toBe('Kim Đông');
    expect(dir.repairPlace('Kim Đông', [])).toBe('Kim Động');
  });
});
