// End to end: the touchscreen's login on a PROVISIONED appliance (a configuration file: no demo
// account), with a short idle time so that the session's end can be watched: headless Chromium,
// the real appliance on a temp data folder. Screenshots: os.tmpdir()/sohoa-e2e-login-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchTouchscreen, loginOnPad } from '../helpers/chromium.js';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import type { JobView } from '../../appliance/pipeline/desk.js';
import { apiAs, auditLog, ensureUser, provisionedDefaults, scannerControl, TEST_PIN } from '../helpers/appliance.js';

const shot = (name: string) => join(tmpdir(), `sohoa-e2e-login-${name}.png`);
const HOA = 'Lê Thị Hoa';
/** The helpers' PIN: the test's own API client (apiAs) logs in as her too. */
const HOA_PIN = TEST_PIN;
const NAM = 'Đỗ Văn Nam';
/** 9 s: long enough for a few touches, short enough to watch it run out. */
const IDLE_MINUTES = 0.15;

let dir: string;
let dataDir: string;
let appliance: RunningAppliance | undefined;
let browser: BrowserContext | undefined;
let page: Page;

beforeAll(async () => {
  if (!existsSync(projectPath('dist', 'ui', 'index.html'))) {
    throw new Error('the UI is not built: run "npm run build" first (npm test does it in pretest)');
  }
  dir = await mkdtemp(join(tmpdir(), 'sohoa-e2e-login-'));
  const base = await provisionedDefaults(dir);
  dataDir = base.dataDir;
  // As on a device: the settings come from a file, so nobody is created for the technician.
  appliance = await startAppliance({ ...base, configFile: join(dir, 'config.json'), accounts: { sessionIdleMinutes: IDLE_MINUTES } }, { log: silentLogger() });
  ({ browser, page } = await launchTouchscreen(dir));
});

afterAll(async () => {
  await browser?.close();
  await appliance?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('login on a provisioned appliance', () => {
  it('with no accounts yet, says to ask the technician instead of offering a login', async () => {
    await page.goto(appliance!.url);
    await expect.poll(() => page.getByTestId('no-accounts').textContent(), { timeout: 20_000 }).toBe('Chưa có tài khoản nào — hãy nhờ kỹ thuật viên tạo');
    expect(await page.locator('.pin-key').count()).toBe(0);
    expect(existsSync(join(dataDir, 'users.json'))).toBe(false);
    await page.screenshot({ path: shot('0-no-accounts') });

    // The technician adds two people (sohoa users add): the login lists them, no restart needed.
    await ensureUser(dataDir, HOA, HOA_PIN);
    await ensureUser(dataDir, NAM, '1397');
    await page.reload();
    // In Vietnamese alphabetical order: Đ after D, before L.
    await expect.poll(() => page.locator('.login-screen .btn-user').allTextContents()).toEqual([NAM, HOA]);
  });

  it('locks a name after 5 wrong PINs and says for how long', async () => {
    for (let i = 1; i <= 5; i++) {
      await loginOnPad(page, NAM, '0000');
      await expect.poll(() => page.locator('.banner-error').textContent(), { timeout: 20_000 })
        .toMatch(i < 5 ? new RegExp(`^Mã PIN không đúng\\. Còn ${5 - i} lần thử`) : /bị khoá đăng nhập, hãy thử lại sau [45] phút/);
      await page.locator('.banner-error button').click();
    }
    await loginOnPad(page, NAM, '1397');
    await expect.poll(() => page.locator('[data-code="session.locked"]').textContent(), { timeout: 20_000 }).toMatch(/thử lại sau [45] phút/);
    await page.screenshot({ path: shot('1-locked') });
    expect(await page.getByTestId('current-user').count()).toBe(0);
  });

  it('after the idle time the screen goes back to the login; the scan goes on and is there after the next login', async () => {
    await page.locator('.banner-error button').click();
    await loginOnPad(page, HOA, HOA_PIN);
    await expect.poll(() => page.getByTestId('current-user').textContent(), { timeout: 20_000 }).toBe(HOA);
    await scannerControl(() => appliance!.scannerSimulatorUrl)('feeder', { dir: projectPath('provisioning', 'demo-pages', 'doc-029') });
    await page.getByTestId('scan').click();
    // The scan was started by that touch (asked of the appliance: under load the first thumbnail
    // can come after the 9 s idle time, and the screen it would show on is then the login).
    const jobs = apiAs(HOA, () => appliance!.url, () => dataDir);
    await expect.poll(async () => (await jobs<JobView[]>('GET', '/api/jobs')).body.length, { timeout: 20_000 }).toBeGreaterThan(0);

    // Nobody touches the screen: back to the login, saying why.
    await expect.poll(() => page.getByTestId('session-expired').isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByTestId('session-expired').textContent()).toContain('việc đang làm dở vẫn được giữ nguyên');
    expect(await page.getByTestId('current-user').count()).toBe(0);
    await page.screenshot({ path: shot('2-expired') });

    // Meanwhile the appliance finished the scan and read the fields.
    await expect.poll(async () => (await jobs<JobView[]>('GET', '/api/jobs')).body.find((j) => j.state === 'review')?.pages.length, { timeout: 180_000 }).toBe(6);
    await loginOnPad(page, HOA, HOA_PIN);
    await expect.poll(() => page.getByTestId('register').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.locator('[name=numberNotation]').inputValue()).toMatch(/\d/);
    await expect.poll(() => page.locator('.thumb, .strip-thumb').count(), { timeout: 20_000 }).toBe(6);
    await page.screenshot({ path: shot('3-back-to-review') });

    const mine = (await auditLog(dataDir)).filter((l) => l.actor === HOA);
    expect(mine.filter((l) => l.action === 'login').length).toBeGreaterThanOrEqual(2);
    expect(mine.find((l) => l.action === 'scanned')).toMatchObject({ detail: { pages: 6 } });
    expect((await auditLog(dataDir)).filter((l) => l.actor === NAM).map((l) => l.action)).toEqual(Array(6).fill('login-failed'));
  }, 300_000);
});
