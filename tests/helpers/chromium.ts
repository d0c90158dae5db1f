import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's Chromium, headless, with a fresh profile under `dir`, as a 1280×800 Vietnamese
 * touchscreen. The flags keep it off the (closed) network: background services would only fail.
 */
export async function launchTouchscreen(dir: string): Promise<{ browser: BrowserContext; page: Page }> {
  const browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return { browser, page: browser.pages()[0] ?? (await browser.newPage()) };
}

/** Logs in on the touchscreen's login screen: touches the name, types the PIN on the pad, touches "Đăng nhập". */
export async function loginOnPad(page: Page, name: string, pin: string): Promise<void> {
  await page.locator('.login-screen .btn-user', { hasText: new RegExp(`^${name}$`) }).click();
  for (const d of pin) await page.locator('.login-screen .pin-key', { hasText: new RegExp(`^${d}$`) }).click();
  await page.getByTestId('login-pin-submit').click();
}

/**
 * After a (re)load: waits until the screen has settled (the tabs of a kept session, or the login
 * screen, which is rendered only with the first status) and logs in if asked.
 */
export async function loginIfAsked(page: Page, name: string, pin: string): Promise<void> {
  await page.locator('[data-tab], .login-screen .btn-user').first().waitFor({ state: 'visible', timeout: 30_000 });
  if (await page.locator('.login-screen').count()) await loginOnPad(page, name, pin);
}
