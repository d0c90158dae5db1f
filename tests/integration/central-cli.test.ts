import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../appliance/config/paths.js';

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
  });
});
