import { defineConfig } from 'vitest/config';

// Tests talk to real parts (SANE, SoftHSM, tesseract, HTTP, Chromium): generous timeouts, and few
// files at once on a 2-core machine so OCR-heavy files do not starve each other.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // expect.poll waits for the UI or a service to reach a state: 1 s (vitest's default) is too short
    // for a screen on a loaded 2-core machine; a state that never comes still fails, after 15 s.
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
