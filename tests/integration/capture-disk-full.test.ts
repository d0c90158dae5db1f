import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { CaptureStage } from '../../appliance/capture/capture.js';
import { EventBus } from '../../appliance/events.js';
import { DiskGuard } from '../../appliance/store/disk-guard.js';
import type { Scanner, ScanRequest, ScannedPage } from '../../drivers/scanner/scanner.js';
import { mountable, mountSmallDisk, type SmallDisk } from '../helpers/small-disk.js';

// The capture stage on a real small file system, fed by a scanner that writes real page files the
// way scanimage does: the next sheet is written while the stage keeps the one before. What is
// checked is the stage's stop, so the feeder here is a generator (no scanner writes ahead on cue).

const MB = 1024 * 1024;
const cannotMount = await mountable();

/** A 600×600 colour page of noise: about 1 MB as PNG whatever the compressor does. */
const noisePage = (seed: number) => {
  const raw = Buffer.alloc(600 * 600 * 3);
  let x = seed * 2654435761 >>> 0;
  for (let i = 0; i < raw.length; i++) { x = (x * 1103515245 + 12345) >>> 0; raw[i] = x >>> 24; }
  return sharp(raw, { raw: { width: 600, height: 600, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
};

/** A feeder of `sheets` pages; `beforeYield(n)` runs once page n is written (another writer, say). */
function feeder(sheets: number, beforeYield: (n: number) => Promise<void> = async () => undefined) {
  const written: number[] = [];
  const scanner: Scanner = {
    device: 'test:generator',
    probe: async () => ({ device: 'test:generator', vendor: 'test', model: 'generator', sources: ['adf'], adfModes: [] }),
    async *scan(req: ScanRequest): AsyncGenerator<ScannedPage> {
      for (let n = 1; n <= sheets; n++) {
        const path = join(req.outDir, `out${n}.png`);
        written.push(n);
        await writeFile(path, await noisePage(n));
        await beforeYield(n);
        yield { index: n, path, dpi: 300 };
      }
    },
  };
  return { scanner, written };
}

describe.skipIf(cannotMount !== null)(`capture on a filling disk (${cannotMount ?? 'tmpfs'})`, () => {
  let disk: SmallDisk;
  beforeAll(async () => { disk = await mountSmallDisk(64); });
  afterEach(async () => { await disk.clear(); });
  afterAll(async () => { await disk?.unmount(); });

  const stageOn = async (scanner: Scanner, minFreeMB: number) => {
    const dataDir = join(disk.dir, `data-${Date.now()}`);
    await mkdir(dataDir, { recursive: true });
    return new CaptureStage({ scanner, bus: new EventBus(), dataDir, disk: new DiskGuard({ dataDir, minFreeMB }) });
  };
  const request = { source: 'adf', mode: 'color', dpi: 300 } as const;

  it('stops feeding while the next sheet still fits: the threshold counts the sheet being written', async () => {
    const { scanner, written } = feeder(4);
    const stage = await stageOn(scanner, 2);
    // room for the threshold, one page and its preview, not for a second page on top of the threshold
    await disk.leaveFree(Math.round(3.6 * MB));
    const result = await stage.capture(request);
    expect(result.error?.code).toBe('storage.full');
    expect(result.error?.message).toMatch(/đã dừng quét\. 1 trang đã quét vẫn được giữ/);
    expect(result.pages).toHaveLength(1);
    // the second sheet was never started
    expect(written).toEqual([1]);
  });

  it('a disk filled by another writer mid-run keeps the pages so far and says the scan stopped, not that the page was lost', async () => {
    const { scanner } = feeder(3, async (n) => { if (n === 2) await disk.leaveFree(0); });
    const stage = await stageOn(scanner, 1);
    const result = await stage.capture(request);
    expect(result.error?.code).toBe('storage.full');
    expect(result.error?.message).toMatch(/đã dừng quét\. 1 trang đã quét vẫn được giữ.*Quét tiếp/);
    expect(result.error?.detail).toMatch(/ENOSPC|no space/i);
    expect(result.pages.map((p) => p.index)).toEqual([1]);
    // nothing of page 2 is left in the job
    expect((await readdir(result.dir)).filter((f) => f.startsWith('page-2'))).toEqual([]);
    expect(await stage.pages(result.jobId)).toHaveLength(1);
  });
});
