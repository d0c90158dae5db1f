import { describe, it, expect } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { checkCode, documentCodes, repairArchive, repairInitials, rowLooksRight } from '../../appliance/extract/recipients.js';
import { extractFields } from '../../appliance/extract/extract-fields.js';
import { repairRecipient } from '../../appliance/extract/recipient-list.js';
import { recipientsRegion, rereadRecipients } from '../../appliance/extract/reread-recipients.js';
import { rereadSignature } from '../../appliance/extract/reread.js';
import { buildPage, type Row } from '../fixtures/extract/page-builder.js';
import type { BBox, OcrEngine, OcrLine, OcrPage } from '../../appliance/ocr/ocr.js';

/** A white page image for `page` in `dir` (the re-reads cut their crops from it). */
const withImage = async (page: OcrPage, dir: string): Promise<void> => {
  page.imagePath = join(dir, 'page.png');
  await sharp({ create: { width: page.width, height: page.height, channels: 3, background: '#ffffff' } }).png().toFile(page.imagePath);
};

/** An engine whose region read returns `rows` (page coordinates) as the ×2 ink-only crop of `region` would show them. */
const fakeEngine = (region: BBox, rows: Array<{ text: string; y0: number; y1: number; x0: number }>, calls: string[]): OcrEngine => ({
  recognize: async () => { throw new Error('not used'); },
  close: async () => {},
  recognizeRegion: async (_p: OcrPage, _r: BBox, o?: { layout?: string }): Promise<OcrLine[]> => {
    calls.push(o?.layout ?? 'sparse');
    if (o?.layout === 'line') return []; // the "Lưu:" row's second read (its own tests below)
    const crop = (x: number, y: number): [number, number] => [(x - Math.floor(region.x0)) * 2 + 20, (y - Math.floor(region.y0)) * 2 + 20];
    return rows.map((r) => {
      let x = r.x0;
      const words = r.text.split(' ').map((t) => {
        const [x0, y0] = crop(x, r.y0); const [x1, y1] = crop(x + t.length * 22, r.y1); x += t.length * 22 + 22;
        return { text: t, confidence: 93, bbox: { x0, y0, x1, y1 } };
      });
      return { text: r.text, confidence: 93, words, bbox: { x0: words[0]!.bbox.x0, y0: words[0]!.bbox.y0, x1: words[words.length - 1]!.bbox.x1, y1: words[0]!.bbox.y1 } };
    });
  },
});

