// `sohoa submit` against the running service: the built CLI as a child process, the appliance on
// real parts (SoftHSM token, tesseract, the reference receiver over loopback).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppliance, type RunningAppliance } from '../../appliance/app.js';
import type { Config } from '../../appliance/config/config.js';
import { projectPath } from '../../appliance/config/paths.js';
import type { ErrorInfo } from '../../appliance/errors.js';
import { silentLogger } from '../../appliance/log.js';
import type { DocumentView, JobView } from '../../appliance/pipeline/desk.js';
import { apiAs, ensureUser, eventually, TEST_PIN, testConfig } from '../helpers/appliance.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';

const CLERK = 'Nguyễn Thị Lan';
const PAGE = projectPath('provisioning', 'demo-pages', 'doc-021', 'page-1.png');
/** Another document (the same one twice would be the same DocumentId at the receiver). */
const OTHER = projectPath('provisioning', 'demo-pages', 'doc-012', 'page-1.jpg');
const PDF_PAGE = projectPath('provisioning', 'demo-pages', 'doc-024', 'page-1.png');

let token: DevToken;
let config: Config;
let app: RunningAppliance;
const api = apiAs(CLERK, () => app.url, () => config.dataDir);

async function submit(args: string[], env: Record<string, string> = {}) {
  const { SOHOA_CONFIG: _c, ...base } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [projectPath('bin', 'sohoa.js'), 'submit', '--url', app.url, ...args], {
      env: { ...base, SOHOA_USER: CLERK, SOHOA_PIN: TEST_PIN, ...env }, timeout: 300_000, killSignal: 'SIGKILL',
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const documents = async () => (await api<DocumentView[]>('GET', '/api/documents')).body;

beforeAll(async () => {
  if (!(await readFile(projectPath('dist', 'appliance', 'cli', 'submit.js')).catch(() => null))) {
    throw new Error('the CLI is not built: run "npm run build" first (npm test does it in pretest)');
  }
  token = await provisionDevToken();
  config = await testConfig(token);
  await ensureUser(config.dataDir, CLERK);
  app = await startAppliance(config, { log: silentLogger() });
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

describe('sohoa submit', () => {
  it('says clearly that the token is locked, and registers nothing', async () => {
    const r = await submit([PAGE]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^sohoa submit: Khoá ký số chưa được mở .*token\.not-logged-in/);
    expect(r.stdout).toBe('');
    expect(await documents()).toEqual([]);
    expect((await api<JobView[]>('GET', '/api/jobs')).body).toEqual([]);
  });

  let first: DocumentView & { jobId: string; submissionKey: string };

  it('takes page images through extract → register → sign → queue and prints the register entry; given fields win', async () => {
    expect((await api('POST', '/api/token/unlock', { pin: token.pin })).status).toBe(200);
    const r = await submit([PAGE, '--fields', JSON.stringify({ urgency: 'Khẩn', summary: 'Tóm tắt do người gửi nhập' })]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    first = JSON.parse(r.stdout) as typeof first;
    expect(first.arrivalNumber).toBe(1);
    expect(['queued', 'sending', 'delivered', 'accepted']).toContain(first.state);
    expect(first.signature?.level).toBe('B-B');
    expect(first.fields.urgency).toBe('Khẩn');
    expect(first.fields.summary).toBe('Tóm tắt do người gửi nhập');
    // the rest is what the page says
    expect(first.fields.numberNotation).toBe('69/2022/QĐ-UBND');
    expect(first.submissionKey).toMatch(/^sha256-[0-9a-f]{64}$/);
    await eventually(async () => ((await documents()).find((d) => d.docId === first.docId)?.state === 'delivered' ? true : undefined), 'the document to be delivered');
  }, 300_000);

  it('is safe to retry: the same submit again, or after a dropped connection, gives the same document, never a second one', async () => {
    const again = await submit([PAGE, '--fields', JSON.stringify({ urgency: 'Khẩn', summary: 'Tóm tắt do người gửi nhập' })]);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as DocumentView).docId).toBe(first.docId);
    expect(await documents()).toHaveLength(1);

    // A new key whose first request is cut off while the service works on it, then retried.
    const key = 'chaos-0001-retry';
    const page = (await readFile(OTHER)).toString('base64');
    const tokenRes = await fetch(new URL('/api/session', app.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: CLERK, pin: TEST_PIN }) });
    const session = (await tokenRes.json() as { token: string }).token;
    const dropped = new AbortController();
    const cut = fetch(new URL('/api/submit', app.url), {
      method: 'POST', signal: dropped.signal,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
      body: JSON.stringify({ key, files: [{ name: 'page-1.jpg', data: page }] }),
    }).catch((err: unknown) => err);
    await eventually(async () => ((await api<JobView[]>('GET', '/api/jobs')).body.length > 0 ? true : undefined), 'the first request to start a job', 60_000);
    dropped.abort();
    await cut;
    const retried = await submit([OTHER, '--key', key]);
    expect(retried.code, retried.stderr).toBe(0);
    const second = JSON.parse(retried.stdout) as DocumentView;
    expect(second.docId).not.toBe(first.docId);
    expect(second.arrivalNumber).toBe(2);
    const again2 = await submit([OTHER, '--key', key]);
    expect((JSON.parse(again2.stdout) as DocumentView).docId).toBe(second.docId);
    expect((await documents()).map((d) => d.arrivalNumber).sort()).toEqual([1, 2]);
  }, 300_000);

  it('takes a PDF too (rasterised like `sohoa extract` does)', async () => {
    const pdf = await PDFDocument.create();
    const png = await pdf.embedPng(await readFile(PDF_PAGE));
    // an A4 page at the image's 200 dpi
    pdf.addPage([png.width * 72 / 200, png.height * 72 / 200]).drawImage(png, { x: 0, y: 0, width: png.width * 72 / 200, height: png.height * 72 / 200 });
    const file = join(config.dataDir, 'scan.pdf');
    await writeFile(file, await pdf.save());
    const r = await submit([file]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as DocumentView;
    expect(doc.arrivalNumber).toBe(3);
    expect(doc.fields.pages).toBe(1);
    expect(doc.fields.numberNotation).toBeTruthy();
  }, 300_000);

  it('refuses what is not a document with a one-line reason, and a malformed request with 400 (strict schema)', async () => {
    const txt = join(config.dataDir, 'note.txt');
    await writeFile(txt, 'not an image at all');
    const r = await submit([txt]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sohoa submit: Tệp "note.txt" không phải ảnh trang \(PNG, JPEG, TIFF\) hay PDF\./);
    expect((await submit([])).code).toBe(2);
    expect((await submit([PAGE], { SOHOA_PIN: '' })).code).toBe(2);

    const bad = async (body: unknown) => (await api<{ error: ErrorInfo }>('POST', '/api/submit', body));
    for (const body of [
      { key: 12345678, files: [{ name: 'a.png', data: 'aGVsbG8gd29ybGQ=' }] },
      { key: 'valid-key-1', files: [] },
      { key: 'valid-key-1', files: [{ name: 'a.png', data: 'aGVsbG8gd29ybGQ=', extra: 1 }] },
      { key: 'valid-key-1', files: [{ name: 'a.png', data: 'aGVsbG8gd29ybGQ=' }], unknown: true },
      { key: 'valid-key-1', files: [{ name: 'a.png', data: 'aGVsbG8gd29ybGQ=' }], fields: { urgency: 'Rất khẩn' } },
      { key: 'valid-key-1', files: [{ name: 'a.png', data: 'aGVsbG8gd29ybGQ=' }], fields: { pages: '3' } },
      { key: 'short', files: [{ name: 'a.png', data: 'aGVsbG8gd29ybGQ=' }] },
      { key: 'valid-key-1', files: [{ name: 'a.png', data: 'not base64 at all!' }] },
    ]) {
      const res = await bad(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('request.invalid');
    }
    expect(await documents()).toHaveLength(3);
  }, 120_000);
});
