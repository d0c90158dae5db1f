import { execFile } from 'node:child_process';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../appliance/config/paths.js';
import type { DocumentView, JobView } from '../../appliance/pipeline/desk.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';
import { apiAs, eventually, fieldsOf } from '../helpers/appliance.js';
import { spawnService, writeServiceConfig, type ServiceProcess } from '../helpers/service-process.js';

// Issue 10: page images, register entries, signed PDFs and the audit log were created 0644 in 0755
// folders (any local user could read them). The built service as systemd starts it (its own
// process, dist/appliance/main.js) takes a document from the scanner to the central system; then
// every file under its data folder must be 0600 and every folder 0700. The CLI, which runs without
// the service's umask, writes its part (`sohoa users add`) the same way. This process's own umask
// stays the usual 022, so a writer that relied on it would show up.

const CLERK = 'Đỗ Minh Châu';

let dir: string;
let dataDir: string;
let token: DevToken;
let service: ServiceProcess;
let url = '';

const api = apiAs(CLERK, () => url, () => dataDir);

/**
 * Every file and folder under `root` with its permission bits (symlinks reported as such). The
 * service is still at work while it walks (the second job's page read whole after its fields):
 * a temporary file renamed between readdir and lstat is gone, not an offender (a full run, session 12).
 */
async function walk(root: string): Promise<{ path: string; kind: 'file' | 'dir' | 'other'; mode: number }[]> {
  const out: { path: string; kind: 'file' | 'dir' | 'other'; mode: number }[] = [];
  const gone = (err: unknown) => { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; return null; };
  const st = await lstat(root).catch(gone);
  if (!st) return out;
  out.push({ path: root, kind: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other', mode: st.mode & 0o777 });
  if (st.isDirectory()) for (const name of (await readdir(root).catch(gone)) ?? []) out.push(...await walk(join(root, name)));
  return out;
}

const octal = (m: number) => m.toString(8).padStart(4, '0');
const offenders = (entries: Awaited<ReturnType<typeof walk>>) =>
  entries.filter((e) => (e.kind === 'dir' ? e.mode !== 0o700 : e.mode !== 0o600)).map((e) => `${octal(e.mode)} ${e.kind} ${e.path}`);

beforeAll(async () => {
  expect(process.umask() & 0o077, 'the test runs with a permissive umask, as a CLI user may').not.toBe(0o077);
  dir = await mkdtemp(join(tmpdir(), 'sohoa-modes-'));
  dataDir = join(dir, 'data');
  token = await provisionDevToken(join(dir, 'token'));
  const config = await writeServiceConfig(dir, token);
  service = spawnService(config, {}, { limitMs: 300_000 });
  url = await eventually(async () => /\nSohoa: (http:\/\/\S+)\n/.exec(service.output())?.[1], 'the service to serve', 90_000);
});

afterAll(async () => {
  if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('modes of what Sohoa writes under its data folder', () => {
  it('after a document went from the scanner to the central system: files 0600, folders 0700', async () => {
    expect((await api('POST', '/api/token/unlock', { pin: token.pin })).status).toBe(200);
    // The demo scanner (eSCL simulator through SANE) feeds the demo documents in turn.
    const started = await api<JobView>('POST', '/api/scan', {});
    expect(started.status).toBe(200);
    const job = await eventually(async () => {
      const j = (await api<JobView>('GET', `/api/jobs/${started.body.jobId}`)).body;
      return j.state === 'review' ? j : undefined;
    }, 'the job to be ready for review', 180_000);
    // A second scan stays in review: its page images and OCR are in the spool when the tree is walked.
    const pending = await api<JobView>('POST', '/api/scan', {});
    const doc = await api<DocumentView>('POST', `/api/jobs/${job.jobId}/register`, fieldsOf(job));
    expect(doc.status).toBe(200);
    await eventually(async () => {
      const d = (await api<DocumentView>('GET', `/api/documents/${doc.body.docId}`)).body;
      return d.state === 'delivered' ? d : undefined;
    }, 'the document to be delivered', 180_000);
    await eventually(async () => {
      const j = (await api<JobView>('GET', `/api/jobs/${pending.body.jobId}`)).body;
      return j.state === 'review' ? j : undefined;
    }, 'the second job to be ready for review', 180_000);

    const entries = await walk(dataDir);
    // What the walk must have seen, or it proves nothing: the register, its audit log, a signed PDF, page images.
    const paths = entries.map((e) => e.path).join('\n');
    expect(paths).toMatch(/register/);
    expect(paths).toMatch(/\.pdf$/m);
    expect(paths).toMatch(/page-1\.(png|tiff?|jpe?g)$/m);
    expect(entries.filter((e) => e.kind === 'file').length).toBeGreaterThan(10);
    expect(offenders(entries)).toEqual([]);
  });

  it('the CLI writes the same modes without the service umask (sohoa users add into a new data folder)', async () => {
    const cliData = join(dir, 'cli-data');
    const { SOHOA_CONFIG: _c, ...env } = process.env;
    await promisify(execFile)('node', [projectPath('bin', 'sohoa.js'), 'users', 'add', 'Vũ Thị Mai'], {
      env: { ...env, SOHOA_DATA_DIR: cliData, SOHOA_USER_PIN: '314159' }, timeout: 60_000,
    });
    const entries = await walk(cliData);
    expect(entries.some((e) => e.kind === 'file')).toBe(true);
    expect(offenders(entries)).toEqual([]);
  });
});
