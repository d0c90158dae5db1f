import { describe, expect, it } from 'vitest';
import { asciiAlnum, attachmentFileName } from '../../appliance/pdf/attachment-name.js';

describe('attachmentFileName', () => {
  it('keeps ASCII letters and digits only, without Vietnamese diacritics', () => {
    expect(attachmentFileName('48/2017/QĐ-UBND', '2017-12-29')).toBe('482017QDUBND20171229.pdf');
    expect(attachmentFileName('1234/UBND-VP', '2020-01-05', 'Sở Tư pháp')).toBe('1234UBNDVP20200105SoTuphap.pdf');
    expect(asciiAlnum('Đặng Xuân Phong, Hỏa tốc')).toBe('DangXuanPhongHoatoc');
  });

  it('is at most 50 characters including .pdf, for every Vietnamese letter', () => {
    const viet = 'àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ';
    const name = attachmentFileName(viet + viet.toUpperCase(), '2026-11-22', 'extra part that is long');
    expect(name).toMatch(/^[A-Za-z0-9]{1,46}\.pdf$/);
    expect(name.length).toBe(50);
    expect(name.startsWith('aaaaaaaaaaaaaaaaadeeeeeeeeeee')).toBe(true);
  });

  it('works with decomposed (NFD) input and still yields a name when nothing survives', () => {
    expect(attachmentFileName('15/QĐ-BNV'.normalize('NFD'), '2020-01-05')).toBe('15QDBNV20200105.pdf');
    expect(attachmentFileName('—', '')).toBe('vanban.pdf');
  });
});
