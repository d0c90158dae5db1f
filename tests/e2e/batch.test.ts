// End to end: "Quét cả tập" on the touchscreen of the REAL appliance (eSCL simulator through
// sane-airscan, tesseract, extraction, register, SoftHSM development token, embedded receiver),
// driven by headless Chromium at 1280×800 and 1024×600: what the clerk types into a document of the
// batch survives switching documents, the appliance's restart and leaving the batch, whose waiting
// documents stay in "Chờ kiểm tra"; nothing clipped, axe clean. Screenshots go to
// os.tmpdir()/sohoa-e2e-batch-*.png for a person to look at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchTouchscreen } from '../helpers/chromium.js';
import { startAppliance } from '../../appliance/app.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import { provisionedDefaults } from '../helpers/appliance.js';
import { loginOnPad } from '../helpers/chromium.js';
import { DEMO_ACCOUNT } from '../../appliance/accounts/demo-account.js';
import type { Config } from '../../appliance/config/config.js';
import { seriousAxeViolations } from '../helpers/axe.js';
import { layoutFaults } from '../helpers/layout.js';

const shot = (name: string) => join(tmpdir(), `sohoa-e2e-batch-${name}.png`);
const PAGES = projectPath('provisioning', 'demo-pages');
const STACK = [
  ...[1, 2, 3, 4, 5, 6].map((n) => join(PAGES, 'doc-029', `page-${n}.png`)),
  join(PAGES, 'doc-004', 'page-1.png'),
  join(PAGES, 'doc-012', 'page-1.jpg'),
];

let dir: string;
let config: Config;
let appliance: { url: string; scannerSimulatorUrl?: string; stop(): Promise<void> } | undefined;
let browser: BrowserContext | undefined;
let page: Page;

const sim = (path: string, body: unknown) => fetch(`${appliance!.scannerSimulatorUrl}/control/${path}`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});

beforeAll(async () => {
  if (!existsSync(projectPath('dist', 'ui', 'index.html'))) {
    throw new Error('the UI is not built: run "npm run build" first (npm test does it in pretest)');
  }
  dir = await mkdtemp(join(tmpdir(), 'sohoa-e2e-batch-'));
  config = await provisionedDefaults(dir);
  appliance = await startAppliance(config, { log: silentLogger() });
  // the restart below comes back on the same address, as the real service does
  config = { ...config, http: { ...config.http, port: Number(new URL(appliance.url).port) } };
  ({ browser, page } = await launchTouchscreen(dir));
});

