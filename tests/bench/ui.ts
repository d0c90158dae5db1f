import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import { ensureUser, provisionedDefaults, scannerControl, TEST_PIN } from '../helpers/appliance.js';
import { launchTouchscreen, loginOnPad } from '../helpers/chromium.js';
import { argValue } from './rss-sampler.js';

// `npm run bench -- ui [--runs=10]`: the touchscreen's budgets, on the real appliance in headless
// Chromium at 1280×800:
//   - the UI bundle (JS + CSS as served, gzipped) ≤ 150 KB;
//   - first screen interactive (navigation → the login's name buttons on screen and enabled) ≤ 1 s;
//   - tap-to-OCR: a field chosen, a region dragged on the page → its text in the field ≤ 1.5 s p50
//     (the field's own place on a real scan, cleared before each run).
// Prints one JSON object per figure; the last line sums them up.

const BUNDLE_KB = 150;
const FIRST_SCREEN_MS = 1000;
const TAP_OCR_MS = 1500;
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function bundleKb(): { files: Record<string, number>; gzipKb: number } {
  const dir = projectPath('dist', 'ui', 'assets');
  const files: Record<string, number> = {};
  let total = 0;
  for (const f of readdirSync(dir).filter((n) => /\.(js|css)$/.test(n))) {
    const gz = gzipSync(readFileSync(join(dir, f)), { level: 9 }).length;
    files[f] = Math.round(gz / 102.4) / 10;
    total += gz;
  }
  return { files, gzipKb: Math.round(total / 102.4) / 10 };
}

export async function run(args: string[]): Promise<void> {
  const runs = Number(argValue(args, 'runs') ?? 10);
  const bundle = bundleKb();
  process.stdout.write(JSON.stringify({ bench: 'ui', step: 'bundle', ...bundle, budgetKb: BUNDLE_KB }) + '\n');

  const dir = await mkdtemp(join(tmpdir(), 'sohoa-bench-ui-'));
  let app: RunningAppliance | undefined;
  let close: (() => Promise<void>) | undefined;
  try {
    const config = await provisionedDefaults(dir);
    const clerk = 'Nguyễn Thị Lan';
    await ensureUser(config.dataDir, clerk);
    app = await startAppliance(config, { log: silentLogger() });
    const { browser, page } = await launchTouchscreen(dir);
    close = () => browser.close();

    // first screen: a fresh navigation each run (the browser's cache as a kiosk has it after the first)
    const firstMs: number[] = [];
    for (let i = 0; i < Math.max(3, Math.min(runs, 10)); i++) {
      const t0 = Date.now();
      await page.goto(app.url);
      await page.locator('.login-screen .btn-user').first().waitFor({ state: 'visible' });
      await page.waitForFunction("!document.querySelector('.login-screen .btn-user').disabled");
      firstMs.push(Date.now() - t0);
    }
    process.stdout.write(JSON.stringify({ bench: 'ui', step: 'first-screen', ms: firstMs, p50Ms: p50(firstMs), budgetMs: FIRST_SCREEN_MS, load: load() }) + '\n');

    // tap-to-OCR on a real scan
    await loginOnPad(page, clerk, TEST_PIN);
    await page.getByTestId('current-user').waitFor();
    await scannerControl(() => app!.scannerSimulatorUrl)('feeder', { files: [projectPath('provisioning', 'demo-pages', 'doc-021', 'page-1.png')] });
    await page.getByTestId('scan').click();
    await page.getByTestId('review-pane').waitFor({ timeout: 180_000 });
    const field = page.locator('[name=numberNotation]');
    await field.click();
    await page.getByTestId('field-mark').first().waitFor({ timeout: 60_000 });
    const mark = (await page.getByTestId('field-mark').first().boundingBox())!;
    const tapMs: number[] = [];
    let text = '';
    for (let i = 0; i < runs; i++) {
      await field.fill('');
      await page.mouse.move(mark.x - 6, mark.y - 6);
      await page.mouse.down();
      await page.mouse.move(mark.x + mark.width + 6, mark.y + mark.height + 6, { steps: 3 });
      const t0 = Date.now();
      await page.mouse.up();
      await page.waitForFunction("document.querySelector('[name=numberNotation]').value !== ''", undefined, { timeout: 60_000 });
      tapMs.push(Date.now() - t0);
      text = await field.inputValue();
    }
    process.stdout.write(JSON.stringify({ bench: 'ui', step: 'tap-to-ocr', ms: tapMs, p50Ms: p50(tapMs), text, budgetMs: TAP_OCR_MS, load: load() }) + '\n');

    process.stdout.write(JSON.stringify({
      bench: 'ui', bundleGzipKb: bundle.gzipKb, firstScreenP50Ms: p50(firstMs), tapToOcrP50Ms: p50(tapMs),
      withinBudget: bundle.gzipKb <= BUNDLE_KB && p50(firstMs) <= FIRST_SCREEN_MS && p50(tapMs) <= TAP_OCR_MS,
      budgets: { bundleKb: BUNDLE_KB, firstScreenMs: FIRST_SCREEN_MS, tapToOcrMs: TAP_OCR_MS }, load: load(),
    }) + '\n');
  } finally {
    await close?.();
    await app?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
