import { describe, it, expect } from 'vitest';
import { itemIsPhrase, listEvidence } from '../../appliance/extract/recipient-evidence.js';
import { calibrate, features, probabilityRight, type FieldEvidence } from '../../appliance/extract/calibration.js';
import { CALIBRATION_MODEL } from '../../appliance/extract/calibration-model.js';
import { FIELD_KEYS, type FieldKey } from '../../appliance/extract/fields.js';
import type { OcrWord } from '../../appliance/ocr/ocr.js';

// The evidence that tells a right "Nơi nhận" list from a wrong one, as the calibration sees it.

const word = (text: string, x0: number, y0: number, confidence = 90): OcrWord => ({ text, confidence, bbox: { x0, y0, x1: x0 + text.length * 10, y1: y0 + 20 } });
const row = (text: string, y0: number, confidence = 90) => {
  const words = text.split(' ').map((t, i) => word(t, 100 + i * 80, y0, confidence));
  return { words, text, y0, y1: y0 + 20 };
};

describe('recipient phrase model', () => {
  it('known items, archive lines with known codes and the drafter read as phrases', () => {
    expect(itemIsPhrase('Như trên', [])).toBe(true);
    expect(itemIsPhrase('TT HĐND tỉnh (b/c)', [])).toBe(true);
    expect(itemIsPhrase('Lưu: VT, QLCL, Tươi(5)', [])).toBe(true);
    expect(itemIsPhrase('Lưu: VT, KTHT', ['KTHT'])).toBe(true); // the document's own code
  });
  it('misread codes, brackets and debris do not', () => {
    expect(itemIsPhrase('Lưu: VT, QUCL', [])).toBe(false);
    expect(itemIsPhrase('Công an tỉnh (bí)', [])).toBe(false);
    expect(itemIsPhrase('Hội Cựu chiến binh tỉnh =-', [])).toBe(false);
  });
});

describe('list evidence', () => {
  it('a clean single-spaced list has none against it', () => {
    const rows = [row('- Như trên;', 130), row('- Công an tỉnh;', 160), row('- Lưu: VT, VP.', 190)];
    const e = listEvidence(rows, ['Như trên', 'Công an tỉnh', 'Lưu: VT, VP'], 3, 3, 100, []);
    expect(e).toEqual({ badRows: 0, badItems: 0, undashed: 0, gridMismatch: 0, minWord: 0.9, minCode: 0.9 });
  });
  it('the "Lưu:" codes after VT are weighed on their own: a code read unsure, not a garbled VT', () => {
    const luu = row('- Lưu: VI, TH.', 190);
    luu.words[2]!.confidence = 17; // "VI" for VT: repaired by rule whatever was read
    luu.words[3]!.confidence = 61; // "TH" for TTr in small type (round Q)
    const e = listEvidence([row('- Như trên;', 130), luu], ['Như trên', 'Lưu: VT, TH'], 2, 2, 100, []);
    expect(e.minCode).toBeCloseTo(0.61);
    expect(e.minWord).toBeCloseTo(0.17);
    expect(listEvidence([row('- Như trên;', 130), row('- Lưu: VT.', 160)], ['Như trên', 'Lưu: VT'], 2, 2, 100, []).minCode).toBe(1);
  });
  it('a lost row shows as a gap in the grid, an undashed item and a weak word as such', () => {
    const rows = [row('- Như trên;', 130), row('Công an tỉnh;', 160, 30), row('- Lưu: VT, VP.', 220)];
    const e = listEvidence(rows, ['Như trên', 'Lưu: VT, VP'], 2, 1, 100, []);
    expect(e.gridMismatch).toBe(1);
    expect(e.undashed).toBe(0.5);
    expect(e.minWord).toBeCloseTo(0.3);
  });
  it('the calibration lowers a list with evidence against it', () => {
    const base = { raw: 0.9, doubt: false, agreement: 0 as const, unknown: 0 };
    const clean = { ...base, list: { badRows: 0, badItems: 0, undashed: 0, gridMismatch: 0, minWord: 0.9 } };
    const gappy = { ...base, list: { badRows: 0.3, badItems: 0.3, undashed: 0, gridMismatch: 2, minWord: 0.2 } };
    expect(features(gappy, 0.9).grid).toBe(2);
    expect(probabilityRight('recipients', gappy, 0.9)).toBeLessThan(probabilityRight('recipients', clean, 0.9));
  });
});

describe('per-field flag targets', () => {
  it('a field with its own target is flagged against it, the others against the one target', () => {
    const sure: FieldEvidence = { raw: 0.99, doubt: false, agreement: 0, unknown: 0 };
    const evidence = Object.fromEntries(FIELD_KEYS.map((k) => [k, sure])) as Record<FieldKey, FieldEvidence>;
    const p = probabilityRight('recipients', sure, 0.9);
    const own = { ...CALIBRATION_MODEL, target: p + 0.001, targets: { recipients: p - 0.001 } };
    expect(calibrate(evidence, 0.9, own).flagged).not.toContain('recipients');
    expect(calibrate(evidence, 0.9, { ...own, targets: {} }).flagged).toContain('recipients');
  });
});
