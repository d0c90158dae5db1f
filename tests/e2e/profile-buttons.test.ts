// End to end: the capture profiles as one-touch buttons on the scan screen of the REAL appliance
// (embedded defaults, eSCL simulator through sane-airscan), in headless Chromium at 1280×800 and
// 1024×600: one button per profile GET /api/profiles lists, each at least 48 px tall and on screen,
// and a touch starts a scan with that profile. Screenshots: os.tmpdir()/sohoa-e2e-profiles-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchTouchscreen, loginOnPad } from '../helpers/chromium.js';
import { startAppliance } from '../../appliance/app.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import { provisionedDefaults } from '../helpers/appliance.js';
import { DEMO_ACCOUNT } from '../../appliance/accounts/demo-account.js';
import type { CaptureProfile } from '../../appliance/capture/profiles.js';
import type { JobView } from '../../appliance/pipeline/desk.js';

const shot = (name: string) => join(tmpdir(), `sohoa-e2e-profiles-${name}.png`);

let dir: string;
let appliance: { url: string; stop(): Promise<void> } | undefined;
let browser: BrowserContext | undefined;
let page: Page;

beforeAll(async () => {
  if (!existsSync(projectPath('dist', 'ui', 'index.html'))) throw new Error('the UI is not built: run "npm run build" first');
  dir = await mkdtemp(join(tmpdir(), 'sohoa-e2e-profiles-'));
  appliance = await startAppliance(await provisionedDefaults(dir), { log: silentLogger() });
  ({ browser, page } = await launchTouchscreen(dir));
});

afterAll(async () => {
  await browser?.close();
  await appliance?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('profile buttons on the scan screen', () => {
  it('one big button per profile at 1280×800 and 1024×600; a touch scans with that profile', async () => {
    await page.goto(appliance!.url);
    await expect.poll(() => page.locator('.login-screen .btn-user').allTextContents()).toEqual([DEMO_ACCOUNT.name]);
    // what the API lists, as the scan screen asks for it
    const listed = page.waitForResponse((r) => r.url().endsWith('/api/profiles') && r.status() === 200);
    await loginOnPad(page, DEMO_ACCOUNT.name, DEMO_ACCOUNT.pin);
    const profiles = (await (await listed).json()) as { profiles: CaptureProfile[] };
    const buttons = page.locator('.profile-buttons .btn-profile');
    await expect.poll(() => buttons.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    const names = await buttons.evaluateAll((els) => els.map((e) => e.getAttribute('data-profile')));
    expect(names).toEqual(profiles.profiles.map((p) => p.name));
    expect(names.slice(0, 2)).toEqual(['Văn bản đến', 'Số hóa hàng loạt']);

    for (const [w, h] of [[1280, 800], [1024, 600]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.screenshot({ path: shot(`${w}x${h}`) });
      for (let i = 0; i < names.length; i++) {
        const box = (await buttons.nth(i).boundingBox())!;
        expect(box.height, `${names[i]} at ${w}×${h}`).toBeGreaterThanOrEqual(48);
        expect(box.y + box.height, `${names[i]} on screen at ${w}×${h}`).toBeLessThanOrEqual(h);
        expect(box.width).toBeGreaterThanOrEqual(120);
      }
      // the button says what it does: name, then source · dpi · colour
      expect(await buttons.first().textContent()).toMatch(/^Văn bản đến.*dpi/);
    }

    // a touch on the first profile: POST /api/scan names it, and the job keeps it
    const [req, res] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/api/scan') && r.method() === 'POST'),
      page.waitForResponse((r) => r.url().endsWith('/api/scan') && r.request().method() === 'POST'),
      buttons.first().click(),
    ]);
    expect(JSON.parse(req.postData() ?? '{}')).toEqual({ profile: 'Văn bản đến' });
    expect(((await res.json()) as JobView).profile).toBe('Văn bản đến');
  }, 180_000);
});
