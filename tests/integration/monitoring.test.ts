import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import type { HealthReport } from '../../appliance/health/health.js';
import { silentLogger } from '../../appliance/log.js';
import type { DocumentView } from '../../appliance/pipeline/desk.js';
import { apiAs, eventually, fieldsOf, scannerControl, scanToReview, testConfig } from '../helpers/appliance.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { parsePrometheusText, sampleValue, type Family } from '../helpers/prom-text.js';

// The fleet's view of a real appliance (eSCL simulator through SANE airscan, tesseract, SoftHSM,
// the embedded receiver): /metrics read with a strict Prometheus text parser while a document
// goes through, /healthz while the scanner is switched off, and the address allow list.

let token: DevToken;
let config: Config;
let app: RunningAppliance;

const api = apiAs('Nguyễn Thị Lan', () => app.url, () => config.dataDir);
const scanner = scannerControl(() => app.scannerSimulatorUrl);

async function scrape(): Promise<Map<string, Family>> {
  const res = await fetch(new URL('/metrics', app.url));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

async function healthz(): Promise<{ status: number; body: HealthReport }> {
  const res = await fetch(new URL('/healthz', app.url));
  return { status: res.status, body: (await res.json()) as HealthReport };
}

beforeAll(async () => {
  token = await provisionDevToken();
  const base = await testConfig(token);
  // 127.0.0.1 may read; any other loopback address (127.0.0.2 below) stands for a machine that may not
  config = { ...base, monitoring: { ...base.monitoring, allow: ['127.0.0.1/32', '::1'] } };
  app = await startAppliance(config, { log: silentLogger() });
});

afterAll(async () => {
  await app?.stop();
});

describe('monitoring a real appliance', () => {
  it('serves /metrics as Prometheus text: build info, process metrics and the sohoa families, each with help', async () => {
    const m = await scrape();
    const version = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;
    const build = m.get('sohoa_build_info')!;
    expect(build.type).toBe('gauge');
    expect(build.samples).toHaveLength(1);
    expect(build.samples[0]!.labels).toMatchObject({ version, node: process.versions.node });
    expect(build.samples[0]!.labels.commit).toMatch(/^([0-9a-f]{7,40}|unknown)$/);
    expect(sampleValue(m, 'process_resident_memory_bytes')).toBeGreaterThan(10e6);
    expect(m.get('process_cpu_seconds_total')?.type).toBe('counter');
    expect(m.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');

    const expected: Record<string, string> = {
      sohoa_scans_total: 'counter', sohoa_pages_scanned_total: 'counter', sohoa_documents_scanned_total: 'counter',
      sohoa_documents_registered_total: 'counter', sohoa_documents_delivered_total: 'counter', sohoa_delivery_errors_total: 'counter',
      sohoa_ocr_page_seconds: 'histogram', sohoa_signing_seconds: 'histogram', sohoa_delivery_seconds: 'histogram',
      sohoa_outbox_documents: 'gauge', sohoa_outbox_oldest_queued_age_seconds: 'gauge', sohoa_register_documents: 'gauge',
      sohoa_token_state: 'gauge', sohoa_data_disk_free_bytes: 'gauge', sohoa_spool_pages: 'gauge', sohoa_scanner_up: 'gauge',
    };
    for (const [name, type] of Object.entries(expected)) expect(m.get(name)?.type, name).toBe(type);
    for (const f of m.values()) if (f.name.startsWith('sohoa_')) expect(f.help, f.name).toBeTruthy();
    // every error kind is a series from the start, at 0 on a fresh appliance
    expect(m.get('sohoa_delivery_errors_total')!.samples.map((s) => s.labels.kind).sort())
      .toEqual(['auth', 'http_4xx', 'http_5xx', 'network', 'refused', 'timeout']);
    expect(sampleValue(m, 'sohoa_token_state', { state: 'locked' })).toBe(1);
    expect(sampleValue(m, 'sohoa_data_disk_free_bytes')).toBeGreaterThan(0);
    expect(sampleValue(m, 'sohoa_scanner_up')).toBe(1);
  });

  it('moves the counters when a document goes through scan → register → sign → deliver', async () => {
    const before = await scrape();
    const v = (m: Map<string, Family>, name: string, labels: Record<string, string> = {}) => {
      const x = sampleValue(m, name, labels);
      if (x === undefined) throw new Error(`no series ${name} ${JSON.stringify(labels)}`);
      return x;
    };
    const delta = (name: string, labels: Record<string, string> = {}) => v(after, name, labels) - v(before, name, labels);

    expect((await api<{ loggedIn: boolean }>('POST', '/api/token/unlock', { pin: token.pin })).body.loggedIn).toBe(true);
    const job = await scanToReview(api);
    // waiting for the clerk: its pages are in the spool
    expect(v(await scrape(), 'sohoa_spool_pages')).toBe(job.pages.length);

    const reg = await api<DocumentView>('POST', `/api/jobs/${job.jobId}/register`, fieldsOf(job));
    expect(reg.status).toBe(200);
    await eventually(async () => ((await api<DocumentView>('GET', `/api/documents/${reg.body.docId}`)).body.state === 'delivered' ? true : undefined),
      'the document to be delivered');
    // the page's whole read may land a moment after review; filing removes the spool right after queueing
    const after = await eventually(async () => {
      const m = await scrape();
      return v(m, 'sohoa_ocr_page_seconds_count') > v(before, 'sohoa_ocr_page_seconds_count') && v(m, 'sohoa_spool_pages') === 0 ? m : undefined;
    }, 'the page OCR to be counted and the spool emptied');

    expect(delta('sohoa_scans_total', { result: 'finished' })).toBe(1);
    expect(delta('sohoa_pages_scanned_total')).toBe(job.pages.length);
    expect(delta('sohoa_documents_scanned_total')).toBe(1);
    expect(delta('sohoa_documents_registered_total')).toBe(1);
    expect(delta('sohoa_documents_delivered_total')).toBe(1);
    expect(delta('sohoa_delivery_attempts_total', { result: 'delivered' })).toBe(1);
    expect(delta('sohoa_delivery_seconds_count')).toBe(1);
    expect(delta('sohoa_signatures_total', { result: 'ok' })).toBe(1);
    expect(delta('sohoa_signing_seconds_count')).toBe(1);
    expect(delta('sohoa_signing_seconds_sum')).toBeGreaterThan(0);
    expect(delta('sohoa_ocr_page_seconds_count')).toBe(job.pages.length);
    expect(delta('sohoa_ocr_page_seconds_sum')).toBeGreaterThan(0);
    for (const k of ['network', 'timeout', 'auth', 'http_4xx', 'http_5xx', 'refused']) expect(delta('sohoa_delivery_errors_total', { kind: k }), k).toBe(0);

    expect(delta('sohoa_outbox_documents', { state: 'delivered' })).toBe(1);
    expect(v(after, 'sohoa_outbox_documents', { state: 'queued' })).toBe(0);
    expect(v(after, 'sohoa_outbox_oldest_queued_age_seconds')).toBe(0);
    expect(delta('sohoa_register_documents', { state: 'delivered' })).toBe(1);
    expect(Math.abs(v(after, 'sohoa_last_delivery_timestamp_seconds') - Date.now() / 1000)).toBeLessThan(120);
    expect(v(after, 'sohoa_token_state', { state: 'unlocked' })).toBe(1);
    expect(v(after, 'sohoa_token_state', { state: 'locked' })).toBe(0);
  });

  it('says /healthz 200 with every part checked when all is well', async () => {
    const { status, body } = await healthz();
    expect(body.ok, JSON.stringify(body)).toBe(true);
    expect(status).toBe(200);
    expect(Object.keys(body.checks).sort()).toEqual(['central', 'disk', 'lastDelivery', 'scanner', 'token']);
    for (const c of Object.values(body.checks)) {
      expect(c.ok).toBe(true);
      expect(c.message).toMatch(/[ạảãáàâăđêôơư]/i); // plain Vietnamese
      expect(typeof c.detail).toBe('object');
    }
    expect(body.checks.scanner.detail.device).toBe(config.scanner.device);
    expect(body.checks.lastDelivery.detail.lastDeliveredAt).toBeTruthy();
  });

  it('turns /healthz 503 with the scanner check failed when the scanner is switched off, and 200 again when it is back', async () => {
    await scanner('power', { on: false });
    try {
      const down = await eventually(async () => { const h = await healthz(); return h.status === 503 ? h : undefined; }, '/healthz to turn 503', 60_000);
      expect(down.body.ok).toBe(false);
      expect(down.body.checks.scanner.ok).toBe(false);
      expect(down.body.checks.scanner.message).toMatch(/Máy quét không trả lời/);
      expect(String(down.body.checks.scanner.detail.error)).toMatch(/scanimage/);
      // only the scanner is at fault
      for (const part of ['token', 'disk', 'central', 'lastDelivery'] as const) expect(down.body.checks[part].ok, part).toBe(true);
      // the touchscreen's status line tells the same truth, and so does /metrics
      const status = await api<{ health: Record<string, { ok: boolean; message: string }> }>('GET', '/api/status');
      expect(status.body.health.scanner!.ok).toBe(false);
      expect(sampleValue(await scrape(), 'sohoa_scanner_up')).toBe(0);
    } finally {
      await scanner('power', { on: true });
    }
    await eventually(async () => ((await healthz()).status === 200 ? true : undefined), '/healthz to be 200 again', 60_000);
  });

  it('answers 403 to an address outside monitoring.allow, on both endpoints and nothing else', async () => {
    const elsewhere = new Agent({ localAddress: '127.0.0.2' });
    try {
      for (const path of ['/metrics', '/healthz']) {
        const res = await request(new URL(path, app.url), { dispatcher: elsewhere });
        expect(res.statusCode, path).toBe(403);
        const body = (await res.body.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('request.forbidden');
        expect(body.error.message).toMatch(/không được phép/);
        const here = await request(new URL(path, app.url));
        expect(here.statusCode, `${path} from 127.0.0.1`).not.toBe(403);
        await here.body.dump();
      }
      // the desk's own status stays open to the touchscreen wherever it is
      const status = await request(new URL('/api/status', app.url), { dispatcher: elsewhere });
      expect(status.statusCode).toBe(200);
      await status.body.dump();
    } finally {
      await elsewhere.close();
    }
  });
});
