// End to end: "Mở văn bản điện tử" on the touchscreen of the real appliance. A signed công văn
// (SoftHSM development token) lies on a "USB drive" (a temp folder given as receive.mediaRoots);
// the clerk lists it, opens it, and sees the signature check and the fields from its text layer,
// at 1280×800 and 1024×600. Screenshots: os.tmpdir()/sohoa-e2e-receive-*.png.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../appliance/accounts/demo-account.js';
import { startAppliance } from '../../appliance/app.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import { testConfig } from '../helpers/appliance.js';
import { BORN_DIGITAL, bornDigitalPdf, signWithDevToken } from '../helpers/born-digital.js';
import { launchTouchscreen, loginIfAsked } from '../helpers/chromium.js';
import { provisionDevToken } from '../helpers/dev-token.js';
import { writeMountTable } from '../helpers/mount-table.js';

const shot = (name: string) => join(tmpdir(), `sohoa-e2e-receive-${name}.png`);
let dir: string;
let appliance: { url: string; stop(): Promise<void> } | undefined;
let browser: BrowserContext | undefined;
let page: Page;

beforeAll(async () => {
  if (!existsSync(projectPath('dist', 'ui', 'index.html'))) throw new Error('the UI is not built: run "npm run build" first');
  dir = await mkdtemp(join(tmpdir(), 'sohoa-e2e-receive-'));
  const dev = await provisionDevToken();
  const drive = join(dir, 'media', 'USB-VANTHU');
  await mkdir(drive, { recursive: true });
  await writeFile(join(dir, 'in.pdf'), await bornDigitalPdf());
  await signWithDevToken(dev, dir, join(dir, 'in.pdf'), join(drive, 'CV1234-STC.pdf'));
  const base = await testConfig(dev, join(dir, 'data'));
  const mountTable = await writeMountTable(join(dir, 'mounts'), [drive]); // the drive as the kernel would list it
  appliance = await startAppliance({ ...base, receive: { ...base.receive, mediaRoots: [join(dir, 'media')] } }, { log: silentLogger(), mountTable });
  ({ browser, page } = await launchTouchscreen(dir));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await appliance?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Mở văn bản điện tử on the touchscreen', () => {
  for (const [w, h] of [[1280, 800], [1024, 600]] as const) {
    it(`lists the USB drive's file, opens it and shows the signature check and its fields at ${w}×${h}`, async () => {
      await page.setViewportSize({ width: w, height: h });
      await page.goto(appliance!.url);
      await loginIfAsked(page, DEMO_ACCOUNT.name, DEMO_ACCOUNT.pin);
      const open = page.getByTestId('receive-open');
      await expect.poll(() => open.isEnabled(), { timeout: 20_000 }).toBe(true);
      expect(await open.textContent()).toBe('Mở văn bản điện tử');
      await open.click();
      const item = page.locator('[data-testid=receive-list] [data-file="CV1234-STC.pdf"]');
      await expect.poll(() => item.isVisible(), { timeout: 20_000 }).toBe(true);
      expect(await item.textContent()).toContain('USB-VANTHU');
      const box = (await item.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(48);
      await page.screenshot({ path: shot(`1-list-${w}x${h}`) });
      await item.click();
      // the list closes once the file is open (verified): the review that follows is this file's
      await expect.poll(() => page.getByTestId('receive-list').isVisible(), { timeout: 120_000 }).toBe(false);

      const banner = page.getByTestId('received');
      await expect.poll(() => banner.isVisible(), { timeout: 120_000 }).toBe(true);
      expect(await banner.textContent()).toMatch(/Văn bản điện tử: CV1234-STC\.pdf.*Chữ ký số hợp lệ: ký bởi .+, lúc /s);
      // the fields come from the file's own text
      await expect.poll(() => page.locator('[name=numberNotation]').inputValue(), { timeout: 20_000 }).toBe(BORN_DIGITAL.numberNotation);
      const b = (await banner.boundingBox())!;
      expect(b.x + b.width).toBeLessThanOrEqual(w);
      await page.screenshot({ path: shot(`2-review-${w}x${h}`) });
    }, 240_000);
  }
});
