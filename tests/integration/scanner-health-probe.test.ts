import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SohoaError } from '../../appliance/errors.js';
import { checkScanner } from '../../appliance/health/checks.js';
import { writeSaneConfig } from '../../drivers/scanner/sane-config.js';
import { SaneScanner } from '../../drivers/scanner/sane-scanner.js';
import { collect } from '../helpers/scan.js';

// The scanner part of /healthz asks the device itself (scanimage -d DEV -A), on the SANE test
// backend and on a network scanner (sane-airscan) that takes the connection and never answers.

let dir: string;
let saneConfigDir: string;
let silent: Server;
const held = new Set<Socket>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-probe-'));
  saneConfigDir = join(dir, 'sane');
  // a "scanner" on the network that accepts the connection and then says nothing: a hung device
  silent = createServer((s) => { held.add(s); s.on('close', () => held.delete(s)); });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  await writeSaneConfig(saneConfigDir, { esclUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/eSCL`, deviceName: 'Hung' });
});

afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise((r) => silent.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('scanner health probe', () => {
  it('says ok for a device that answers and names the reason for one that does not', async () => {
    const ok = await checkScanner(new SaneScanner({ device: 'test:0', saneConfigDir }), 10_000);
    expect(ok).toMatchObject({ ok: true, message: 'Máy quét sẵn sàng: test:0' });
    const missing = await checkScanner(new SaneScanner({ device: 'test:7', saneConfigDir }), 10_000);
    expect(missing.ok).toBe(false);
    expect(missing.message).toMatch(/^Máy quét không trả lời \(test:7\)/);
    expect(String(missing.detail.error)).toMatch(/open of device test:7 failed/);
  });

  it('gives up on a device that never answers at the time limit', async () => {
    const err = await new SaneScanner({ device: 'airscan:e0:Hung', saneConfigDir }).check(800).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SohoaError);
    expect((err as SohoaError).code).toBe('scanner.device');
    // killed by the time limit, not ended by the backend's own timeouts
    expect((err as SohoaError).message).toMatch(/stopped after 0\.8 s \(its time limit\)/);
  });

  it('never probes a device while it scans: busy counts as there', async () => {
    const slow = new SaneScanner({ device: 'test:0', saneConfigDir, extraArgs: ['--read-limit=yes', '--read-limit-size', '4096', '--read-delay=yes', '--read-delay-duration', '20000'] });
    const outDir = join(dir, 'job');
    await mkdir(outDir);
    const job = collect(slow.scan({ source: 'adf', mode: 'gray', dpi: 75, outDir, maxPages: 1 }));
    await new Promise((r) => setImmediate(r));
    const other = new SaneScanner({ device: 'test:0', saneConfigDir });
    expect(other.busy).toBe(true);
    expect(((await other.check(5000).catch((e: unknown) => e)) as SohoaError).code).toBe('scanner.busy');
    expect(await checkScanner(other, 5000)).toMatchObject({ ok: true, message: 'Máy quét đang quét: test:0' });
    const { pages, error } = await job;
    expect(error).toBeUndefined();
    expect(pages).toHaveLength(1);
    expect(other.busy).toBe(false);
  });
});
