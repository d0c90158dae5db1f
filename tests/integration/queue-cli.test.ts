import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueItemView, QueueView } from '../../appliance/api/routes-queue.js';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import { parsePackage } from '../../appliance/edxml/parse-document.js';
import { silentLogger } from '../../appliance/log.js';
import type { DocumentView } from '../../appliance/pipeline/desk.js';
import { apiAs, ensureUser, eventually, fieldsOf, scanToReview, TEST_PIN, testConfig } from '../helpers/appliance.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';

// `sohoa queue` (a real process) against the running appliance's API, with the central system
// unreachable so the document waits: counts, hold/release by a technician (a clerk gets 403 from
// the API itself), export of the signed PDF + edXML for hand delivery.

const TECH = 'Trần Văn Bình';
const CLERK = 'Nguyễn Thị Lan';
let token: DevToken;
let config: Config;
let app: RunningAppliance;
let out: string;
const api = apiAs(CLERK, () => app.url, () => config.dataDir);

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function sohoaQueue(args: string[], user = TECH): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [projectPath('bin', 'sohoa.js'), 'queue', ...args, '--url', app.url], {
      env: { ...process.env, SOHOA_USER: user, SOHOA_PIN: TEST_PIN }, timeout: 60_000, killSignal: 'SIGKILL',
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  token = await provisionDevToken();
  const base = await testConfig(token);
  // no central system answers: what is queued stays queued
  config = { ...base, central: { ...base.central, embedded: false, url: `http://127.0.0.1:${await closedPort()}` } };
  app = await startAppliance(config, { log: silentLogger() });
  await ensureUser(config.dataDir, TECH, TEST_PIN, 'technician');
  await api('POST', '/api/token/unlock', { pin: token.pin });
  out = await mkdtemp(join(tmpdir(), 'sohoa-queue-export-'));
});

afterAll(async () => {
  await app?.stop();
  await rm(out, { recursive: true, force: true });
});

describe('sohoa queue', () => {
  it('shows the waiting document, holds and releases it as a technician, refuses a clerk, exports it for hand delivery', async () => {
    const job = await scanToReview(api);
    const reg = await api<DocumentView>('POST', `/api/jobs/${job.jobId}/register`, fieldsOf(job));
    const docId = reg.body.docId;
    await eventually(async () => ((await api<DocumentView>('GET', `/api/documents/${docId}`)).body.state === 'queued' && (await api<QueueView>('GET', '/api/queue')).body.items[0]?.attempts ? true : undefined), 'queued and tried');

    const shown = await sohoaQueue(['--json']);
    expect(shown.code).toBe(0);
    const q = JSON.parse(shown.stdout) as QueueView;
    expect(q.counts).toMatchObject({ queued: 1, held: 0, delivered: 0, accepted: 0, rejected: 0 });
    expect(q.oldestWaitingSince).toEqual(expect.any(String));
    expect(q.lastError).toMatch(/Không kết nối được hệ thống trung tâm/);
    expect(q.items).toEqual([expect.objectContaining({ docId, arrivalNumber: reg.body.arrivalNumber, state: 'queued', attempts: expect.any(Number) })]);
    const text = await sohoaQueue([]);
    expect(text.stdout).toMatch(/Hàng đợi gửi — chờ gửi: 1/);

    const clerk = await sohoaQueue(['hold', docId], CLERK);
    expect(clerk.code).toBe(1);
    expect(clerk.stderr).toMatch(/Chỉ kỹ thuật viên mới được làm việc này/);

    const held = await sohoaQueue(['hold', docId]);
    expect(held.code).toBe(0);
    expect((JSON.parse(held.stdout) as QueueItemView).state).toBe('held');
    expect((await api<QueueView>('GET', '/api/queue')).body.counts.held).toBe(1);

    const exported = await sohoaQueue(['export', '--to', out]);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ exported: 1 });
    const folder = join(out, docId);
    expect((await readdir(folder)).sort()).toEqual([`${docId}.edxml`, `${docId}.pdf`, 'info.json'].sort());
    const pdf = await readFile(join(folder, `${docId}.pdf`));
    const signed = Buffer.from(await (await api.raw(`/api/documents/${docId}/pdf`)).arrayBuffer());
    expect(Buffer.compare(pdf, signed)).toBe(0);
    const pkg = parsePackage(await readFile(join(folder, `${docId}.edxml`), 'utf8'));
    expect(pkg.errors).toEqual([]);
    expect(Buffer.compare(Buffer.from(pkg.value!.attachments[0]!.base64, 'base64'), signed)).toBe(0);

    const released = await sohoaQueue(['release', docId]);
    expect((JSON.parse(released.stdout) as QueueItemView).state).toBe('queued');
    const again = await sohoaQueue(['release', docId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/không bị giữ lại/);
  });
});
