import { describe, it, expect, afterAll } from 'vitest';
import { join } from 'node:path';
import { NativeTesseractEngine } from '../../appliance/ocr/native-engine.js';
import { DEBIAN_TESSDATA } from '../../appliance/ocr/create-engine.js';
import { preparePage } from '../../appliance/ocr/prepare-page.js';
import { chooseSpelling, chooseAmongAlternatives, fieldPosterior } from '../../appliance/extract/syllable-choice.js';
import { calibrate, CLOSE_CHOICE, type FieldEvidence } from '../../appliance/extract/calibration.js';
import { FIELD_KEYS, type FieldKey } from '../../appliance/extract/fields.js';
import type { OcrPage, OcrWord, SymbolChoice } from '../../appliance/ocr/ocr.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

// Issue 12: tesseract says what else a symbol could be (hOCR, lstm_choice_mode=2) and the
// syllable model chooses among the spellings; a spelling chosen between close ones is a doubt.

/** A word whose symbols are sure except those given as [chosen, conf, other, conf]. */
function word(text: string, doubt: Record<number, [string, number, string, number]> = {}): OcrWord {
  const choices: SymbolChoice[][] = [...text].map((ch, i) => {
    const d = doubt[i];
    return d ? [{ text: d[0], confidence: d[1] }, { text: d[2], confidence: d[3] }] : [{ text: ch, confidence: 95 }];
  });
  return { text, confidence: 90, bbox: { x0: 0, y0: 0, x1: 10, y1: 10 }, choices };
}

describe('syllable model over the OCR’s alternatives', () => {
  it('a misread that is no word gives way to the alternative that is one', () => {
    expect(chooseSpelling(word('nhần', { 2: ['ầ', 95, 'â', 47] }), 'tiếp', null)?.text).toBe('nhân');
  });

  it('the neighbours choose between two real words', () => {
    // "Cống thông tin" vs "Cổng thông tin": the pair model knows the second
    expect(chooseSpelling(word('Cống', { 1: ['ố', 89, 'ổ', 82] }), null, 'thông')?.text).toBe('Cổng');
  });

  it('a rare right word is not traded for a frequent one on frequency alone, and keeps its doubt', () => {
    const r = chooseSpelling(word('Đinh', { 1: ['i', 89, 'ị', 60] }), null, 'Thanh');
    expect(r?.text).toBe('Đinh');
    expect(r!.posterior).toBeLessThan(0.9);
  });

  it('another letter, a case or a punctuation choice is not in question', () => {
    expect(chooseSpelling(word('b/c', { 2: ['c', 87, 'C', 78] }), null, null)?.text ?? 'b/c').toBe('b/c');
    expect(chooseSpelling(word('VT,', { 2: [',', 89, ';', 80] }), null, null)).toBeNull();
  });

  it('a page’s words are re-spelled and the fields learn the lowest posterior of their words', () => {
    // "Hồ" or "Hộ": both are words and names, the marks are as good as each other
    const w = word('Hồ', { 1: ['ồ', 80, 'ộ', 75] });
    const page: OcrPage = { imagePath: '', width: 100, height: 100, dpi: 300, rotation: 0, blank: false, text: 'Hồ Thị Lan',
      lines: [{ text: 'Hồ Thị Lan', confidence: 90, bbox: w.bbox, words: [w, word('Thị'), word('Lan')] }] };
    const { posteriors } = chooseAmongAlternatives(page);
    const p = fieldPosterior('Hồ Thị Lan', posteriors);
    expect(p).toBeLessThan(CLOSE_CHOICE);
    expect(fieldPosterior('Sở Tài chính', posteriors)).toBe(1);
    // such a field is flagged however sure the rest of the evidence is
    const ev = Object.fromEntries(FIELD_KEYS.map((k) => [k, { raw: 0.99, doubt: false, agreement: 1, unknown: 0, choice: k === 'signer' ? p : 1 }])) as Record<FieldKey, FieldEvidence>;
    const { flagged } = calibrate(ev, 0.95);
    expect(flagged).toContain('signer');
    expect(flagged).not.toContain('issuer');
    // unless the close choice made the value a form of its closed vocabulary (a title of the list)
    const titled = { ...ev, signer: ev.issuer!, signerTitle: { raw: 0.99, doubt: false, agreement: 1, unknown: 0, choice: 0.5, vocabulary: 1 } } as Record<FieldKey, FieldEvidence>;
    expect(calibrate(titled, 0.95).flagged).not.toContain('signerTitle');
    expect(calibrate({ ...titled, signerTitle: { ...titled.signerTitle, vocabulary: 0 } }, 0.95).flagged).toContain('signerTitle');
  });
});

describe('tesseract’s symbol choices (real engine, hOCR)', () => {
  const engine = new NativeTesseractEngine({ tessdataDir: DEBIAN_TESSDATA, processes: 1 });
  afterAll(() => engine.close());

  it('a region read with alternatives has words whose choices spell them, the same words as without', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sohoa-choice-'));
    try {
      const prep = await preparePage(join(import.meta.dirname, '../fixtures/extract/pages/clean-thong-bao.png'), dir);
      await prep.written;
      const page: OcrPage = { imagePath: prep.imagePath, width: prep.width, height: prep.height, dpi: prep.dpi, rotation: prep.rotation, blank: false, text: '', lines: [] };
      const region = { x0: 0, y0: 0, x1: prep.width, y1: Math.round(prep.height * 0.3) };
      const [plain, withChoices] = await Promise.all([engine.recognizeRegion(page, region, { layout: 'page' }), engine.recognizeRegion(page, region, { layout: 'page', alternatives: true })]);
      const words = withChoices.flatMap((l) => l.words);
      expect(words.map((w) => w.text)).toEqual(plain.flatMap((l) => l.words).map((w) => w.text));
      const spelled = words.filter((w) => w.choices);
      expect(spelled.length).toBeGreaterThan(words.length * 0.8);
      for (const w of spelled) expect(w.choices!.map((c) => c[0]!.text).join('')).toBe(w.text);
      expect(words.some((w) => /[ạ-ỹđ]/iu.test(w.text))).toBe(true);
    } finally { await rm(dir, { recursive: true, force: true }); }
  }, 120_000);
});
