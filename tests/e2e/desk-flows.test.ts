// Issue 13 on the touchscreen (items 2, 4, 5): the real appliance (eSCL simulator → SANE →
// tesseract), driven in headless Chromium at 1280×800 and 1024×600 — a complaint flagged on the
// review form is held on paper and its scan deleted; a document entered late through the "Vào sổ
// muộn" fold keeps its real receipt time (a time in the future is refused with the reason) and is
// marked in the register book; the "Thống kê" view counts what the register holds.
// Screenshots: var/test-output/e2e-desk-flows/*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchTouchscreen, loginOnPad } from '../helpers/chromium.js';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import type { DocumentView } from '../../appliance/pipeline/desk.js';
import type { RegisterStats } from '../../appliance/register/stats.js';
import { toVnIso } from '../../appliance/register/vn-time.js';
import { apiAs, ensureUser, provisionedDefaults, scannerControl, TEST_PIN } from '../helpers/appliance.js';

const OUT = projectPath('var', 'test-output', 'e2e-desk-flows');
const PAGES = projectPath('provisioning', 'demo-pages');
const CLERK = 'Nguyễn Thị Lan';
const SIZES = [{ width: 1280, height: 800 }, { width: 1024, height: 600 }] as const;
const vnDay = (msAgo: number) => toVnIso(new Date(Date.now() - msAgo)).slice(0, 10);

let dir: string;
let app: RunningAppliance;
let browser: BrowserContext | undefined;
let page: Page;
let dataDir: string;
const api = apiAs(CLERK, () => app.url, () => dataDir);
const shot = (name: string) => page.screenshot({ path: join(OUT, `${name}.png`) });
const scanner = scannerControl(() => app.scannerSimulatorUrl);

