import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, mkdir, copyFile, writeFile, readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { FIELD_KEYS } from '../../appliance/extract/fields.js';
import { writeEnglishLetter, writePhoto } from '../fixtures/extract/bad-images.js';

// `sohoa extract` as the operator runs it: a child process on the built CLI (npm run build first).
const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/sohoa.js');
const pages = join(import.meta.dirname, '../fixtures/extract/pages');
let dir: string;

function sohoa(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [bin, ...args], { cwd: root, timeout: 170_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/appliance/cli/extract.js'))) throw new Error('build first: npx tsc -p .');
  dir = await mkdtemp(join(tmpdir(), 'sohoa-extract-cli-'));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('sohoa extract', () => {
  it('prints one JSON object with the fields, confidences and text of a page image', async () => {
    const r = await sohoa(['extract', join(pages, 'clean-thong-bao.png')]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const k of FIELD_KEYS) expect(out).toHaveProperty(k);
    expect(Object.keys(out.confidence).sort()).toEqual([...FIELD_KEYS].sort());
    expect(out).toMatchObject({
      issuer: 'ỦY BAN NHÂN DÂN HUYỆN VĂN YÊN', numberNotation: '286/TB-UBND', number: '286', place: 'Văn Yên',
      date: '2024-08-23', type: 'Thông báo', authority: 'TM. ỦY BAN NHÂN DÂN', signerTitle: 'CHỦ TỊCH', pages: 1,
    });
    expect(out.text).toHaveLength(1);
    expect(Array.isArray(out.flagged)).toBe(true);
  });

  it('--batch writes fields.json per folder (PDF, rotated page, photo, English letter) and goes on past a bad file', async () => {
    const inDir = join(dir, 'in'); const outDir = join(dir, 'out');
    const mk = async (name: string): Promise<string> => { const d = join(inDir, name); await mkdir(d, { recursive: true }); return d; };
    await copyFile(join(pages, 'rotated-180-bien-ban.png'), join(await mk('a-rotated'), 'page-1.png'));
    await writeFile(join(inDir, 'a-rotated', 'truth.json'), '{}'); // ignored
    await writeFile(join(await mk('b-empty'), 'page-1.png'), '');
    await writePhoto(join(await mk('c-photo'), 'page-1.jpg'));
    await writeEnglishLetter(join(await mk('d-english'), 'page-1.png'));
    const pdf = await PDFDocument.create();
    const img = await pdf.embedPng(await readFile(join(pages, 'clean-thong-bao.png')));
    pdf.addPage([595, 842]).drawImage(img, { x: 0, y: 0, width: 595, height: 842 });
    await writeFile(join(await mk('e-pdf'), 'scan.pdf'), await pdf.save());

    const r = await sohoa(['extract', '--batch', inDir, '--out', outDir, '--workers', '2']);
    expect(r.code).toBe(1); // one document failed
    expect(r.stderr).toMatch(/b-empty:.*page-1\.png/);
    expect((await readdir(outDir)).sort()).toEqual(['a-rotated', 'c-photo', 'd-english', 'e-pdf']);
    const read = async (d: string) => JSON.parse(await readFile(join(outDir, d, 'fields.json'), 'utf8'));
    expect(await read('a-rotated')).toMatchObject({ numberNotation: '150/BB-UBND', date: '2017-01-17', type: 'Biên bản', place: 'Mộ Đức', recipients: [] });
    expect(await read('e-pdf')).toMatchObject({ numberNotation: '286/TB-UBND', date: '2024-08-23', pages: 1 });
    for (const d of ['c-photo', 'd-english']) {
      const f = await read(d);
      expect(f).toMatchObject({ issuer: null, numberNotation: null, date: null, signer: null });
      expect(f.flagged).toEqual(expect.arrayContaining(['issuer', 'numberNotation', 'date']));
    }
  });

  it('fails with a one-line reason naming a 0-byte or corrupt file', async () => {
    const empty = join(dir, 'empty.png'); await writeFile(empty, '');
    const corrupt = join(dir, 'corrupt.jpg'); await writeFile(corrupt, Buffer.from('this is not a JPEG at all'));
    for (const f of [empty, corrupt]) {
      const r = await sohoa(['extract', f]);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(f.split('/').pop());
    }
  });

  it('explains itself with examples and rejects bad usage', async () => {
    const h = await sohoa(['extract', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('--batch IN_DIR --out OUT_DIR');
    expect(h.stdout).toContain('Examples');
    const bad = await sohoa(['extract', '--batch', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--out');
  });
});