const head: Row[] = [
  { left: 'ỦY BAN NHÂN DÂN', right: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
  { left: 'TỈNH LÀO CAI', right: 'Độc lập - Tự do - Hạnh phúc' },
  { left: 'Số: 1234/UBND-VP', right: 'Lào Cai, ngày 29 tháng 12 năm 2017', gap: 40 },
  { left: 'V/v triển khai phần mềm' },
  { full: 'Đề nghị các cơ quan, đơn vị thực hiện./.', gap: 60 },
];
const sign = (recipients: Row[]): Row[] => [
  ...head,
  { left: 'Nơi nhận:', right: 'KT. CHỦ TỊCH', gap: 40 },
  ...recipients,
  { right: 'Nguyễn Văn Bình', gap: 200 },
];

describe('archive codes (Lưu:)', () => {
  it('reads the first code as VT when a speck follows its T or its T carries a mark ("VTE", "VTj", "VỊ"); a code glued to VT stays for the split', () => {
    expect(repairRecipient('- Lưu: VTE, KH, VP.')).toBe('Lưu: VT, KH, VP');
    expect(repairRecipient('- Lưu: VTj QLCL, HCTH.')).toBe('Lưu: VT, QLCL, HCTH');
    expect(repairRecipient('- Lưu: VỊ.')).toBe('Lưu: VT');
    expect(repairArchive(repairRecipient('- Lưu: VTNC, KT.')).item).toBe('Lưu: VT, NC, KT');
  });
  it('drops a word of the seal ring read in capitals into an item, and doubts the list (held-out 1352)', () => {
    expect(repairRecipient('- Phòng Giao dịch Ngân hàng Chính sách xã hội NHÂN huyện;')).toBe('Phòng Giao dịch Ngân hàng Chính sách xã hội huyện');
    expect(repairRecipient('- Đoàn ĐBQH tỉnh;')).toBe('Đoàn ĐBQH tỉnh');
    expect(repairRecipient('- Chi cục Thuế khu vực Châu Thành A;')).toBe('Chi cục Thuế khu vực Châu Thành A');
    const r = extractFields([buildPage(sign([{ left: '- Như trên;' }, { left: '- Ngân hàng Chính sách xã hội NHÂN' }, { left: 'huyện;' }, { left: '- Lưu: VT, VP.' }]))]);
    expect(r.recipients).toEqual(['Như trên', 'Ngân hàng Chính sách xã hội huyện', 'Lưu: VT, VP']);
    expect(r.flagged).toContain('recipients');
  });
  it('drops the seal ring\'s "TỈNH" read after an item\'s own last word ("… tỉnh; tình")', () => {
    expect(repairRecipient('- Liên đoàn Lao động tỉnh; tình')).toBe('Liên đoàn Lao động tỉnh');
    expect(repairRecipient('- Trung tâm Thông tin - Công báo tỉnh, tình;')).toBe('Trung tâm Thông tin - Công báo tỉnh');
    expect(repairRecipient('- UBND các xã, thị trấn;')).toBe('UBND các xã, thị trấn');
  });
  it('splits the first code from a known code glued to it, the comma lost ("VTNC", held-out 1341)', () => {
    expect(repairArchive('Lưu: VTNC, KT')).toEqual({ item: 'Lưu: VT, NC, KT', sure: true });
    expect(repairArchive('Lưu: VTHg(3b)')).toEqual({ item: 'Lưu: VT, Hg(3b)', sure: true });
    expect(repairArchive('Lưu: VTQX')).toEqual({ item: 'Lưu: VTQX', sure: expect.any(Boolean) });
  });
  it('repairs one confused letter against the known unit codes, never guesses between two', () => {
    expect(checkCode('VE')).toEqual({ code: 'VP', ok: true, repaired: true });
    expect(checkCode('HCTE')).toEqual({ code: 'HCTP', ok: true, repaired: true });
    expect(checkCode('HGTH')).toEqual({ code: 'HCTH', ok: true, repaired: true });
    expect(checkCode('KGVX').ok).toBe(true);
    // unknown but shaped like a code: kept as printed
    expect(checkCode('XDKTVB')).toEqual({ code: 'XDKTVB', ok: true, repaired: false });
    // a letter no unit name opens with, nothing to repair it to: doubtful
    expect(checkCode('QXF').ok).toBe(false);
  });
  it('knows the codes of the document itself', () => {
    expect(documentCodes('48/2017/QĐ-UBND')).toEqual(['QĐ', 'UBND']);
    expect(documentCodes('57/SNV-TCBC')).toEqual(['SNV', 'TCBC']);
    expect(checkCode('TCBG', documentCodes('57/SNV-TCBC'))).toMatchObject({ code: 'TCBC', repaired: true });
  });
  it('rewrites the archive item and says when it stays doubtful', () => {
    expect(repairArchive('Lưu: VT, VE')).toEqual({ item: 'Lưu: VT, VP', sure: true });
    expect(repairArchive('Như trên')).toEqual({ item: 'Như trên', sure: true });
    expect(repairArchive('Lưu: VT, QXF').sure).toBe(false);
    expect(repairArchive('Lưu: VT, phòng KT')).toEqual({ item: 'Lưu: VT, phòng KT', sure: false });
  });
});

describe('recipient row check', () => {
  it('accepts items of the usual grammar', () => {
    for (const t of ['- Như trên;', '- Như Điều 3;', '- UBND các huyện, thành phố;', '- Cổng TTĐT tỉnh;', '- Giám đốc Sở (b/c);',
      '- Lưu: VT, VP.', '- Lưu: VI; KGVX.', "-'TT Tỉnh ủy, TT HĐND tỉnh;", '- Như tren;']) expect(rowLooksRight(t, { first: true })).toBe(true);
    expect(rowLooksRight('thành phố;', { first: false })).toBe(true); // a wrapped item
  });
  it('rejects debris, garbled words, a missing dash on the first row and misread codes', () => {
    for (const t of ['"`"...', '-', '.', '-Nhưưên,', '- Giám đốc _ (b/C);', '- Lưu: VI; VE.', '- T Tỉnh ủy, TT HĐND tỉnh;', 'Như trên;'])
      expect(rowLooksRight(t, { first: true })).toBe(false);
  });
  it('repairs word-initial misreads only to words of the lexicon', () => {
    expect(repairInitials('Irang TTĐT đơn vị')).toBe('Trang TTĐT đơn vị');
    expect(repairInitials('INhư trên')).toBe('Như trên');
    expect(repairInitials('Ixyz lđ')).toBe('Ixyz lđ');
  });
});

describe('recipients in extractFields', () => {
  it('puts a word tesseract read apart back in its place in the row', () => {
    const page = buildPage(sign([{ left: '- Như trên;' }, { left: '- Giám đốc (b/c);' }, { left: '- Lưu: VT, VP.' }]));
    const line = page.lines.find((l) => l.text === '- Giám đốc (b/c);')!;
    const last = line.words[line.words.length - 1]!;
    const x = last.bbox.x0;
    last.bbox = { ...last.bbox, x0: x + 80, x1: last.bbox.x1 + 80 };
    page.lines.push({ text: 'Sở', confidence: 95, bbox: { ...last.bbox, x0: x, x1: x + 66 }, words: [{ text: 'Sở', confidence: 95, bbox: { ...last.bbox, x0: x, x1: x + 66 } }] });
    expect(extractFields([page]).recipients).toEqual(['Như trên', 'Giám đốc Sở (b/c)', 'Lưu: VT, VP']);
  });
  it('repairs an archive code by the known codes and flags one it cannot settle', () => {
    const ok = extractFields([buildPage(sign([{ left: '- Như trên;' }, { left: '- Lưu: VT, VE.' }]))]);
    expect(ok.recipients).toEqual(['Như trên', 'Lưu: VT, VP']);
    expect(ok.flagged).not.toContain('recipients');
    const doubt = extractFields([buildPage(sign([{ left: '- Như trên;' }, { left: '- Lưu: VT, QXF.' }]))]);
    expect(doubt.recipients).toEqual(['Như trên', 'Lưu: VT, QXF']);
    expect(doubt.flagged).toContain('recipients');
  });
  it('flags an item whose note the seal cut short at the row\'s end, and re-reads its row (held-out 1341)', () => {
    expect(rowLooksRight('- Ngân hàng Nhà nước chi nhánh Hà Tĩnh (', { first: false })).toBe(false);
    expect(rowLooksRight('- Ngân hàng Nhà nước chi nhánh Hà Tĩnh (b/', { first: false })).toBe(false);
    expect(rowLooksRight('- Ngân hàng Nhà nước chi nhánh Hà Tĩnh (b/c);', { first: false })).toBe(true);
    const cut = extractFields([buildPage(sign([{ left: '- Như trên;' }, { left: '- Ngân hàng Nhà nước chi nhánh Lào Cai (' }, { left: '- Lưu: VT, VP.' }]))]);
    expect(cut.flagged).toContain('recipients');
    const whole = extractFields([buildPage(sign([{ left: '- Như trên;' }, { left: '- Ngân hàng Nhà nước chi nhánh Lào Cai (b/c);' }, { left: '- Lưu: VT, VP.' }]))]);
    expect(whole.recipients).toEqual(['Như trên', 'Ngân hàng Nhà nước chi nhánh Lào Cai (b/c)', 'Lưu: VT, VP']);
    expect(whole.flagged).not.toContain('recipients');
  });
});

describe('rereadRecipients', () => {
  it('replaces a garbled first item by the column read alone, and leaves good rows alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sohoa-rcp-'));
    try {
      const page = buildPage(sign([{ left: '"`"...', conf: 5 }, { left: '- Các phòng chuyên môn;' }, { left: '- Lưu: VT, VE.', conf: 60 }]));
      await withImage(page, dir);
      const region = recipientsRegion(page)!;
      expect(region.x1).toBeLessThan(1668); // left of the signature block (KT. CHỦ TỊCH starts at 1668)
      const rows = page.lines.filter((l) => l.bbox.x1 < page.width / 2 && l.bbox.y0 > region.y0);
      const at = (i: number): { y0: number; y1: number; x0: number } => ({ y0: rows[i]!.bbox.y0, y1: rows[i]!.bbox.y1, x0: 500 });
      const calls: string[] = [];
      const out = await rereadRecipients(fakeEngine(region, [
        { text: '- Như trên;', ...at(0) }, { text: '- Các phòng chuyền môn;', ...at(1) }, { text: '- Lưu: VT, VP.', ...at(2) },
      ], calls), page);
      // (the "Lưu:" row it read again has its codes read sure: not read a second time)
      expect(calls).toEqual(['page']);
      const r = extractFields([out]);
      // the good row keeps its first read ("chuyên", not the re-read "chuyền")
      expect(r.recipients).toEqual(['Như trên', 'Các phòng chuyên môn', 'Lưu: VT, VP']);
      // nothing to re-read on a clean list
      const clean = buildPage(sign([{ left: '- Như trên;' }, { left: '- Lưu: VT, VP.' }]));
      clean.imagePath = page.imagePath;
      const none: string[] = [];
      expect(await rereadRecipients(fakeEngine(region, [], none), clean)).toBe(clean);
      expect(none).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('brings back a first item lost under the head line, though the head\'s "nhận:" box reaches into it (71 doc-017)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sohoa-rcp-'));
    try {
      // a line and a half of white under "Nơi nhận:" where "- Như Điều 3;" was printed
      const page = buildPage(sign([{ left: '- Công an tỉnh;', gap: 70 }, { left: '- Lưu: VT, VP.' }]));
      await withImage(page, dir);
      const headLine = page.lines.find((l) => l.text === 'Nơi nhận:')!;
      const nhan = headLine.words.find((w) => w.text === 'nhận:')!;
      const lostY0 = headLine.bbox.y1 + 25;
      nhan.bbox = { ...nhan.bbox, y1: nhan.bbox.y1 + 30 }; // tesseract's box runs 30 px below the line
      expect(extractFields([page]).flagged).toContain('recipients'); // the white says a row was lost
      const region = recipientsRegion(page)!;
      expect(region.y0).toBeLessThan(lostY0); // the crop starts under the head's letters, not under that box
      const rows = page.lines.filter((l) => l.bbox.x1 < page.width / 2 && l.bbox.y0 > region.y0 && l.text.startsWith('-'));
      const calls: string[] = [];
      const out = await rereadRecipients(fakeEngine(region, [
        { text: '- Như Điều 3;', y0: lostY0, y1: lostY0 + 50, x0: 500 },
        ...rows.map((r) => ({ text: r.text, y0: r.bbox.y0, y1: r.bbox.y1, x0: 500 })),
      ], calls), page);
      expect(calls.length).toBeGreaterThan(0);
      const r = extractFields([out]);
      expect(r.recipients).toEqual(['Như Điều 3', 'Công an tỉnh', 'Lưu: VT, VP']);
      expect(r.flagged).not.toContain('recipients');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a row the column re-reads did not mend alone, as one line, and leaves the seal\'s ink after its ";"', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sohoa-rcp-'));
    try {
      const page = buildPage(sign([{ left: '"`.', conf: 40 }, { left: '- Các phòng chuyên môn;' }, { left: '- Lưu: VT, VP.' }]));
      await withImage(page, dir);
      const calls: string[] = [];
      // the column read (page, sparse) finds the garbage again; one line read alone finds the item
      const engine: OcrEngine = {
        recognize: async () => { throw new Error('not used'); },
        close: async () => {},
        recognizeRegion: async (_p: OcrPage, r: BBox, o?: { layout?: string }): Promise<OcrLine[]> => {
          calls.push(o?.layout ?? 'sparse');
          if (o?.layout !== 'line') return [];
          const texts = ['-', 'Như', 'trên;', '"', '¬'];
          const words = texts.map((text, i) => ({ text, confidence: 90, bbox: { x0: 40 + i * 120, y0: 20, x1: 140 + i * 120, y1: r.y1 - 20 } }));
          return [{ text: texts.join(' '), confidence: 90, words, bbox: { x0: 40, y0: 20, x1: 140 + 4 * 120, y1: r.y1 - 20 } }];
        },
      };
      const out = await rereadRecipients(engine, page);
      expect(calls).toEqual(['page', 'sparse', 'page', 'line']);
      expect(extractFields([out]).recipients).toEqual(['Như trên', 'Các phòng chuyên môn', 'Lưu: VT, VP']);
      // a line read that stops short of the item's ";" (its end lost to the seal) is not taken
      const short: OcrEngine = { ...engine, recognizeRegion: async (_p: OcrPage, r: BBox, o?: { layout?: string }): Promise<OcrLine[]> => {
        if (o?.layout !== 'line') return [];
        const texts = ['-', 'Như'];
        const words = texts.map((text, i) => ({ text, confidence: 90, bbox: { x0: 40 + i * 120, y0: 20, x1: 140 + i * 120, y1: r.y1 - 20 } }));
        return [{ text: texts.join(' '), confidence: 90, words, bbox: { x0: 40, y0: 20, x1: 260, y1: r.y1 - 20 } }];
      } };
      expect(await rereadRecipients(short, page)).toBe(page);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('rereadRecipients: rows that lost their start (round R: 1432 doc-018, 1392 doc-021)', () => {
  it('re-reads a row with no dash under an item closed by ";": it lost its start, it is no wrapped line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sohoa-rcp-'));
    try {
      const page = buildPage(sign([{ left: '- Như Điều 3;' }, { left: 'tế tỉnh;', conf: 72 }, { left: '- Lưu: VT, VP.' }]));
      await withImage(page, dir);
      const rows = page.lines.filter((l) => /^(- Như|tế|- Lưu)/u.test(l.text));
      const out = await rereadRecipients(fakeEngine(recipientsRegion(page)!, [
        { text: '- Như Điều 3;', y0: rows[0]!.bbox.y0, y1: rows[0]!.bbox.y1 },
        { text: '- Trường Chính trị tỉnh;', y0: rows[1]!.bbox.y0, y1: rows[1]!.bbox.y1 },
        { text: '- Lưu: VT, VP.', y0: rows[2]!.bbox.y0, y1: rows[2]!.bbox.y1 },
      ].map((r) => ({ ...r, x0: 500 })), []), page);
      expect(extractFields([out]).recipients).toEqual(['Như Điều 3', 'Trường Chính trị tỉnh', 'Lưu: VT, VP']);
      // under an item that does not close, the same row is its wrapped tail and stays as read
      const wrapped = buildPage(sign([{ left: '- Phòng Giao dịch Ngân hàng Chính sách' }, { left: 'xã hội huyện;' }, { left: '- Lưu: VT, VP.' }]));
      await withImage(wrapped, dir);
      expect(await rereadRecipients(fakeEngine(recipientsRegion(wrapped)!, [], []), wrapped)).toBe(wrapped);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('brings back a row the first read kept only as garbled words off the column, and drops those words', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sohoa-rcp-'));
    try {
      const page = buildPage(sign([{ left: '- Như trên;' }, { left: '- CVP, các PCVP UBND tỉnh;' }, { left: '- Lưu: VT, NV.', gap: 70 }]));
      await withImage(page, dir);
      const above = page.lines.find((l) => l.text.startsWith('- CVP'))!;
      const y0 = above.bbox.y1 + 20;
      // the row's end, read over the seal right of the column's start: no row of the list
      const garbled = [{ text: 'nh', confidence: 93, bbox: { x0: 1047, y0, x1: 1090, y1: y0 + 50 } }, { text: 'Œ®/©);', confidence: 62, bbox: { x0: 1110, y0, x1: 1238, y1: y0 + 50 } }];
      page.lines.push({ text: 'nh Œ®/©);', confidence: 70, words: garbled, bbox: { x0: 1047, y0, x1: 1238, y1: y0 + 50 } });
      expect(extractFields([page]).flagged).toContain('recipients');
      const read = page.lines.filter((l) => l.bbox.x0 < 1000 && /^- (Như|CVP|Lưu)/u.test(l.text)).map((l) => ({ text: l.text, y0: l.bbox.y0, y1: l.bbox.y1 }));
      const out = await rereadRecipients(fakeEngine(recipientsRegion(page)!, [...read, { text: '- Viện Kiểm sát nhân dân tỉnh (b/c);', y0, y1: y0 + 50 }].map((r) => ({ ...r, x0: 500 })), []), page);
      expect(extractFields([out]).recipients).toEqual(['Như trên', 'CVP, các PCVP UBND tỉnh', 'Viện Kiểm sát nhân dân tỉnh (b/c)', 'Lưu: VT, NV']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the "Lưu:" row read twice (round R: 1422 doc-012/013/030, "TH" for TTr)', () => {
  /** An engine whose one-line read of the "Lưu:" row (×3 crop of the column) sees `codes` where the first read saw its codes. */
  const secondRead = (page: OcrPage, codes: string[]): OcrEngine => ({
    recognize: async () => { throw new Error('not used'); },
    close: async () => {},
    recognizeRegion: async (p: OcrPage, _r: BBox, o?: { layout?: string }): Promise<OcrLine[]> => {
      if (o?.layout !== 'line') return [];
      const x0 = Math.floor(recipientsRegion(page)!.x0);
      const row = page.lines.find((l) => l.text.startsWith('- Lưu:'))!;
      // (the dash is missed: a word the second read has nothing for keeps no second reading)
      const words = row.words.map((w, i) => ({ text: i < 2 ? w.text : codes[i - 2]!, confidence: 80,
        bbox: { x0: (w.bbox.x0 - x0) * 3 + 20, y0: 20, x1: (w.bbox.x1 - x0) * 3 + 20, y1: p.height - 20 } })).slice(1);
      return [{ text: words.map((w) => w.text).join(' '), confidence: 80, words, bbox: { x0: words[0]!.bbox.x0, y0: 20, x1: words[words.length - 1]!.bbox.x1, y1: p.height - 20 } }];
    },
  });

  it('takes a second reading that is a well-formed line for a first that is none ("VBP" | "VP", 1432 doc-020)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sohoa-rcp-'));
    try {
      const page = buildPage(sign([{ left: '- Như trên;' }, { left: '- Lưu: VT, VBP, PC.', conf: 80 }]));
      await withImage(page, dir);
      const r = extractFields([await rereadRecipients(secondRead(page, ['VT,', 'VP,', 'PC.']), page)]);
      expect(r.recipients).toEqual(['Như trên', 'Lưu: VT, VP, PC']);
      expect(r.flagged).toContain('recipients'); // two readings at odds: the clerk checks
      // one that lost a code is not taken
      expect(extractFields([await rereadRecipients(secondRead(page, ['VT,', 'PC.', '']), page)]).recipients).toEqual(['Như trên', 'Lưu: VT, VBP, PC']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('doubts the list when the second read names another code after VT, and keeps it sure when both agree', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sohoa-rcp-'));
    try {
      const page = buildPage(sign([{ left: '- Như trên;' }, { left: '- Hội Nông dân tỉnh;' }, { left: '- Lưu: VT, TH.', conf: 80 }]));
      await withImage(page, dir);
      expect(extractFields([page]).flagged).not.toContain('recipients');
      const disagreed = extractFields([await rereadRecipients(secondRead(page, ['VT,', 'TTr.']), page)]);
      expect(disagreed.recipients).toEqual(['Như trên', 'Hội Nông dân tỉnh', 'Lưu: VT, TH']);
      expect(disagreed.flagged).toContain('recipients');
      // the same codes again (a comma or a full stop apart, VT misread: repaired alike) leave it sure
      const agreed = extractFields([await rereadRecipients(secondRead(page, ['VI', 'TH']), page)]);
      expect(agreed.recipients).toEqual(['Như trên', 'Hội Nông dân tỉnh', 'Lưu: VT, TH']);
      expect(agreed.flagged).not.toContain('recipients');
      // a second reading that is no well-formed line, of a code the first read sure, says nothing;
      // of a code the first read unsure, it doubts the list
      const sure = extractFields([await rereadRecipients(secondRead(page, ['VT,', 'KINS.']), page)]);
      expect(sure.flagged).not.toContain('recipients');
      const row = page.lines.find((l) => l.text.startsWith('- Lưu:'))!;
      const unsurePage = { ...page, lines: page.lines.map((l) => (l === row ? { ...l, words: l.words.map((w, i) => (i === 3 ? { ...w, confidence: 47 } : w)) } : l)) };
      expect(extractFields([await rereadRecipients(secondRead(unsurePage, ['VT,', 'KINS.']), unsurePage)]).flagged).toContain('recipients');
      // a row whose codes were all read sure (85 % or more) is taken as read: no second read
      const surePage = buildPage(sign([{ left: '- Như trên;' }, { left: '- Hội Nông dân tỉnh;' }, { left: '- Lưu: VT, TH.' }]));
      surePage.imagePath = page.imagePath;
      expect(await rereadRecipients(secondRead(surePage, ['VT,', 'TTr.']), surePage)).toBe(surePage);
      // through the whole signature re-read, the row keeps all its words (1422 doc-014 lost "- Lưu:")
      const signed = extractFields([await rereadSignature(secondRead(page, ['VT,', 'TTr.']), page)]);
      expect(signed.recipients).toEqual(['Như trên', 'Hội Nông dân tỉnh', 'Lưu: VT, TH']);
      expect(signed.flagged).toContain('recipients');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a note the seal cut short (round R: 1451 doc-023/024, 1411 doc-002)', () => {
  it('a note opening "b/" (its b read as h, the seal\'s ink after it) is "(b/c)"; other notes stay', () => {
    expect(repairRecipient('- Chủ tịch, các PCT UBND huyện (h/')).toBe('Chủ tịch, các PCT UBND huyện (b/c)');
    expect(repairRecipient('- Ban Quản lý dự án đầu tư xây dựng tỉnh (b/øØ#<s€ YH4')).toBe('Ban Quản lý dự án đầu tư xây dựng tỉnh (b/c)');
    expect(repairRecipient('- Sở Y tế (p/h);')).toBe('Sở Y tế (p/h)');
    expect(repairRecipient('- Sở Y tế (b/c);')).toBe('Sở Y tế (b/c)');
  });

  it('keeps the note\'s opening when the seal\'s letters past the column are cut off, and does not doubt the list for it', () => {
    const page = buildPage(sign([{ left: '- Hội Chữ thập đỏ tỉnh;' }, { left: '- Ban Quản lý dự án đầu tư xây dựng tỉnh' }, { left: '- Lưu: VT, PC.' }]));
    const row = page.lines.find((l) => l.text.startsWith('- Ban'))!;
    const x0 = row.bbox.x1 + 20;
    const note = { text: '(b/øØ#<s€', confidence: 6, bbox: { x0, y0: row.bbox.y0, x1: x0 + 170, y1: row.bbox.y1 } };
    const seal = { text: 'YH4', confidence: 8, bbox: { x0: x0 + 200, y0: row.bbox.y0, x1: Math.max(x0 + 280, 1446), y1: row.bbox.y1 } };
    row.words.push(note, seal); row.text += ' (b/øØ#<s€ YH4'; row.bbox = { ...row.bbox, x1: seal.bbox.x1 };
    const r = extractFields([page]);
    expect(r.recipients).toEqual(['Hội Chữ thập đỏ tỉnh', 'Ban Quản lý dự án đầu tư xây dựng tỉnh (b/c)', 'Lưu: VT, PC']);
    expect(r.flagged).not.toContain('recipients');
  });
});

describe('a list\'s end and places (round R: 1451 doc-005/026)', () => {
  it('an item ending in a known place of three words keeps it ("Hồ Chí Minh" is no misread "Chí Linh")', () => {
    expect(repairRecipient('- Kho bạc Nhà nước Hồ Chí Minh;')).toBe('Kho bạc Nhà nước Hồ Chí Minh');
    expect(repairRecipient('- Ngân hàng Nhà nước chi nhánh Ninh Thuật;')).toBe('Ngân hàng Nhà nước chi nhánh Ninh Thuận');
  });

  it('doubts a list whose "Lưu:" line ends on a comma or semicolon: its last codes were lost', () => {
    const cut = extractFields([buildPage(sign([{ left: '- Như trên;' }, { left: '- Đoàn ĐBQH tỉnh;' }, { left: '- Lưu: VI;' }]))]);
    expect(cut.recipients).toEqual(['Như trên', 'Đoàn ĐBQH tỉnh', 'Lưu: VT']);
    expect(cut.flagged).toContain('recipients');
    expect(extractFields([buildPage(sign([{ left: '- Như trên;' }, { left: '- Đoàn ĐBQH tỉnh;' }, { left: '- Lưu: VT.' }]))]).flagged).not.toContain('recipients');
  });
});

describe('recipient rows past the column (round R: 1432 doc-021)', () => {
  it('drops the seal\'s unsure letters glued to an item that reaches past the column, and joins its wrapped tail', () => {
    const page = buildPage(sign([{ left: '- Hội Nông dân huyện;' }, { left: '- Phòng Giao dịch Ngân hàng Chính sách' }, { left: 'xã hội huyện;' }, { left: '- Lưu: VT, NV, VP.' }]));
    const row = page.lines.find((l) => l.text.startsWith('- Phòng'))!;
    // (as close as a word gap: the page's layout keeps it on the item's segment)
    const x0 = row.bbox.x1 + 40; const x1 = Math.max(x0 + 110, 1449);
    const seal = { text: 'NHÂN)', confidence: 25, bbox: { x0, y0: row.bbox.y0, x1, y1: row.bbox.y1 } };
    row.words.push(seal); row.text += ' NHÂN)'; row.bbox = { ...row.bbox, x1 };
    const r = extractFields([page]);
    expect(r.recipients).toEqual(['Hội Nông dân huyện', 'Phòng Giao dịch Ngân hàng Chính sách xã hội huyện', 'Lưu: VT, NV, VP']);
  });
});

describe('recipient rows with proper names and mixed-case codes', () => {
  it('accepts place and person syllables and codes such as TTr', () => {
    expect(rowLooksRight('- UBND huyện Mường Khương;', { first: true })).toBe(true);
    expect(rowLooksRight('- Lưu: VT, TTr.', { first: true })).toBe(true);
    expect(checkCode('TTr')).toEqual({ code: 'TTr', ok: true, repaired: false });
    expect(rowLooksRight('- UBND huyện Xqwz;', { first: true })).toBe(false);
    expect(rowLooksRight('- Đ/c Phạm Kim Giang (để thực hiện);', { first: true })).toBe(true);
  });
});

describe('recipient items checked as items (unseen-like scans)', () => {
  it('garbled "Như trên", "Như Điều : 3", TT before HĐND, brackets, (/c)', async () => {
    const { repairRecipient } = await import('../../appliance/extract/recipient-list.js');
    expect(repairRecipient('- Nhưtêp;')).toBe('Như trên');
    expect(repairRecipient('- Nhưtrn,')).toBe('Như trên');
    expect(repairRecipient('- Ư tren;')).toBe('Như trên');
    expect(repairRecipient('- Thư viện;')).toBe('Thư viện');
    expect(repairRecipient('- Như Điều : 3;')).toBe('Như Điều 3');
    expect(repairRecipient('- FT HĐND) tỉnh;')).toBe('TT HĐND tỉnh');
    expect(repairRecipient('- FI HĐND huyện;')).toBe('TT HĐND huyện');
    expect(repairRecipient('- Đ/c Nguyễn Hồng Lan Tâm (để thực hiện;')).toBe('Đ/c Nguyễn Hồng Lan Tâm (để thực hiện)');
    expect(repairRecipient('- Ngân hàng Nhà nước chi nhánh Phú Thọ (/c);')).toBe('Ngân hàng Nhà nước chi nhánh Phú Thọ (b/c)');
  });
  it('an item ending in a place a letter off the one province it can be is that place; a person\'s item is left', async () => {
    const { repairRecipient } = await import('../../appliance/extract/recipient-list.js');
    expect(repairRecipient('- Ngân hàng Nhà nước chi nhánh Ninh Thuật;')).toBe('Ngân hàng Nhà nước chi nhánh Ninh Thuận');
    expect(repairRecipient('- Báo Tuyên Quang (b/c);')).toBe('Báo Tuyên Quang (b/c)');
    expect(repairRecipient('- Đ/c Nguyễn Ninh Thuật;')).toBe('Đ/c Nguyễn Ninh Thuật');
  });
  it('a lone small letter no word is goes; one that is a word stays ("ở")', async () => {
    const { repairRecipient } = await import('../../appliance/extract/recipient-list.js');
    expect(repairRecipient('- Các Phó Giám h đốc Sở;')).toBe('Các Phó Giám đốc Sở');
    expect(repairRecipient('- Các đơn vị ở huyện;')).toBe('Các đơn vị ở huyện');
  });
  it('words read twice, a non-word one letter off the word its neighbours call for', async () => {
    const { repairRecipient } = await import('../../appliance/extract/recipient-list.js');
    expect(repairRecipient('- Bộ Chỉ huy Quân Quân sự sự tỉnh tình;')).toBe('Bộ Chỉ huy Quân sự tỉnh');
    expect(repairRecipient('- Lhương trực Huyện ủy;')).toBe('Thường trực Huyện ủy');
    expect(repairRecipient('- Phòng Giao dịch Ngân hàng Chính sách xã ội huyện;')).toBe('Phòng Giao dịch Ngân hàng Chính sách xã hội huyện');
  });
  it('right items, places, abbreviations and the archive line stay as read', async () => {
    const { repairRecipient } = await import('../../appliance/extract/recipient-list.js');
    for (const t of ['Như trên', 'Như Điều 3', 'TT HĐND tỉnh', 'UBND các huyện, thị xã, thành phố', 'Hạt Kiểm lâm Đak Đoa (b/c)', 'UBND huyện Krông Pắc',
      'Đ/c Nguyễn Văn An (để thực hiện)', 'Ban Quản lý dự án đầu tư xây dựng tỉnh', 'Lưu: VT, KHTC, Ha(6b)'])
      expect(repairRecipient(`- ${t};`)).toBe(t);
  });
});

describe('archive codes and capitals (unseen-like scans)', () => {
  it('a letter read twice or a neighbour misread beside it, toward a known code only', async () => {
    const { checkCode } = await import('../../appliance/extract/recipients.js');
    expect(checkCode('VHTTT').code).toBe('VHTT');
    expect(checkCode('NYV').code).toBe('NV');
    expect(checkCode('KHTCC', ['KHTC']).code).toBe('KHTC');
    // no twin letter deleted: an unknown plausible code stays (TCD is not TC)
    expect(checkCode('TCD')).toMatchObject({ code: 'TCD', repaired: false });
    expect(checkCode('TTTT')).toMatchObject({ code: 'TTTT', repaired: false });
  });
  it('a capital word with a vowel mark in a mixed-case item', async () => {
    const { repairRecipient } = await import('../../appliance/extract/recipient-list.js');
    expect(repairRecipient('- Website SỞ;')).toBe('Website Sở');
    expect(repairRecipient('- Cổng TTĐT tỉnh;')).toBe('Cổng TTĐT tỉnh');
    expect(repairRecipient('- TT HĐND, UBND tỉnh;')).toBe('TT HĐND, UBND tỉnh');
  });
});

describe('Lưu: codes as a closed vocabulary', () => {
  it('repairs a code whose several letters are OCR confusions of one known code', async () => {
    const { checkCode } = await import('../../appliance/extract/recipients.js');
    expect(checkCode('HGTG')).toEqual({ code: 'HCTC', ok: true, repaired: true }); // HCTC, C read as G twice
    expect(checkCode('TCCB')).toEqual({ code: 'TCCB', ok: true, repaired: false });
    expect(checkCode('TN').ok).toBe(false); // TH or a unit of its own: doubtful
  });
});