beforeAll(async () => {
  if (!existsSync(projectPath('dist', 'ui', 'index.html'))) throw new Error('the UI is not built: run "npm run build" first');
  await mkdir(OUT, { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'sohoa-e2e-desk-flows-'));
  const config = await provisionedDefaults(dir);
  dataDir = config.dataDir;
  await ensureUser(dataDir, CLERK);
  app = await startAppliance(config, { log: silentLogger() });
  ({ browser, page } = await launchTouchscreen(dir));
  await page.goto(app.url);
  await loginOnPad(page, CLERK, TEST_PIN);
  await page.getByTestId('current-user').waitFor({ timeout: 20_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A one-page document scanned from the screen, until its review form shows. */
async function scanToForm(file: string): Promise<void> {
  await page.locator('[data-tab="scan"]').click();
  await scanner('feeder', { files: [join(PAGES, file, 'page-1.png')] });
  await page.getByTestId('scan').click();
  await expect.poll(() => page.getByTestId('review-pane').isVisible(), { timeout: 180_000 }).toBe(true);
}

describe('desk flows on the touchscreen', () => {
  for (const size of SIZES) {
    const tag = `${size.width}x${size.height}`;

    it(`at ${tag}: a complaint is flagged, held on paper, and its scan deleted`, async () => {
      await page.setViewportSize(size);
      await scanToForm('doc-024');
      await page.locator('[data-action="complaint"]').click();
      expect(await page.locator('[data-action="complaint"]').getAttribute('aria-checked')).toBe('true');
      await expect.poll(() => page.getByTestId('complaint-banner').isVisible()).toBe(true);
      await shot(`1-complaint-flagged-${tag}`);
      await page.getByTestId('register').click();
      const held = page.getByTestId('secret');
      await expect.poll(() => held.textContent(), { timeout: 60_000 }).toContain('Đơn thư khiếu nại, tố cáo — không gửi điện tử');
      await held.getByRole('button', { name: 'Đã hiểu — xoá bản quét' }).click();
      await expect.poll(() => held.textContent(), { timeout: 30_000 }).toContain('Đã xoá bản quét. Hãy lưu giữ bản giấy theo quy trình tiếp nhận đơn thư');
      await shot(`2-complaint-deleted-${tag}`);
      // (held documents have no số đến: the statistics count them; nothing was queued)
      const stats = (await api<RegisterStats>('GET', '/api/register/stats')).body;
      expect(stats.total.withheld).toBe(size.width === 1280 ? 1 : 2);
      const queue = (await api<{ items: { docId: string }[] }>('GET', '/api/queue')).body;
      expect(queue.items.filter((i) => i.docId.startsWith('held-'))).toEqual([]);
    }, 300_000);

    it(`at ${tag}: a late entry through "Vào sổ muộn" keeps its real receipt time; a future time is refused with the reason`, async () => {
      await page.setViewportSize(size);
      await scanToForm('doc-021');
      await page.locator('[data-action="late"]').click();
      const fold = page.getByTestId('late-fold');
      await fold.locator('input[name="lateDate"]').fill(vnDay(-2 * 86_400_000)); // the day after tomorrow
      await fold.locator('input[name="lateTime"]').fill('09:15');
      await fold.locator('input[name="latePaper"]').fill(`Sổ giấy trang 12, dòng ${size.width === 1280 ? 3 : 4}`);
      await page.getByTestId('register').click();
      await expect.poll(() => page.locator('.banner').filter({ hasText: 'tương lai' }).count(), { timeout: 30_000 }).toBeGreaterThan(0);
      await shot(`3-late-refused-${tag}`);
      const day = vnDay(86_400_000);
      await fold.locator('input[name="lateDate"]').fill(day);
      const time = size.width === 1280 ? '16:45' : '16:50';
      await fold.locator('input[name="lateTime"]').fill(time);
      await fold.scrollIntoViewIfNeeded();
      await shot(`4-late-fold-${tag}`);
      await page.getByTestId('register').click();
      await expect.poll(() => page.getByTestId('outcome').isVisible(), { timeout: 60_000 }).toBe(true);
      const docs = (await api<DocumentView[]>('GET', '/api/documents')).body.filter((d) => d.arrivalNumber !== null);
      const late = docs.find((d) => d.createdAt === `${day}T${time}:00+07:00`);
      expect(late, JSON.stringify(docs.map((d) => d.createdAt))).toBeDefined();
      expect(late!.arrivalNumber).toBe(Math.max(...docs.map((d) => d.arrivalNumber!)));
    }, 300_000);

    it(`at ${tag}: the register book marks the late entry, and "Thống kê" counts what the register holds`, async () => {
      await page.setViewportSize(size);
      await page.locator('[data-tab="book"]').click();
      // (a scan on a day off counts from the next opening: the range reaches a week ahead)
      await page.locator('input[name="from"]').fill(vnDay(3 * 86_400_000));
      await page.locator('input[name="to"]').fill(vnDay(-7 * 86_400_000));
      await page.getByRole('button', { name: 'Tìm', exact: true }).click();
      await expect.poll(() => page.getByTestId('late-mark').first().textContent(), { timeout: 20_000 }).toMatch(/^Vào sổ muộn ngày .* \(Nguyễn Thị Lan\), theo Sổ giấy trang 12, dòng 3$/);
      await shot(`5-book-late-mark-${tag}`);
      await page.locator('[data-action="stats"]').click();
      await page.locator('[data-by="month"]').click();
      const expected = (await api<RegisterStats>('GET', `/api/register/stats?from=${vnDay(3 * 86_400_000)}&to=${vnDay(-7 * 86_400_000)}&by=month`)).body;
      const totalRow = page.locator('.stats-table tfoot tr');
      await expect.poll(() => totalRow.locator('[data-col="received"]').textContent(), { timeout: 20_000 }).toBe(String(expected.total.received));
      // what the screen shows is what the register holds: complaints, late entries
      const n = size.width === 1280 ? 1 : 2;
      expect(expected.total).toMatchObject({ withheld: n, late: n, received: 2 * n });
      expect(await totalRow.locator('[data-col="late"]').textContent()).toBe(String(n));
      expect(await totalRow.locator('[data-col="withheld"]').textContent()).toBe(String(n));
      await page.locator('[data-by="issuer"]').click();
      await expect.poll(() => page.locator('.stats-table thead th').first().textContent()).toBe('Nơi gửi');
      const table = await page.locator('.stats-table').boundingBox();
      expect(table!.x + table!.width).toBeLessThanOrEqual(size.width + 0.5);
      await shot(`6-stats-${tag}`);
      // (the printed PDF itself: tests/integration/appliance-desk-flows.test.ts; printing from headless Chromium is not exercised here)
      expect(await page.locator('[data-action="stats-print"]').isEnabled()).toBe(true);
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.locator('[data-action="stats-csv"]').click()]);
      expect(download.suggestedFilename()).toMatch(/^thong-ke_issuer_.*\.csv$/);
      await page.locator('[data-action="stats"]').click(); // back to the book
    }, 120_000);
  }
});
