import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../appliance/pipeline/desk.js';
import type { CapturedPage } from '../../appliance/capture/capture.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { apiAs, eventually, scannerControl } from '../helpers/appliance.js';
import { projectPath } from '../../appliance/config/paths.js';
import { spawnService, writeServiceConfig, type ServiceProcess } from '../helpers/service-process.js';

// A power cut in the middle of "Quét cả tập": the real service (dist/appliance/main.js, its own
// process, the demo scanner feeding the demo pile at 20 pages/min) is killed with SIGKILL once
// capture has recorded a few pages, then started again. Every page scanned before the cut comes
// back exactly once — each page image in exactly one document, none twice, none lost — and the
// batch ends split into documents waiting in the review list.

const CLERK = 'Vũ Đức Long';
let dir: string;
let dataDir: string;
let token: DevToken;
let configPath: string;
let service: ServiceProcess | undefined;
let url = '';
let simulatorUrl = '';
const PAGES = projectPath('provisioning', 'demo-pages');
/** Ten sheets: a 3-page report with blank backs, then four one-page documents. */
const STACK = [
  ...[1, 2, 3, 4, 5, 6].map((n) => join(PAGES, 'doc-029', `page-${n}.png`)),
  join(PAGES, 'doc-004', 'page-1.png'), join(PAGES, 'doc-012', 'page-1.jpg'), join(PAGES, 'doc-021', 'page-1.png'), join(PAGES, 'doc-031', 'page-1.jpg'),
];
const scanner = scannerControl(() => simulatorUrl);
const api = apiAs(CLERK, () => url, () => dataDir);
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function startService(): Promise<void> {
  service = spawnService(configPath, {}, { limitMs: 600_000 });
  const s = service;
  url = await eventually(async () => /\nSohoa: (http:\/\/\S+)\n/.exec(s.output())?.[1], 'the service to serve', 120_000);
  simulatorUrl = /"(http:\/\/127\.0\.0\.1:\d+)\/eSCL"[^\n]*escl simulator listening/.exec(s.output())?.[1] ?? '';
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-batch-kill-'));
  dataDir = join(dir, 'data');
  token = await provisionDevToken(join(dir, 'token'));
  configPath = await writeServiceConfig(dir, token);
  const config = JSON.parse(await readFile(configPath, 'utf8')) as { scanner: { simulator: Record<string, unknown> } };
  config.scanner.simulator.pagesPerMinute = 20;
  await writeFile(configPath, JSON.stringify(config));
}, 180_000);

afterAll(async () => {
  if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a batch cut by a power cut', () => {
  it('keeps every page scanned before the cut, once, and ends in a review list', async () => {
    await startService();
    expect(simulatorUrl).not.toBe('');
    await scanner('feeder', { files: STACK });
    const started = await api<JobView>('POST', '/api/batch', {});
    expect(started.status).toBe(200);
    const batchId = started.body.jobId;
    const manifest = join(dataDir, 'spool', batchId, 'capture.json');
    const recorded = () => { try { return JSON.parse(readFileSync(manifest, 'utf8')) as CapturedPage[]; } catch { return []; } };
    // the cut: as soon as capture has recorded its fourth page, mid-stack, OCR still running
    await eventually(async () => (recorded().length >= 4 ? true : undefined), 'four pages scanned', 240_000)
      .catch((err: Error) => { throw new Error(`${err.message}; the service said: ${service!.output().slice(-3000)}`); });
    service!.child.kill('SIGKILL');
    expect(await service!.exited).toBe('SIGKILL');

    const scanned = recorded();
    expect(scanned.length).toBeGreaterThanOrEqual(4);
    const printed = scanned.filter((p) => !p.blank).map((p) => sha(p.path)).sort();
    expect(printed.length).toBeGreaterThan(0);

    await startService();
    const { batch, docs } = await eventually(async () => {
      const all = (await api<JobView[]>('GET', '/api/jobs')).body;
      const b = all.find((j) => j.jobId === batchId);
      if (!b || b.state !== 'split') return undefined;
      const d = b.batch!.documents.map((id) => all.find((j) => j.jobId === id));
      return d.length > 0 && d.every((x) => x && (x.state === 'review' || x.state === 'failed')) ? { batch: b, docs: d as JobView[] } : undefined;
    }, 'the batch to be split and read after the restart', 400_000);

    // the batch counts what was scanned before the cut; its documents wait for review
    expect(batch.batch!.pagesScanned).toBe(scanned.length);
    expect(docs.every((d) => d.split?.batchId === batchId)).toBe(true);
    // each printed page scanned before the cut is in exactly one document: none lost, none twice
    const inDocs = docs.flatMap((d) => readdirSync(join(dataDir, 'spool', d.jobId))
      .filter((f) => /^page-\d+\.\w+$/.test(f) && !f.includes('preview')).map((f) => sha(join(dataDir, 'spool', d.jobId, f)))).sort();
    expect(inDocs).toEqual(printed);
    expect(service!.output()).toMatch(/pages scanned before a restart taken back from the capture manifest/);
    service!.child.kill('SIGTERM');
    await service!.exited;
  }, 900_000);
});
