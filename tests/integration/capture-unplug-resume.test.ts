import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import { silentLogger } from '../../appliance/log.js';
import type { JobView } from '../../appliance/pipeline/desk.js';
import type { CaptureProfile } from '../../appliance/capture/profiles.js';
import type { ScannerStatus } from '../../appliance/capture/scanner-presence.js';
import { airscanDeviceName } from '../../drivers/scanner/sane-config.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { apiAs, eventually, testConfig } from '../helpers/appliance.js';
import { startEsclProcess, type EsclProcess } from '../helpers/escl-process.js';

// Profiles and an unplugged scanner, on real parts: the appliance drives a network scanner pinned
// by its eSCL URL (scanner.esclUrl) through SANE airscan; the scanner is the eSCL simulator run as
// its own process at 20 pages/min. Killing that process mid-batch is the cable pulled; starting it
// again on the same port is the scanner back. Pages so far are kept, the clerk is told in
// Vietnamese, and "Tiếp tục" finishes the stack with no page lost or scanned twice.

const CLERK = 'Đỗ Thị Mai';
const DEMO = projectPath('provisioning', 'demo-pages');
// six one-page documents, each a different page: a duplicate or a loss shows in the thumbnails
const STACK = [['doc-004', 'png'], ['doc-012', 'jpg'], ['doc-021', 'png'], ['doc-024', 'png'], ['doc-031', 'jpg'], ['doc-029', 'png']]
  .map(([d, ext]) => join(DEMO, d!, `page-1.${ext}`));

const PROFILES: Partial<CaptureProfile>[] = [
  { name: 'Văn bản đến', source: 'adf', duplex: false, dpi: 200, mode: 'gray' },
  { name: 'Hai trang', source: 'adf', duplex: false, dpi: 200, mode: 'gray', maxPagesPerDocument: 2 },
  { name: 'Cả tập', source: 'adf', duplex: false, dpi: 200, mode: 'gray', batch: true },
];

let dir: string;
let token: DevToken;
let config: Config;
let app: RunningAppliance;
let sim: EsclProcess;
const api = apiAs(CLERK, () => app.url, () => config.dataDir);

