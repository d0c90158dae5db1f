import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { bookKind } from '../../appliance/register/book-kind.js';
import { bookPdf } from '../../appliance/register/book-pdf.js';
import { statsPdf } from '../../appliance/register/stats-pdf.js';
import type { RegisterStats } from '../../appliance/register/stats.js';

// The printed book and the printed statistics share one table writer (pdf/table-pdf.ts): read
// back with pdftotext, each page repeats the header, long tables go over several pages, an empty
// book says so.

const run = promisify(execFile);
const dir = await mkdtemp(join(tmpdir(), 'sohoa-tablepdf-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function pagesOf(pdf: Uint8Array, name: string): Promise<string[]> {
  const file = join(dir, name);
  await writeFile(file, pdf);
  const { stdout } = await run('pdftotext', ['-layout', file, '-'], { timeout: 20_000 });
  return stdout.split('\f').filter((p) => p.trim());
}

describe('printed tables', () => {
  it('an empty register book: title, range, header and "Không có văn bản nào"', async () => {
    const none = (async function* () { /* no entries */ })();
    const pages = await pagesOf(await bookPdf({ kind: bookKind('incoming'), agency: 'Sở Nội vụ', from: '2026-12-01', to: '2026-12-04', entries: none, printedAt: '2026-12-05 09:00' }), 'book.pdf');
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('SỔ ĐĂNG KÝ VĂN BẢN ĐẾN');
    expect(pages[0]).toContain('Từ ngày 01/12/2026 đến ngày 04/12/2026');
    expect(pages[0]).toContain('SỞ NỘI VỤ');
    expect(pages[0]).toContain('Không có văn bản nào trong khoảng thời gian này.');
  });

  it('statistics over several pages: the header on each, the total last, counts as given', async () => {
    const counts = (n: number) => ({ received: n, sent: n % 3, late: n % 2, refused: 0, waiting: n % 5, withheld: 0 });
    const rows = Array.from({ length: 120 }, (_, i) => ({ key: `k${i}`, label: `Cơ quan số ${i + 1}`, ...counts(i + 1) }));
    const stats = { from: '2026-01-01', to: '2026-12-04', by: 'issuer', rows, total: counts(7260) } as unknown as RegisterStats;
    const pages = await pagesOf(await statsPdf(stats, 'UBND tỉnh Lào Cai', '2026-12-05 09:00'), 'stats.pdf');
    expect(pages.length).toBeGreaterThan(1);
    for (const [i, p] of pages.entries()) {
      expect(p).toContain('Nơi gửi');
      expect(p).toContain(`Trang ${i + 1} — in lúc 2026-12-05 09:00`);
    }
    expect(pages[0]).toContain('THỐNG KÊ VĂN BẢN');
    const all = pages.join('\n');
    expect(all).toMatch(/Cơ quan số 120\s+120\s+0\s+0\s+0\s+0\s+0/);
    expect(pages.at(-1)).toMatch(/Tổng cộng\s+7260\s+0\s+0\s+0\s+0\s+0/);
  });
});
