// The review screen on the real appliance (eSCL simulator → SANE → tesseract → fields), driven in
// headless Chromium at 1280×800 and 1024×600: the page beside the form, zoom, a field's place on
// the page, a region read into a field, the page strip (turn, move, take out, blank, undo), long
// values shown whole, Độ mật/Độ khẩn above the fold, and a pending review that does not block the
// next scan. Screenshots: var/test-output/e2e-review/*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { launchTouchscreen, loginOnPad } from '../helpers/chromium.js';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import type { JobView } from '../../appliance/pipeline/desk.js';
import type { PageEditsView } from '../../appliance/pipeline/page-edits.js';
import { layoutFaults } from '../helpers/layout.js';
import { apiAs, ensureUser, provisionedDefaults, scannerControl, TEST_PIN } from '../helpers/appliance.js';

const OUT = projectPath('var', 'test-output', 'e2e-review');
const PAGES = projectPath('provisioning', 'demo-pages');
const CLERK = 'Nguyễn Thị Lan';
const SIZES = [{ width: 1280, height: 800 }, { width: 1024, height: 600 }] as const;

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
  dir = await mkdtemp(join(tmpdir(), 'sohoa-e2e-review-'));
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

async function box(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error('not on screen');
  return b;
}
const inside = (b: { x: number; y: number; width: number; height: number }, v: { width: number; height: number }) =>
  b.x >= 0 && b.y >= 0 && b.x + b.width <= v.width + 0.5 && b.y + b.height <= v.height + 0.5;
const overlap = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;

async function scanFromScreen(files: string[]): Promise<void> {
  await scanner('feeder', { files });
  await page.getByTestId('scan').click();
}
/**
 * doc-031's page with its date line ("An Giang, ngày 16 tháng 8 năm 2017", x 895–1445, baseline
 * 347 at 198 dpi) printed again as "… ngày 31 tháng 02 …", a day February never has.
 */
