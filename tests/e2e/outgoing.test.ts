// The outgoing flow ("Văn bản đi", issue 13 item 1) on the real appliance (eSCL simulator → SANE →
// tesseract → fields, SoftHSM, the reference receiver), driven in headless Chromium at 1280×800
// and 1024×600: the clerk scans with the "Văn bản đi" button, the review shows the outgoing layout
// with Nơi nhận resolved against the provisioned agency list, picks an agency for an unresolved
// line, confirms the rest go on paper, registers into the outgoing book; a second scan of the same
// printed number is flagged before Đăng ký and refused with the reason. Screenshots:
// var/test-output/e2e-outgoing/*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { launchTouchscreen, loginOnPad } from '../helpers/chromium.js';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import type { DocumentView } from '../../appliance/pipeline/desk.js';
import { layoutFaults } from '../helpers/layout.js';
import { seriousAxeViolations } from '../helpers/axe.js';
import { apiAs, ensureUser, eventually, provisionedDefaults, scannerControl, TEST_PIN } from '../helpers/appliance.js';

const OUT = projectPath('var', 'test-output', 'e2e-outgoing');
const PAGES = projectPath('provisioning', 'demo-pages');
const CLERK = 'Nguyễn Thị Lan';
const PRINTED = ['Như Điều 3;', 'Các sở, ban, ngành tỉnh;', 'Chủ tịch, các PCT UBND tỉnh;', 'Lưu: VT, KGVX.'];

let dir: string;
let app: RunningAppliance;
let browser: BrowserContext | undefined;
let page: Page;
let dataDir: string;
const api = apiAs(CLERK, () => app.url, () => dataDir);
const scanner = scannerControl(() => app.scannerSimulatorUrl);
const shot = (name: string) => page.screenshot({ path: join(OUT, `${name}.png`) });