const control = async (path: string, body: unknown = {}) => {
  const res = await fetch(`${sim.url.replace(/\/eSCL$/, '')}/control/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`simulator ${path}: HTTP ${res.status}`);
};
const job = async (id: string) => (await api<JobView>('GET', `/api/jobs/${id}`)).body;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sohoa-unplug-'));
  token = await provisionDevToken(join(dir, 'token'));
  sim = await startEsclProcess({ ppm: 20 });
  const profilesPath = join(dir, 'profiles.json');
  writeFileSync(profilesPath, JSON.stringify({ profiles: PROFILES }));
  const base = await testConfig(token, join(dir, 'data'));
  config = {
    ...base,
    scanner: {
      ...base.scanner, device: airscanDeviceName(), saneConfigDir: join(dir, 'sane'), esclUrl: sim.url, hotplug: false,
      simulator: { ...base.scanner.simulator, enabled: false },
    },
    capture: { ...base.capture, profilesPath },
  };
  app = await startAppliance(config, { log: silentLogger() });
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await sim?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('capture profiles through the API', () => {
  it('lists the provisioned profiles in order; an unknown name is refused in Vietnamese', async () => {
    const { body } = await api<{ profiles: CaptureProfile[] }>('GET', '/api/profiles');
    expect(body.profiles.map((p) => p.name)).toEqual(['Văn bản đến', 'Hai trang', 'Cả tập']);
    const bad = await api<{ error: { code: string; message: string } }>('POST', '/api/scan', { profile: 'Không có' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Không có cách quét "Không có"/);
  });

  it('a profile applies its page limit, and the job keeps the profile name', async () => {
    await control('feeder', { files: STACK.slice(0, 3) });
    const started = await api<JobView>('POST', '/api/scan', { profile: 'Hai trang' });
    expect(started.status).toBe(200);
    expect(started.body.profile).toBe('Hai trang');
    const done = await eventually(async () => {
      const j = await job(started.body.jobId);
      return j.state === 'review' || j.state === 'failed' ? j : undefined;
    }, 'the two-page scan to be read', 240_000);
    expect(done.pages).toHaveLength(2); // three sheets in the tray, the profile stops at two
    expect(done.profile).toBe('Hai trang');
    await control('empty');
    expect((await api('POST', `/api/jobs/${done.jobId}/discard`, {})).status).toBe(200);
  }, 300_000);
});

describe('a scanner unplugged mid-batch', () => {
  it('keeps the pages so far, says what to do, and resumes when the scanner is back: none lost, none twice', async () => {
    await control('feeder', { files: STACK });
    const started = await api<JobView>('POST', '/api/scan', { profile: 'Cả tập' }); // a batch profile starts a batch
    expect(started.body.batch).toBeDefined();
    const batchId = started.body.jobId;
    await eventually(async () => ((await job(batchId)).batch!.pagesScanned >= 2 ? true : undefined), 'two pages scanned', 120_000);
    await sim.kill(); // the cable pulled mid-stack

    const stopped = await eventually(async () => {
      const j = await job(batchId);
      return j.state !== 'scanning' && j.error ? j : undefined;
    }, 'the batch to stop with an error', 120_000);
    expect(stopped.error!.code).toBe('scanner.disconnected');
    expect(stopped.error!.message).toMatch(/Máy quét bị ngắt kết nối.*cắm lại.*Tiếp tục/s);
    const kept = stopped.batch!.pagesScanned;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(STACK.length);
    const gone = (await api<ScannerStatus>('GET', '/api/scanner')).body;
    expect(gone.present).toBe(false);

    // plugged back in: same address, the clerk puts the sheets not yet scanned back in the tray
    sim = await startEsclProcess({ port: sim.port, ppm: 20 });
    await control('feeder', { files: STACK.slice(kept) });
    await eventually(async () => ((await api<ScannerStatus>('GET', '/api/scanner')).body.present ? true : undefined), 'the scanner to be seen again', 60_000);
    await eventually(async () => ((await job(batchId)).state === 'split' ? true : undefined), 'the kept pages to be split', 240_000);
    const resumed = await api<JobView>('POST', `/api/jobs/${batchId}/continue`, {});
    expect(resumed.status).toBe(200);

    const documents = await eventually(async () => {
      const all = (await api<JobView[]>('GET', '/api/jobs')).body;
      const b = all.find((j) => j.jobId === batchId);
      if (!b || b.state !== 'split' || b.error) return undefined;
      const docs = b.batch!.documents.map((id) => all.find((j) => j.jobId === id));
      return docs.every((d) => d && (d.state === 'review' || d.state === 'failed')) ? docs as JobView[] : undefined;
    }, 'the whole stack split into documents', 300_000);

    // every page of every document, matched to the sheet it looks most like
    const spooled = documents.flatMap((d) => readdirSync(join(config.dataDir, 'spool', d.jobId))
      .filter((f) => /^page-\d+\.tiff?$/.test(f)).map((f) => join(config.dataDir, 'spool', d.jobId, f)));
    expect(spooled).toHaveLength(STACK.length);
    const thumb = (p: string) => sharp(p).grayscale().resize(60, 85, { fit: 'fill' }).raw().toBuffer();
    const sources = await Promise.all(STACK.map(thumb));
    const matched = await Promise.all(spooled.map(async (p) => {
      const t = await thumb(p);
      const d = sources.map((s) => { let x = 0; for (let i = 0; i < s.length; i++) x += Math.abs(s[i]! - t[i]!); return x / s.length; });
      return d.indexOf(Math.min(...d));
    }));
    expect(new Set(matched).size).toBe(STACK.length); // each sheet once: none lost, none twice
  }, 600_000);
});