afterAll(async () => {
  await browser?.close();
  await appliance?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Quét cả tập on the touchscreen', () => {
  it('counts pages and documents while the stack scans, then lists the documents to review', async () => {
    // A fresh data folder on the embedded defaults: the demo clerk is the one account (README).
    await page.goto(appliance!.url);
    await expect.poll(() => page.locator('.login-screen .btn-user').allTextContents()).toEqual([DEMO_ACCOUNT.name]);
    await loginOnPad(page, DEMO_ACCOUNT.name, DEMO_ACCOUNT.pin);
    await expect.poll(() => page.getByTestId('current-user').textContent()).toBe('Văn thư thử nghiệm');

    expect((await sim('feeder', { files: STACK })).status).toBe(200);
    const batchButton = page.getByTestId('batch');
    await page.screenshot({ path: shot('0-start-1280x800') });
    expect(await batchButton.textContent()).toContain('Số hóa hàng loạt'); // the batch profile's button
    expect((await batchButton.boundingBox())!.height).toBeGreaterThanOrEqual(56);
    // Record every progress line the user sees: counts, never a silent spinner.
    await batchButton.click();
    await expect.poll(() => page.getByTestId('batch-progress').isVisible(), { timeout: 20_000 }).toBe(true);
    await page.evaluate(() => {
      const seen: string[] = ((window as unknown as { __progress: string[] }).__progress = []);
      const el = document.querySelector('[data-testid=batch-progress]')!;
      const note = () => { const t = el.textContent ?? ''; if (t && seen.at(-1) !== t) seen.push(t); };
      note();
      new MutationObserver(note).observe(el, { childList: true, subtree: true, characterData: true });
    });
    await expect.poll(() => page.getByTestId('batch-progress').textContent(), { timeout: 60_000 }).toMatch(/^Đã quét [1-9]\d* trang — tìm thấy \d+ văn bản$/);
    await page.screenshot({ path: shot('1-scanning-1280x800') });

    const items = page.locator('[data-testid=batch-list] .batch-item');
    await expect.poll(() => page.getByTestId('batch-progress').textContent(), { timeout: 300_000 }).toBe('3 văn bản chờ kiểm tra');
    expect(await items.count()).toBe(3);
    expect(await items.locator('.batch-notation').allTextContents()).toEqual(['111/BC-UBND', '658/CCATVSTP', '130/TB-STP']);
    expect(await items.locator('.batch-meta').first().textContent()).toMatch(/^3 trang/);
    const progress = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
    // Pages counted one by one up to the whole stack, then the documents' fields read one by one.
    const counted = progress.map((t) => /^Đã quét (\d+) trang — tìm thấy (\d+) văn bản$/.exec(t)).filter((m) => m).map((m) => Number(m![1]));
    expect(counted.length, progress.join(' | ')).toBeGreaterThan(2);
    expect(counted.at(-1), progress.join(' | ')).toBe(8);
    expect(progress, progress.join(' | ')).toContain('Đang đọc thông tin: 2/3 văn bản');
    // The first document is open for review, its three pages shown above the form.
    await expect.poll(() => page.locator('[name=numberNotation]').inputValue(), { timeout: 20_000 }).toBe('111/BC-UBND');
    await expect.poll(() => page.locator('.strip-thumb:not(.strip-thumb-out)').count(), { timeout: 20_000 }).toBe(3);
    expect(await page.getByTestId('merge').count()).toBe(0);
    await page.screenshot({ path: shot('2-list-1280x800') });
  }, 400_000);

  it('what was typed survives switching documents and the appliance\'s restart; leaving the batch, its documents wait in "Chờ kiểm tra"', async () => {
    const TYPED = 'Báo cáo kết quả (đã sửa tay)';
    const items = page.locator('[data-testid=batch-list] .batch-item');
    const summary = page.locator('textarea[name=summary]');
    const notation = page.locator('[name=numberNotation]');
    await summary.fill(TYPED);
    await items.nth(1).click();
    await expect.poll(() => notation.inputValue()).toBe('658/CCATVSTP');
    await items.nth(0).click();
    await expect.poll(() => notation.inputValue()).toBe('111/BC-UBND');
    expect(await summary.inputValue()).toBe(TYPED);

    await appliance!.stop();
    appliance = undefined;
    await expect.poll(() => page.getByTestId('offline').isVisible(), { timeout: 20_000 }).toBe(true);
    appliance = await startAppliance(config, { log: silentLogger() });
    await expect.poll(() => page.getByTestId('offline').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('register').isEnabled(), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(3);
    expect(await notation.inputValue()).toBe('111/BC-UBND');
    expect(await summary.inputValue()).toBe(TYPED);
    expect(await layoutFaults(page), '1280×800 batch').toEqual([]);
    expect(await seriousAxeViolations(page), '1280×800 batch').toEqual([]);
    await page.screenshot({ path: shot('2b-reconnected-1280x800') });

    // back to scanning: the batch's documents wait in the list, Quét and Quét cả tập are free
    await page.setViewportSize({ width: 1024, height: 600 });
    await page.getByTestId('batch-leave').click();
    const waiting = page.locator('[data-testid=pending] .pending-item');
    await expect.poll(() => waiting.count(), { timeout: 20_000 }).toBe(3);
    expect(await waiting.locator('strong').allTextContents()).toEqual(expect.arrayContaining(['111/BC-UBND', '658/CCATVSTP', '130/TB-STP']));
    // nothing else on screen: every waiting document is in view at 1024×600, with its summary
    for (const box of await waiting.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as { top: number; bottom: number }))) {
      expect(box.bottom).toBeLessThanOrEqual(600);
      expect(box.top).toBeGreaterThanOrEqual(0);
    }
    expect(await waiting.locator('.pending-summary').count()).toBe(3);
    expect(await page.getByTestId('scan').isEnabled()).toBe(true);
    expect(await page.getByTestId('batch').isEnabled()).toBe(true);
    expect(await layoutFaults(page), '1024×600 scan').toEqual([]);
    expect(await seriousAxeViolations(page), '1024×600 scan').toEqual([]);
    await page.screenshot({ path: shot('2c-left-1024x600') });
    // a reload of the screen (the service's events) does not pull the clerk back into the batch
    await page.locator('[data-tab=status]').click();
    await page.locator('[data-tab=scan]').click();
    expect(await page.getByTestId('batch-list').count()).toBe(0);

    // reachable: one of them opens the batch at that document, with what was typed still there
    await waiting.filter({ hasText: '658/CCATVSTP' }).click();
    await expect.poll(() => notation.inputValue(), { timeout: 20_000 }).toBe('658/CCATVSTP');
    expect(await page.locator('.batch-item-on .batch-notation').textContent()).toBe('658/CCATVSTP');
    await items.nth(0).click();
    await expect.poll(() => notation.inputValue()).toBe('111/BC-UBND');
    expect(await summary.inputValue()).toBe(TYPED);
    expect(await layoutFaults(page), '1024×600 batch').toEqual([]);
    await page.screenshot({ path: shot('2d-back-1024x600') });
  }, 300_000);

  it('registers one, merges and discards at 1024×600; each time the next document is selected', async () => {
    await page.setViewportSize({ width: 1024, height: 600 });
    const items = page.locator('[data-testid=batch-list] .batch-item');
    await page.screenshot({ path: shot('3-review-1024x600') });
    for (const id of ['register']) {
      const box = await page.getByTestId(id).boundingBox();
      expect(box!.y + box!.height).toBeLessThanOrEqual(600);
      expect(box!.height).toBeGreaterThanOrEqual(56);
    }

    await page.getByTestId('register').click();
    await expect.poll(() => page.getByTestId('batch-registered').textContent(), { timeout: 60_000 }).toMatch(/^Đã đăng ký 111\/BC-UBND — số đến 1\.$/);
    await expect.poll(() => items.count()).toBe(2);
    await expect.poll(() => page.locator('[name=numberNotation]').inputValue()).toBe('658/CCATVSTP');
    expect(await page.locator('.batch-item-on .batch-notation').textContent()).toBe('658/CCATVSTP');
    await page.screenshot({ path: shot('4-next-1024x600') });

    // The notice was wrongly split off (say the clerk decides): merged onto the công văn.
    await items.nth(1).click();
    await expect.poll(() => page.locator('[name=numberNotation]').inputValue()).toBe('130/TB-STP');
    const merge = page.getByTestId('merge');
    expect(await merge.textContent()).toBe('Gộp với văn bản trước');
    const box = await merge.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(56);
    expect(box!.y + box!.height).toBeLessThanOrEqual(600);
    await page.screenshot({ path: shot('5-merge-1024x600') });
    await merge.click();
    await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => items.first().locator('.batch-meta').textContent(), { timeout: 120_000 }).toMatch(/^2 trang/);
    await expect.poll(() => page.locator('.strip-thumb:not(.strip-thumb-out)').count(), { timeout: 120_000 }).toBe(2);

    // Discard takes two touches; then the list is empty and the way on is offered.
    await page.getByRole('button', { name: 'Huỷ bản quét' }).click();
    await page.getByRole('button', { name: 'Chạm lần nữa để huỷ' }).click();
    await expect.poll(() => items.count()).toBe(0);
    await expect.poll(() => page.getByTestId('batch-progress').textContent()).toBe('Đã xong cả tập.');
    expect(await page.getByTestId('batch-registered').count()).toBe(0);
    expect(await page.getByTestId('batch-again').isVisible()).toBe(true);
    await page.screenshot({ path: shot('6-done-1024x600') });
    await page.getByRole('button', { name: 'Quét từng văn bản' }).click();
    await expect.poll(() => page.getByTestId('scan').isEnabled()).toBe(true);
  }, 400_000);
});