beforeAll(async () => {
  if (!existsSync(projectPath('dist', 'ui', 'index.html'))) throw new Error('the UI is not built: run "npm run build" first');
  await mkdir(OUT, { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'sohoa-e2e-outgoing-'));
  const base = await provisionedDefaults(dir);
  const agencies = join(dir, 'agencies.json');
  await writeFile(agencies, JSON.stringify([
    { name: 'Ủy ban nhân dân tỉnh Kon Tum', id: '000.00.00.H34', aliases: ['Chủ tịch, các PCT UBND tỉnh'] },
    { name: 'Sở Nội vụ tỉnh Kon Tum', id: '000.00.05.H34' },
  ]));
  const config = { ...base, extract: { ...base.extract, agenciesPath: agencies } };
  dataDir = config.dataDir;
  await ensureUser(dataDir, CLERK);
  app = await startAppliance(config, { log: silentLogger() });
  ({ browser, page } = await launchTouchscreen(dir));
  await page.goto(app.url);
  await loginOnPad(page, CLERK, TEST_PIN);
  await page.getByTestId('current-user').waitFor({ timeout: 20_000 });
  expect((await api('POST', '/api/token/unlock', { pin: '123456' })).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function onScreen(l: Locator): Promise<void> {
  await l.scrollIntoViewIfNeeded();
  const b = await l.boundingBox();
  const v = page.viewportSize()!;
  expect(b, 'on screen').not.toBeNull();
  expect(b!.x >= 0 && b!.y >= 0 && b!.x + b!.width <= v.width + 0.5 && b!.y + b!.height <= v.height + 0.5, 'inside the screen').toBe(true);
}

async function scanOutgoing(): Promise<void> {
  await scanner('feeder', { dir: join(PAGES, 'doc-021') });
  await page.getByTestId('scan-outgoing').click();
  await page.getByTestId('review-pane').waitFor({ timeout: 180_000 });
  await expect.poll(() => page.locator('.review-head h1').textContent(), { timeout: 20_000 }).toBe('Kiểm tra văn bản đi');
  // the clerk makes Nơi nhận read as printed
  await page.locator('textarea[name=recipients]').fill(PRINTED.join('\n'));
}

describe('a "Văn bản đi" on the touchscreen', () => {
  it('1280×800: scans, shows each recipient resolved or not, takes the pick and the confirmation, registers into the outgoing book', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await onScreen(page.getByTestId('scan-outgoing'));
    await scanOutgoing();
    const list = page.getByTestId('outgoing-recipients');
    const line = (text: string) => list.locator(`li[data-recipient="${text}"]`);
    await expect.poll(() => line('Chủ tịch, các PCT UBND tỉnh;').textContent(), { timeout: 30_000 }).toContain('Gửi đến: Ủy ban nhân dân tỉnh Kon Tum (000.00.00.H34)');
    expect(await line('Lưu: VT, KGVX.').textContent()).toContain('Bản lưu — không gửi');
    expect(await line('Như Điều 3;').textContent()).toContain('Chưa xác định được cơ quan');
    await line('Như Điều 3;').locator('select').selectOption('000.00.05.H34');
    await expect.poll(() => line('Như Điều 3;').getAttribute('class'), { timeout: 20_000 }).toBe('rcpt-ok');
    await onScreen(page.getByTestId('outgoing-confirm-unresolved'));
    await shot('1280x800-review');

    // not yet confirmed: refused with the reason, still in review
    await page.getByTestId('register').click();
    await expect.poll(() => page.locator('.banner-error').textContent(), { timeout: 20_000 }).toContain('Còn 1 nơi nhận chưa xác định được cơ quan: "Các sở, ban, ngành tỉnh;"');
    await page.getByTestId('outgoing-confirm-unresolved').check();
    await onScreen(page.getByTestId('register'));
    await page.getByTestId('register').click();
    await expect.poll(() => page.getByTestId('outcome').locator('h1').textContent(), { timeout: 20_000 }).toBe('Đã vào sổ văn bản đi: 69/2022/QĐ-UBND.');
    expect(await page.getByTestId('outcome').textContent()).toContain('gửi đến 2 nơi nhận');
    await shot('1280x800-registered');

    const book = (await api<{ entries: { docId: string; recipients: { text: string; organId: string | null }[] }[] }>('GET', '/api/register?book=outgoing')).body.entries;
    expect(book).toHaveLength(1);
    expect(book[0]!.recipients.map((r) => r.organId)).toEqual(['000.00.05.H34', null, '000.00.00.H34', null]);
    expect((await api<{ total: number }>('GET', '/api/register')).body.total).toBe(0); // no số đến taken
    await eventually(async () => {
      const d = (await api<DocumentView>('GET', `/api/documents/${book[0]!.docId}`)).body;
      return d.state === 'delivered' ? d : undefined;
    }, 'the outgoing document to be delivered', 120_000);
  }, 400_000);

  it('1024×600: the same printed number again is flagged in the review and refused at Đăng ký', async () => {
    await page.setViewportSize({ width: 1024, height: 600 });
    await page.reload();
    await page.getByTestId('scan-outgoing').waitFor({ timeout: 20_000 });
    await onScreen(page.getByTestId('scan-outgoing'));
    await scanOutgoing();
    await expect.poll(() => page.getByTestId('duplicate-warning').textContent(), { timeout: 30_000 }).toContain('đã có trong sổ văn bản đi');
    await page.locator('li[data-recipient="Như Điều 3;"] select').selectOption('000.00.05.H34');
    await page.getByTestId('outgoing-confirm-unresolved').check();
    await onScreen(page.getByTestId('outgoing-confirm-unresolved'));
    await onScreen(page.getByTestId('register'));
    await shot('1024x600-duplicate');
    await page.getByTestId('register').click();
    await expect.poll(() => page.locator('.banner-error').textContent(), { timeout: 20_000 }).toContain('"69/2022/QĐ-UBND" đã có trong sổ văn bản đi năm 2022');
    expect(await page.getByTestId('review-pane').isVisible()).toBe(true);
    expect((await api<{ total: number }>('GET', '/api/register?book=outgoing')).body.total).toBe(1);
  }, 400_000);
  it('1024×600: "Sổ đăng ký" switches to "Sổ đi": the printed number, the recipients, and the document it opens', async () => {
    await page.locator('[data-tab="book"]').click();
    await page.locator('[data-book="outgoing"]').click();
    await expect.poll(() => page.locator('.screen.book .screen-head h1').textContent()).toBe('Sổ đăng ký văn bản đi');
    const rows = page.locator('.book-table-out .book-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(1);
    const cells = await rows.first().locator('td').allTextContents();
    expect(cells[0]).toBe('69/2022/QĐ-UBND');
    expect(cells[3]).toContain('Sở Nội vụ tỉnh Kon Tum');
    expect(await page.locator('[data-action="stats"]').count()).toBe(0); // statistics count the incoming book
    expect(await layoutFaults(page), '1024×600 outgoing book').toEqual([]);
    expect(await seriousAxeViolations(page), '1024×600 outgoing book').toEqual([]);
    await shot('1024x600-outgoing-book');
    await rows.first().click();
    await expect.poll(() => page.getByTestId('book-doc').locator('h2').textContent()).toMatch(/^69\/2022\/QĐ-UBND — /);
    await page.getByTestId('book-doc').locator('.book-doc-head .btn').click();
    // back to the incoming book: no số đến was taken
    await page.locator('[data-book="incoming"]').click();
    await expect.poll(() => page.getByTestId('book-total').textContent()).toMatch(/^0\b|Không/);
  }, 120_000);
});
