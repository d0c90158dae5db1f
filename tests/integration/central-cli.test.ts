import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../appliance/config/paths.js';
import { startCentralProcess } from '../helpers/central-process.js';

// `sohoa central` as an operator runs it (the built CLI, a real process, a real port).
describe('sohoa central', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'sohoa-central-cli-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('serves until SIGTERM, checks the given token, and exits 0', async () => {
    const child = spawn(process.execPath, [projectPath('bin', 'sohoa.js'), 'central', '--port', '0', '--data-dir', dir, '--token', 'cli-token'], {
      env: { ...process.env, SOHOA_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const health = await request(`${url}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
    const refused = await request(`${url}/edxml/v1/documents`, { method: 'POST', body: '<edXML/>', headers: { 'content-type': 'application/xml', authorization: 'Bearer other' } });
    expect(refused.statusCode).toBe(403);
    await refused.body.dump();
    const accepted = await request(`${url}/edxml/v1/documents`, { method: 'POST', body: '<edXML/>', headers: { 'content-type': 'application/xml', authorization: 'Bearer cli-token', 'idempotency-key': 'k' } });
    expect(accepted.statusCode).toBe(400); // credentials fine, package empty
    await accepted.body.dump();
    const exit = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('plays trouble on purpose: 503 with Retry-After (--fail-rate), reset connections (--reset-rate)', async () => {
    const post = (url: string) => request(`${url}/edxml/v1/documents`, {
      method: 'POST', body: '<edXML/>', headers: { 'content-type': 'application/xml', authorization: 'Bearer t', 'idempotency-key': 'k' },
    });
    const failing = await startCentralProcess(['--port', '0', '--data-dir', join(dir, 'f'), '--token', 't', '--fail-rate', '1', '--retry-after', '7']);
    try {
      const r = await post(failing.url);
      expect(r.statusCode).toBe(503);
      expect(r.headers['retry-after']).toBe('7');
      await r.body.dump();
      const health = await request(`${failing.url}/healthz`); // the health check itself stays up
      expect(health.statusCode).toBe(200);
      await health.body.dump();
    } finally { await failing.kill(); }
    const resetting = await startCentralProcess(['--port', '0', '--data-dir', join(dir, 'r'), '--token', 't', '--reset-rate', '1']);
    try {
      await expect(post(resetting.url)).rejects.toMatchObject({ code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/) });
    } finally { await resetting.kill(); }
  });

  it('explains itself with --help and refuses unknown options', async () => {
    const run = (args: string[]) => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const c = spawn(process.execPath, [projectPath('bin', 'sohoa.js'), 'central', ...args]);
      let out = '';
      let err = '';
      c.stdout.on('data', (d: Buffer) => { out += d; });
      c.stderr.on('data', (d: Buffer) => { err += d; });
      c.once('exit', (code) => resolve({ code, out, err }));
    });
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Examples:\n\s+sohoa central/);
    const bad = await run(['--prot', '1']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Unknown option '--prot'/);
    const rates = await run(['--fail-rate', '0.8', '--reset-rate', '0.5']);
    expect(rates.code).toBe(2);
    expect(rates.err).toMatch(/together at most 1/);
  });
});
