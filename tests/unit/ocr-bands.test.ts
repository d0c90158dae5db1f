import { describe, expect, it } from 'vitest';
import { planBands } from '../../appliance/ocr/bands.js';
import type { TextRow } from '../../appliance/ocr/page-analysis.js';

// Band planning on measured ink rows (fractions of the page): the signature band starts a few body
// rows above the end of the body, wherever specks lie below the signature block.
const row = (y0: number, h: number, left: number, middle: number, right: number): TextRow => ({ y0, y1: y0 + h, left, middle, right });
const body = Array.from({ length: 28 }, (_, i) => row(0.05 + i * 0.02, 0.014, 0.35, 0.3, 0.35));
const signature = [row(0.62, 0.014, 0.6, 0, 0.4), row(0.64, 0.014, 1, 0, 0), row(0.66, 0.014, 0.5, 0, 0.5), row(0.72, 0.014, 0, 0, 1)];

describe('planBands', () => {
  it('starts the signature band above the block on a clean page', () => {
    const bands = planBands({ height: 3000, rows: [...body, ...signature] }, { header: true, signature: true });
    const sig = bands.find((b) => b.role === 'signature')!;
    expect(sig.y0).toBeLessThan(0.62 * 3000);
    expect(sig.y0).toBeGreaterThan(0.45 * 3000);
  });

  it('is not moved down by specks spread under the block (rows a pixel or two high)', () => {
    const specks = Array.from({ length: 12 }, (_, i) => row(0.8 + i * 0.015, 0.001, 0.33, 0.33, 0.34));
    const clean = planBands({ height: 3000, rows: [...body, ...signature] }, { header: true, signature: true });
    const noisy = planBands({ height: 3000, rows: [...body, ...signature, ...specks] }, { header: true, signature: true });
    expect(noisy.find((b) => b.role === 'signature')!.y0).toBe(clean.find((b) => b.role === 'signature')!.y0);
  });
});
