// End to end: technician mode on the touchscreen — the "Cài đặt" tab is there for a technician
// only; a step's "Kiểm tra" shows the appliance's Vietnamese reason, "Lưu" writes that part of the
// configuration file. Headless Chromium, the real appliance on a temp data folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchTouchscreen, loginOnPad } from '../helpers/chromium.js';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import { ensureUser, provisionedDefaults, TEST_PIN } from '../helpers/appliance.js';

const TECH = 'Trần Văn Bình';
const CLERK = 'Lê Thị Hoa';

let dir: string;
let configFile: string;
let appliance: RunningAppliance | undefined;
let browser: BrowserContext | undefined;
let page: Page;

beforeAll(async () => {
  if (!existsSync(projectPath('dist', 'ui', 'index.html'))) throw new Error('the UI is not built: run "npm run build" first');
  dir = await mkdtemp(join(tmpdir(), 'sohoa-e2e-technician-'));
  const base = await provisionedDefaults(dir);
  configFile = join(dir, 'config.json');
  await ensureUser(base.dataDir, TECH, TEST_PIN, 'technician');
  await ensureUser(base.dataDir, CLERK, TEST_PIN, 'clerk');
  appliance = await startAppliance({ ...base, configFile }, { log: silentLogger() });
  ({ browser, page } = await launchTouchscreen(dir));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await appliance?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('technician mode on the touchscreen', () => {
  it('is not offered to a clerk', async () => {
    await page.goto(appliance!.url);
    await loginOnPad(page, CLERK, TEST_PIN);
    await expect.poll(() => page.getByTestId('current-user').textContent(), { timeout: 20_000 }).toBe(CLERK);
    // the clerk's tabs are there (else "no setup tab" would hold of a bar not drawn yet)
    await expect.poll(() => page.locator('[data-tab]').evaluateAll((tabs) => tabs.map((t) => (t as unknown as { dataset: { tab: string } }).dataset.tab)))
      .toEqual(['scan', 'status', 'book', 'token']);
    await page.getByTestId('logout').click();
  });

  it('checks a step live, shows what is wrong, and saves that part of the configuration', async () => {
    await loginOnPad(page, TECH, TEST_PIN);
    await page.locator('[data-tab="setup"]').click();
    const hours = page.locator('.setup-step[data-step="hours"]');
    await hours.locator('input[name="days"]').fill('Thứ Hai, Thứ Tám');
    await hours.locator('.btn', { hasText: 'Kiểm tra' }).click();
    await expect.poll(() => hours.locator('.banner-error').textContent(), { timeout: 20_000 }).toMatch(/"Thứ Tám" không phải tên ngày/);
    expect(existsSync(configFile)).toBe(false);

    await hours.locator('input[name="days"]').fill('Thứ Hai, Thứ Ba, Thứ Tư, Thứ Năm, Thứ Sáu, Thứ Bảy');
    await hours.locator('input[name="end"]').fill('11:30');
    await hours.locator('.btn', { hasText: 'Lưu' }).click();
    await expect.poll(() => page.getByTestId('setup-result-hours').textContent(), { timeout: 20_000 }).toMatch(/Giờ làm việc: 07:30–11:30, Thứ Hai, .*Thứ Bảy/);
    await page.screenshot({ path: join(tmpdir(), 'sohoa-e2e-technician.png'), fullPage: true });
    const cfg = JSON.parse(readFileSync(configFile, 'utf8')) as { register: { officeHours: unknown } };
    expect(cfg.register.officeHours).toEqual({ start: '07:30', end: '11:30', days: ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'] });
  });
});
