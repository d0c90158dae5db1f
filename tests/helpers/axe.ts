import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// axe-core on a page as it is: the serious and critical violations, as "rule-id target" lines
// (expected: none). Shared by the e2e tests of the screens added after clerk-keyboard.test.ts.

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export async function seriousAxeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.slice(0, 5).map((n) => v.id + ' ' + n.target.join(' ') + ' — ' + v.help)))`) as string[];
  return found;
}
