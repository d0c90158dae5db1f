import { defineConfig } from 'vitest/config';

// Tests talk to real parts (SANE, SoftHSM, tesseract, HTTP, Chromium): generous timeouts, and few
// files at once on a 2-core machine so OCR-heavy files do not starve each other.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
