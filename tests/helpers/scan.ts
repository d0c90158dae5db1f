import type { ScannedPage } from '../../drivers/scanner/scanner.js';

/** Drains a scan: the pages that came, and the error that ended it (if any) — both matter to the tests. */
export async function collect(it: AsyncIterable<ScannedPage>): Promise<{ pages: ScannedPage[]; error?: unknown }> {
  const pages: ScannedPage[] = [];
  try {
    for await (const p of it) pages.push(p);
    return { pages };
  } catch (error) {
    return { pages, error };
  }
}
