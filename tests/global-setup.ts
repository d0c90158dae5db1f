// Runs once before the suite: the compiled CLI and UI must exist for the tests that spawn
// `sohoa` or load the UI in Chromium. `npm test` builds first (pretest); this is the guard for
// a direct `npx vitest` run.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  if (!existsSync('dist/appliance/cli/main.js') || process.env.SOHOA_TEST_REBUILD === '1') {
    execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
  }
}
