// The register book (issue 11) on the real appliance: a register of a few hundred documents made by
// the register itself (over several days, some of them today), then the API over HTTP — the JSON
// book with its filters and strict query, the CSV for Excel, the printed book (PDF read back with
// pdftotext), the duplicate check — and the "Sổ đăng ký" screen in headless Chromium at 1280×800
// and 1024×600. Screenshots: os.tmpdir()/sohoa-e2e-register-book/*.png.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import { emptyFields, type DocumentFields } from '../../appliance/extract/fields.js';
import { silentLogger } from '../../appliance/log.js';
import type { BookEntry } from '../../appliance/register/book-view.js';
import { Register } from '../../appliance/register/register.js';
import { toVnIso } from '../../appliance/register/vn-time.js';
import { launchTouchscreen, loginOnPad } from '../helpers/chromium.js';
import { apiAs, ensureUser, provisionedDefaults, TEST_PIN } from '../helpers/appliance.js';

const OUT = join(tmpdir(), 'sohoa-e2e-register-book');
const HOA = 'Lê Thị Hoa';
const ALWAYS = { start: '00:00', end: '24:00', days: [0, 1, 2, 3, 4, 5, 6] };
const ISSUERS = ['ỦY BAN NHÂN DÂN TỈNH LÀO CAI', 'SỞ TÀI CHÍNH TỈNH ĐẮK LẮK', 'BỘ NỘI VỤ', 'VĂN PHÒNG CHÍNH PHỦ'];
const TODAY = toVnIso(new Date()).slice(0, 10);
/** Days before today, oldest first: 3 full days of 80 documents, then 12 today. */
const day = (back: number) => toVnIso(new Date(Date.now() - back * 86_400_000)).slice(0, 10);
const DAYS = [day(3), day(2), day(1)];
const PER_DAY = 80;
const TODAY_COUNT = 12;
const FLOOD = 'Về việc phòng, chống lụt bão và giảm nhẹ thiên tai năm nay';

let dir: string;
let config: Config;
let app: RunningAppliance | undefined;
let browser: BrowserContext | undefined;
let page: Page;
const api = apiAs(HOA, () => app!.url, () => config.dataDir);
let floodDoc = '';
let todayFirst = 0;

function fields(i: number, over: Partial<DocumentFields> = {}): DocumentFields {
  return {
    ...emptyFields(), issuer: ISSUERS[i % ISSUERS.length]!, numberNotation: `${i}/UBND-VP`, number: String(i), date: DAYS[0]!,
    type: i % 2 ? 'Công văn' : 'Quyết định', summary: `Về việc triển khai nhiệm vụ số ${i} "đợt ${i % 7}"`, recipients: ['Như trên;'], pages: 1, ...over,
  };
}

