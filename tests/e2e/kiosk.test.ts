// End to end: the touchscreen UI as a kiosk page (ui/src/kiosk-guard.ts). Headless Chromium on the
// real appliance (temp data folder, port 0). Headless Chromium has no browser zoom and shows no
// menus, so what is checked is what decides them: whether the page cancels the event (Chromium
// opens the menu or zooms only when it is not cancelled), and, for a trackpad pinch, the visual
// viewport's scale itself, measured against a page without the guard in the same browser.
// The kiosk's browser side (command line, policy, unit) is checked by tests/systemd/*.sh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchTouchscreen } from '../helpers/chromium.js';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import { ensureUser, provisionedDefaults } from '../helpers/appliance.js';

let dir: string;
let appliance: RunningAppliance | undefined;
let browser: BrowserContext | undefined;
let page: Page;

/** Records, after every other listener, whether each event of these types was cancelled. */
const RECORD = `(() => {
  window.__seen = [];
  if (window.__recording) return;
  window.__recording = true;
  for (const type of ['contextmenu', 'wheel', 'keydown', 'dragstart'])
    addEventListener(type, (e) => window.__seen.push({ type, key: e.key ?? null, ctrl: !!e.ctrlKey, cancelled: e.defaultPrevented }));
})()`;
interface Seen { type: string; key: string | null; ctrl: boolean; cancelled: boolean }
const seen = () => page.evaluate('window.__seen') as Promise<Seen[]>;

beforeAll(async () => {
  if (!existsSync(projectPath('dist', 'ui', 'index.html'))) {
    throw new Error('the UI is not built: run "npm run build" first (npm test does it in pretest)');
  }
  dir = await mkdtemp(join(tmpdir(), 'sohoa-e2e-kiosk-'));
  const base = await provisionedDefaults(dir);
  appliance = await startAppliance({ ...base, configFile: join(dir, 'config.json') }, { log: silentLogger() });
  await ensureUser(base.dataDir, 'Lê Thị Hoa');
  ({ browser, page } = await launchTouchscreen(dir));
  await page.goto(appliance.url);
  await page.locator('.login-screen .btn-user').first().waitFor({ timeout: 20_000 });
});

afterAll(async () => {
  await browser?.close();
  await appliance?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the touchscreen page as a kiosk', () => {
  it('cancels the right-click / long-press menu', async () => {
    await page.evaluate(RECORD);
    await page.locator('.login-screen .btn-user').first().click({ button: 'right' });
    await page.mouse.click(640, 600, { button: 'right' });
    const menus = (await seen()).filter((e) => e.type === 'contextmenu');
    expect(menus).toHaveLength(2);
    expect(menus.every((e) => e.cancelled)).toBe(true);
  });

  it('does not zoom: Ctrl+wheel is cancelled and a trackpad pinch leaves the scale at 1', async () => {
    await page.evaluate(RECORD);
    await page.mouse.move(640, 400);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -300);
    await page.keyboard.up('Control');
    await page.mouse.wheel(0, 100); // a plain scroll stays a scroll
    const wheels = (await seen()).filter((e) => e.type === 'wheel');
    expect(wheels.map((e) => [e.ctrl, e.cancelled])).toEqual([[true, true], [false, false]]);

    // A trackpad pinch reaches the page as Ctrl+wheel events and zooms the visual viewport unless
    // cancelled: measured on a bare page first, so that a scale of 1 on the UI means something.
    const pinch = async (p: Page) => {
      const cdp = await browser!.newCDPSession(p);
      await cdp.send('Input.synthesizePinchGesture', { x: 640, y: 400, scaleFactor: 2, gestureSourceType: 'mouse' });
      await cdp.detach();
      return p.evaluate('visualViewport.scale') as Promise<number>;
    };
    const bare = await browser!.newPage();
    await bare.setContent('<meta name="viewport" content="width=device-width, initial-scale=1"><p>no guard</p>');
    expect(await pinch(bare)).toBeGreaterThan(1.5);
    await bare.close();
    expect(await pinch(page)).toBe(1);
  });

  it('cancels the shortcuts that zoom, open browser panels or go back; keeps editing keys', async () => {
    // Reload (F5, Ctrl+R) and print (Ctrl+P) are not in the guard's list either; pressing them here
    // would reload the page or open the print preview.
    await page.evaluate(RECORD);
    const blocked = ['Control+Equal', 'Control+Minus', 'Control+0', 'Control+f', 'Control+s', 'Control+o', 'Control+u',
      'Control+h', 'Control+j', 'Control+Shift+I', 'Control+Shift+J', 'F12', 'F3', 'Alt+ArrowLeft', 'Alt+ArrowRight'];
    const allowed = ['Control+c', 'Control+v', 'Control+x', 'Control+a', 'Control+z', '1', 'Backspace', 'Tab', 'Enter'];
    for (const k of [...blocked, ...allowed]) await page.keyboard.press(k);
    const keys = (await seen()).filter((e) => e.type === 'keydown' && !['Control', 'Shift', 'Alt'].includes(e.key ?? ''));
    expect(keys.map((e) => e.key)).toHaveLength(blocked.length + allowed.length);
    expect(keys.slice(0, blocked.length).filter((e) => !e.cancelled)).toEqual([]);
    expect(keys.slice(blocked.length).filter((e) => e.cancelled)).toEqual([]);
  });

  it('declares no touch pinch zoom: viewport not scalable, touch-action pan only on every element', async () => {
    // Headless Chromium performs no touch pinch zoom at all (not even on a bare page), so the
    // declarations that stop it on the touchscreen are what can be checked here.
    expect(await page.getAttribute('meta[name=viewport]', 'content')).toMatch(/user-scalable=no/);
    const actions = await page.evaluate(`[...new Set([document.documentElement, document.body, ...document.querySelectorAll('#app *')]
      .map((el) => getComputedStyle(el).touchAction))]`) as string[];
    expect(actions).toEqual(['pan-x pan-y']);
  });
});