async function impossibleDate(original: string): Promise<string> {
  const { width, height } = await sharp(original).metadata();
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect x="880" y="300" width="600" height="70" fill="rgb(242,242,242)"/>
    <text x="1170" y="347" font-family="DejaVu Serif" font-style="italic" font-size="36" text-anchor="middle">An Giang, ngày 31 tháng 02 năm 2017</text></svg>`;
  const out = join(dir, 'impossible-date.png');
  await sharp(original).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]).png().toFile(out);
  return out;
}
const pane = () => page.getByTestId('review-pane');
const edits = async () => (await api<JobView[]>('GET', '/api/jobs')).body;

describe('the review screen beside the page', () => {
  let firstJob: string;

  it('shows the page large beside the form; Độ mật and Độ khẩn above the fold; nothing overlaps (both sizes)', async () => {
    await scanFromScreen([join(PAGES, 'doc-021', 'page-1.png'), join(PAGES, 'doc-029', 'page-2.png')]);
    await expect.poll(() => pane().isVisible(), { timeout: 180_000 }).toBe(true);
    firstJob = (await edits()).find((j) => j.state === 'review')!.jobId;
    await expect.poll(() => page.locator('.page-stage img').evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth), { timeout: 20_000 }).toBeGreaterThan(0);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await page.waitForTimeout(300);
      const view = await box(page.getByTestId('page-view'));
      const stage = await box(page.getByTestId('page-stage'));
      const form = await box(page.locator('.review-form-col'));
      // the page is large: most of the screen's height, beside (not over) the form
      expect(stage.height).toBeGreaterThan(size.height * 0.45);
      expect(overlap(view, form)).toBe(false);
      for (const key of ['confidentiality', 'urgency']) {
        const f = await box(page.locator(`[data-field=${key}]`));
        expect(inside(f, size), `${key} at ${size.width}×${size.height}`).toBe(true);
        expect(overlap(f, await box(page.locator('.actions')))).toBe(false);
      }
      const reg = await box(page.getByTestId('register'));
      expect(inside(reg, size)).toBe(true);
      // every page key is a touch target
      for (const b of await page.locator('.page-tools .btn-tool, .page-strip-keys .btn-tool, .strip-thumb').all()) {
        const bb = await box(b);
        expect(bb.height).toBeGreaterThanOrEqual(48);
        expect(bb.width).toBeGreaterThanOrEqual(48);
      }
      // nothing clipped, wrapped or overlapping: tabs, pills, page keys, form labels (issue 11)
      expect(await layoutFaults(page), `${size.width}×${size.height}`).toEqual([]);
      await shot(`1-review-${size.width}x${size.height}`);
    }
  }, 300_000);

  it('a doubtful field opens zoomed at its place on the page', async () => {
    // its own document: the invitation (doc-031) with its date line printed as an impossible date,
    // which a form check always doubts (its signer title under the seal, doubted until session 12,
    // now reads right and sure); should the extractor stop doubting it, this says so instead of
    // passing without a check. Discarded afterwards; the first document is brought back.
    await page.setViewportSize(SIZES[0]);
    await scanFromScreen([await impossibleDate(join(PAGES, 'doc-031', 'page-1.jpg'))]);
    await expect.poll(() => page.locator(`.pending-item[data-job="${firstJob}"]`).isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(async () => (await edits()).filter((j) => j.state === 'review' && j.jobId !== firstJob).length, { timeout: 180_000 }).toBe(1);
    const own = (await edits()).find((j) => j.state === 'review' && j.jobId !== firstJob)!.jobId;
    const job = (await api<JobView>('GET', `/api/jobs/${own}`)).body;
    expect(job.result!.date).toBe('2017-02-31');
    expect(job.result!.flagged ?? [], 'no doubtful field on the test page: choose a page that gives one').not.toEqual([]);
    await expect.poll(() => pane().isVisible(), { timeout: 60_000 }).toBe(true);
    const doubtful = page.locator('.doubtful textarea, .doubtful input').first();
    await expect.poll(() => doubtful.count()).toBeGreaterThan(0);
    await page.getByTestId('zoom-fit').click();
    expect(Number(await page.getByTestId('page-stage').getAttribute('data-zoom'))).toBe(1);
    await doubtful.click();
    await expect.poll(() => page.getByTestId('field-mark').count()).toBeGreaterThan(0);
    await expect.poll(async () => Number(await page.getByTestId('page-stage').getAttribute('data-zoom'))).toBeGreaterThan(1);
    await shot('2-doubtful-zoomed');
    await page.getByTestId('zoom-fit').click(); // the next test frames fields on the whole page
    expect((await api('POST', `/api/jobs/${own}/discard`, {})).status).toBe(200);
    await page.locator(`.pending-item[data-job="${firstJob}"]`).click();
    await expect.poll(() => page.locator('[name=numberNotation]').inputValue(), { timeout: 20_000 }).toContain('69/2022');
  }, 300_000);

  it('touching a field frames where it was read; a drag on the page reads that region into the field (both sizes)', async () => {
    for (const size of SIZES) {
      await page.setViewportSize(size);
      const field = page.locator('[name=numberNotation]');
      await field.click();
      await expect.poll(() => page.getByTestId('field-mark').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      await shot(`2-field-place-${size.width}x${size.height}`);
      const mark = await box(page.getByTestId('field-mark').first());
      await field.fill('');
      expect(await field.inputValue()).toBe('');
      // the field stays chosen while the finger draws on the page
      await page.mouse.move(mark.x - 6, mark.y - 6);
      await page.mouse.down();
      await page.mouse.move(mark.x + mark.width / 2, mark.y + mark.height / 2, { steps: 4 });
      await page.mouse.move(mark.x + mark.width + 6, mark.y + mark.height + 6, { steps: 4 });
      await page.mouse.up();
      await expect.poll(() => field.inputValue(), { timeout: 60_000 }).toContain('69/2022');
      await shot(`3-region-read-${size.width}x${size.height}`);
    }
  }, 300_000);

  it('zooms with the keys and a pinch of two fingers, pans with one', async () => {
    await page.setViewportSize(SIZES[0]);
    await page.getByTestId('zoom-fit').click();
    const stage = page.getByTestId('page-stage');
    expect(await stage.getAttribute('data-zoom')).toBe('1.00');
    await page.getByTestId('zoom-in').click();
    expect(Number(await stage.getAttribute('data-zoom'))).toBeCloseTo(1.5, 2);
    await page.getByTestId('zoom-fit').click();
    // two pointers moving apart: a pinch (CDP touch events drive the same pointer events as a finger)
    const v = await box(page.getByTestId('page-view'));
    const cx = v.x + v.width / 2; const cy = v.y + v.height / 2;
    const cdp = await browser!.newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', pts: [number, number][]) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: pts.map(([x, y], id) => ({ x, y, id })) });
    await touch('touchStart', [[cx - 30, cy], [cx + 30, cy]]);
    for (let d = 40; d <= 120; d += 20) await touch('touchMove', [[cx - d, cy], [cx + d, cy]]);
    await touch('touchEnd', []);
    await expect.poll(async () => Number(await stage.getAttribute('data-zoom'))).toBeGreaterThan(2.5);
    await page.getByTestId('mode-move').click();
    const before = await box(stage);
    await touch('touchStart', [[cx, cy]]);
    for (let d = 10; d <= 60; d += 10) await touch('touchMove', [[cx + d, cy + d]]);
    await touch('touchEnd', []);
    const after = await box(stage);
    expect(after.x - before.x).toBeGreaterThan(30);
    await shot('4-zoomed-1280x800');
    await page.getByTestId('zoom-fit').click();
  });

  it('the page strip turns, moves, takes out and blank-marks pages, each undoable; the blank back is greyed (both sizes)', async () => {
    const view = async () => (await api<PageEditsView>('GET', `/api/jobs/${firstJob}/edits`)).body;
    const order = async () => (await view()).pages.map((p) => `${p.page}${p.rotation ? `r${p.rotation}` : ''}${p.removed ? '-' : ''}${p.blank ? 'b' : ''}`).join(' ');
    // the on-screen keyboard put away (the strip gives its room to the page while it is up)
    await page.locator('.review-head h1').click();
    expect(await order()).toBe('1 2b');
    expect(await page.locator('.strip-thumb-out').count()).toBe(1);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await page.locator('.strip-thumb[data-page="1"]').click();
      await page.getByTestId('page-rotate').click();
      await expect.poll(order).toBe('1r90 2b');
      await expect.poll(() => page.locator('.strip-thumb[data-page="1"] img').getAttribute('style')).toContain('rotate(90deg)');
      await page.getByTestId('page-later').click();
      await expect.poll(order).toBe('2b 1r90');
      await page.locator('.strip-thumb[data-page="2"]').click();
      await page.getByTestId('page-blank').click();
      await expect.poll(order).toBe('2 1r90');
      await page.getByTestId('page-remove').click();
      await expect.poll(order).toBe('2- 1r90');
      await shot(`5-strip-${size.width}x${size.height}`);
      for (const want of ['2 1r90', '2b 1r90', '1r90 2b', '1 2b']) {
        await page.getByTestId('page-undo').click();
        await expect.poll(order).toBe(want);
      }
      expect(await page.getByTestId('page-undo').isDisabled()).toBe(true);
    }
  }, 300_000);

  it('a page dragged along the strip (mouse, or a finger that rests first) moves there, undoably (both sizes)', async () => {
    const order = async () => (await api<PageEditsView>('GET', `/api/jobs/${firstJob}/edits`)).body.pages.map((p) => `${p.page}${p.blank ? 'b' : ''}`).join(' ');
    const centre = async (n: number) => { const b = await box(page.locator(`.strip-thumb[data-page="${n}"]`)); return { x: b.x + b.width / 2, y: b.y + b.height / 2, h: b.height }; };
    const cdp = await browser!.newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', pts: { x: number; y: number }[]) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: pts.map((p, id) => ({ x: p.x, y: p.y, id })) });
    for (const size of SIZES) {
      await page.setViewportSize(size);
      expect(await order()).toBe('1 2b');
      // the mouse: press on page 1, move below page 2, let go
      const a = await centre(1); const b = await centre(2);
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      await page.mouse.move(a.x, (a.y + b.y) / 2, { steps: 3 });
      await page.mouse.move(b.x, b.y + b.h * 0.4, { steps: 3 });
      expect(await page.locator('.strip-thumb-drag').getAttribute('data-page')).toBe('1');
      expect(await page.locator('.strip-drop-after').getAttribute('data-page')).toBe('2');
      await shot(`5b-drag-${size.width}x${size.height}`);
      await page.mouse.up();
      await expect.poll(order).toBe('2b 1');
      await expect.poll(() => page.locator('.strip-thumb').evaluateAll((els) => els.map((e) => e.getAttribute('data-page')))).toEqual(['2', '1']);
      await page.getByTestId('page-undo').click();
      await expect.poll(order).toBe('1 2b');
      // a finger: a quick swipe does not move the page …
      let p = await centre(1); let q = await centre(2);
      await touch('touchStart', [p]);
      for (let k = 1; k <= 4; k++) await touch('touchMove', [{ x: p.x, y: p.y + ((q.y - p.y + q.h * 0.4) * k) / 4 }]);
      await touch('touchEnd', []);
      await page.waitForTimeout(300);
      expect(await order()).toBe('1 2b');
      // … a finger that rests on it first does (the hold is the drag's start, not a timing check)
      p = await centre(1); q = await centre(2);
      await touch('touchStart', [p]);
      await page.waitForTimeout(500);
      for (let k = 1; k <= 4; k++) await touch('touchMove', [{ x: p.x, y: p.y + ((q.y - p.y + q.h * 0.4) * k) / 4 }]);
      await touch('touchEnd', []);
      await expect.poll(order).toBe('2b 1');
      await page.getByTestId('page-undo').click();
      await expect.poll(order).toBe('1 2b');
    }
  }, 300_000);

  it('a long value wraps and is shown whole', async () => {
    for (const size of SIZES) {
      await page.setViewportSize(size);
      const f = page.locator('[name=authority]');
      await f.fill('TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH THƯỜNG TRỰC ỦY BAN NHÂN DÂN TỈNH KON TUM');
      const m = await f.evaluate((el: { scrollHeight: number; clientHeight: number; scrollWidth: number; clientWidth: number }) => ({ sh: el.scrollHeight, ch: el.clientHeight, sw: el.scrollWidth, cw: el.clientWidth }));
      expect(m.sh).toBeLessThanOrEqual(m.ch + 1);
      expect(m.sw).toBeLessThanOrEqual(m.cw + 1);
      expect(m.ch).toBeGreaterThan(60); // more than one line
      await f.scrollIntoViewIfNeeded();
      await shot(`6-long-value-${size.width}x${size.height}`);
    }
  });

  it('a pending review does not block the next scan: it waits in a list with what was typed', async () => {
    await page.setViewportSize(SIZES[1]);
    expect(await page.getByTestId('scan').isDisabled()).toBe(false);
    expect(await page.getByTestId('batch').isDisabled()).toBe(false);
    await scanFromScreen([join(PAGES, 'doc-024', 'page-1.png')]);
    await expect.poll(() => page.locator(`.pending-item[data-job="${firstJob}"]`).isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => pane().isVisible(), { timeout: 180_000 }).toBe(true);
    const second = await page.locator('[name=numberNotation]').inputValue();
    expect(second).not.toContain('69/2022');
    await shot('7-pending-1024x600');
    await page.locator(`.pending-item[data-job="${firstJob}"]`).click();
    await expect.poll(() => page.locator('[name=numberNotation]').inputValue()).toContain('69/2022');
    expect(await page.locator('[name=authority]').inputValue()).toContain('PHÓ CHỦ TỊCH THƯỜNG TRỰC');
    await page.getByTestId('register').click();
    await expect.poll(() => page.getByTestId('outcome').isVisible(), { timeout: 60_000 }).toBe(true);
    // the other one still waits
    expect(await page.locator('.pending-item').count()).toBe(1);
    await shot('8-registered-one-waiting-1024x600');
  }, 400_000);
});