beforeAll(async () => {
  if (!existsSync(projectPath('dist', 'ui', 'index.html'))) throw new Error('the UI is not built: run "npm run build" first');
  await mkdir(OUT, { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'sohoa-e2e-book-'));
  const base = await provisionedDefaults(dir);
  config = { ...base, configFile: join(dir, 'config.json') };
  // The register as the desk fills it, its clock set to each day; most documents reach "accepted".
  let now = new Date();
  const register = new Register({ dir: join(config.dataDir, 'register'), officeHours: ALWAYS, clock: () => now });
  await register.start();
  let i = 0;
  for (const [d, count] of [...DAYS.map((x) => [x, PER_DAY] as const), [TODAY, TODAY_COUNT] as const]) {
    for (let k = 0; k < count; k++) {
      i++;
      now = d === TODAY ? new Date() : new Date(`${d}T08:${String(k % 60).padStart(2, '0')}:00+07:00`);
      const e = await register.register(fields(i, i === 101 ? { summary: FLOOD, issuer: 'UBND HUYỆN ĐÔNG ANH', numberNotation: '15/UBND-NN' } : {}), 'Lê Thị Hoa',
        { extras: { recipientUnit: 'Phòng Tổng hợp', note: i % 50 === 0 ? 'Bản sao' : null } });
      if (i === 101) floodDoc = e.docId;
      if (d === TODAY && k === 0) todayFirst = e.arrivalNumber!;
      if (i % 10 !== 0) for (const s of ['signing', 'signed', 'queued', 'accepted'] as const) await register.setState(e.docId, s);
    }
  }
  await register.stop();
  // The flood document's signed PDF where filing keeps it (documents/<docId>.pdf): the book's reopen
  // serves it through the existing route. A plain PDF stands in for the signed one here (signing has
  // its own tests); it is the route's file, whatever made it.
  const pdf = await PDFDocument.create();
  pdf.addPage([595, 842]);
  await mkdir(join(config.dataDir, 'documents'), { recursive: true });
  await writeFile(join(config.dataDir, 'documents', `${floodDoc}.pdf`), await pdf.save());
  await ensureUser(config.dataDir, HOA);
  app = await startAppliance(config, { log: silentLogger() });
  ({ browser, page } = await launchTouchscreen(dir));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('register book API', () => {
  it('lists a date range in book order, pages through it, and counts it', async () => {
    const r = await api<{ total: number; entries: BookEntry[] }>('GET', `/api/register?from=${DAYS[1]}&to=${DAYS[2]}&limit=100&offset=50`);
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(2 * PER_DAY);
    expect(r.body.entries.map((e) => e.arrivalNumber)).toEqual(Array.from({ length: 100 }, (_, k) => PER_DAY + 51 + k));
    expect(r.body.entries[0]).toMatchObject({ recipientUnit: 'Phòng Tổng hợp', type: expect.any(String), state: expect.any(String) });
    const today = await api<{ total: number }>('GET', `/api/register?from=${TODAY}&to=${TODAY}`);
    expect(today.body.total).toBe(TODAY_COUNT);
  });

  it('finds by words of the summary with or without tones, by issuer, by number', async () => {
    for (const q of ['phong chong lut bao', 'PHÒNG CHỐNG LỤT', 'đông anh', 'dong anh 15/ubnd']) {
      const r = await api<{ total: number; entries: BookEntry[] }>('GET', `/api/register?q=${encodeURIComponent(q)}`);
      expect(r.body.entries.map((e) => e.docId), q).toEqual([floodDoc]);
    }
    const num = await api<{ entries: BookEntry[] }>('GET', `/api/register?q=${encodeURIComponent('237/UBND')}`);
    expect(num.body.entries.map((e) => e.arrivalNumber)).toEqual([237]);
  });

  it('refuses an unknown or malformed parameter, a reversed range, and a request without a session', async () => {
    for (const qs of ['foo=1', 'limit=abc', 'limit=0', 'from=2026-13-01', 'from=05/12/2026', `from=${TODAY}&to=${DAYS[0]}`, 'offset=-1']) {
      const r = await api<{ error: { code: string; message: string } }>('GET', `/api/register?${qs}`);
      expect(r.status, qs).toBe(400);
      expect(r.body.error.code, qs).toBe('request.invalid');
    }
    expect((await fetch(new URL('/api/register', app!.url))).status).toBe(401);
    expect((await fetch(new URL('/api/register.csv', app!.url))).status).toBe(401);
  });

  it('exports CSV with a BOM, the App. IV columns and one line per entry', async () => {
    const res = await api.raw(`/api/register.csv?from=${DAYS[0]}&to=${DAYS[0]}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('"Số đến","Ngày đến","Tác giả","Số, ký hiệu","Ngày tháng","Tên loại và trích yếu nội dung","Đơn vị hoặc người nhận","Ký nhận","Ghi chú"');
    expect(lines).toHaveLength(1 + PER_DAY);
    const d0 = DAYS[0]!.split('-').reverse().join('/');
    expect(lines[1]).toBe(`"1","${d0}","${ISSUERS[1]}","1/UBND-VP","${d0}","Công văn: Về việc triển khai nhiệm vụ số 1 ""đợt 1""","Phòng Tổng hợp","",""`);
    expect(lines[50]).toMatch(/"Bản sao"$/);
  });

  it('prints the book: a landscape A4 PDF with the title, the range and the lines', async () => {
    const res = await api.raw(`/api/register.pdf?from=${DAYS[1]}&to=${DAYS[1]}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBeGreaterThan(1); // 80 lines do not fit one page
    for (const p of pdf.getPages()) expect(p.getSize()).toEqual({ width: 841.89, height: 595.28 });
    const file = join(OUT, 'book.pdf');
    await writeFile(file, bytes);
    const { stdout } = await promisify(execFile)('pdftotext', ['-layout', file, '-'], { timeout: 30_000 });
    expect(stdout).toContain('SỔ ĐĂNG KÝ VĂN BẢN ĐẾN');
    expect(stdout).toContain(`Từ ngày ${DAYS[1]!.split('-').reverse().join('/')}`);
    expect(stdout).toContain('Tên loại và trích yếu');
    expect(stdout).toContain(`${PER_DAY + 1}/UBND-VP`);
    expect(stdout).toContain(`${2 * PER_DAY}/UBND-VP`);
    expect(stdout).not.toContain(`${2 * PER_DAY + 1}/UBND-VP`);
  });

  it('says before registering that the same issuer + number/notation is already registered', async () => {
    const q = new URLSearchParams({ issuer: 'ubnd huyen dong anh', numberNotation: '15 / UBND - NN' });
    const r = await api<{ duplicates: BookEntry[] }>('GET', `/api/register/duplicates?${q}`);
    expect(r.body.duplicates.map((e) => e.docId)).toEqual([floodDoc]);
    const none = await api<{ duplicates: BookEntry[] }>('GET', `/api/register/duplicates?${new URLSearchParams({ issuer: 'UBND HUYỆN ĐÔNG ANH', numberNotation: '16/UBND-NN' })}`);
    expect(none.body.duplicates).toEqual([]);
    expect((await api('GET', '/api/register/duplicates?issuer=x')).status).toBe(400);
  });
});

describe('"Sổ đăng ký" screen', () => {
  for (const size of [{ width: 1280, height: 800 }, { width: 1024, height: 600 }]) {
    it(`at ${size.width}×${size.height}: today by default, search without tones, reopen a document and its PDF, print, CSV`, async () => {
      const tag = `${size.width}x${size.height}`;
      await page.setViewportSize(size);
      await page.goto(app!.url);
      if (await page.locator('.login-screen').count()) await loginOnPad(page, HOA, TEST_PIN);
      await page.locator('[data-tab="book"]').click();
      await expect.poll(() => page.getByTestId('book-total').textContent(), { timeout: 20_000 }).toBe(`${TODAY_COUNT} văn bản`);
      const rows = page.locator('.book-row');
      expect(await rows.count()).toBe(TODAY_COUNT);
      expect(await rows.first().locator('td').first().textContent()).toBe(String(todayFirst));
      // big touch rows
      expect((await rows.first().boundingBox())!.height).toBeGreaterThanOrEqual(56);
      await page.screenshot({ path: join(OUT, `${tag}-1-today.png`) });

      await page.locator('input[name="from"]').fill(DAYS[0]!);
      await page.locator('input[name="q"]').fill('phong chong lut bao');
      await page.getByRole('button', { name: 'Tìm', exact: true }).click();
      await expect.poll(() => page.getByTestId('book-total').textContent(), { timeout: 20_000 }).toBe('1 văn bản');
      await page.screenshot({ path: join(OUT, `${tag}-2-search.png`) });

      await rows.first().click();
      const docPanel = page.getByTestId('book-doc');
      await expect.poll(() => docPanel.textContent(), { timeout: 20_000 }).toContain(FLOOD);
      expect(await docPanel.locator('.badge').getAttribute('data-state')).toBe('accepted');
      await docPanel.locator('[data-action="pdf"]').click();
      await expect.poll(() => docPanel.locator('iframe.book-pdf').getAttribute('src'), { timeout: 20_000 }).toMatch(/^blob:/);
      await page.screenshot({ path: join(OUT, `${tag}-3-reopen.png`) });
      await docPanel.getByRole('button', { name: 'Đóng' }).click();

      // The whole range for print and CSV.
      await page.locator('input[name="q"]').fill('');
      await page.getByRole('button', { name: 'Tìm', exact: true }).click();
      await expect.poll(() => page.getByTestId('book-total').textContent(), { timeout: 20_000 }).toBe(`${3 * PER_DAY + TODAY_COUNT} văn bản`);
      await page.locator('[data-action="print"]').click();
      await expect.poll(() => page.locator('iframe.book-print-frame').getAttribute('data-loaded'), { timeout: 30_000 }).toMatch(/^blob:/);
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.locator('[data-action="csv"]').click()]);
      expect(download.suggestedFilename()).toBe(`so-den_${DAYS[0]}_${TODAY}.csv`);
      const csv = await readFile((await download.path())!);
      expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(csv.toString('utf8').split('\r\n').filter(Boolean)).toHaveLength(1 + 3 * PER_DAY + TODAY_COUNT);
      await page.screenshot({ path: join(OUT, `${tag}-4-range.png`) });
    }, 120_000);
  }
});
