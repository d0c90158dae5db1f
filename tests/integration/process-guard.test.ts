import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../appliance/config/paths.js';

// The process-level handlers (issue 8), in real Node processes on the built code (npm run build):
// the service logs an unhandled rejection or an uncaught exception as fatal (pino, with the error)
// and exits 70 for systemd to restart it; the `sohoa` CLI prints one line instead of a stack.

const dist = (p: string) => pathToFileURL(projectPath('dist', p)).href;
let dir: string;

beforeAll(async () => {
  if (!existsSync(projectPath('dist', 'appliance', 'service', 'process-guard.js'))) throw new Error('build first: npm run build');
  dir = await mkdtemp(join(tmpdir(), 'sohoa-guard-'));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** Runs an ES module of `body` (with the guard's imports) in its own Node process, 60 s at most. */
async function runScript(name: string, body: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const file = join(dir, `${name}.mjs`);
  await writeFile(file, `import { installProcessGuard, installCliGuard } from '${dist('appliance/service/process-guard.js')}';
import { createLogger } from '${dist('appliance/log.js')}';
${body}
`);
  return new Promise((resolve) => {
    execFile(process.execPath, [file], { timeout: 60_000, killSignal: 'SIGKILL', env: { ...process.env, SOHOA_DEBUG: '' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

const fatalLines = (stdout: string) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string; err?: { message: string } });

describe('the service', () => {
  it('logs an unhandled rejection as fatal with the error and exits 70 (systemd restarts it)', async () => {
    const r = await runScript('rejection', `installProcessGuard(createLogger());
setInterval(() => {}, 1000); // the service keeps serving…
Promise.reject(new Error('a job record went astray')); // …until a rejection nobody handles`);
    expect(r.code).toBe(70);
    const [line, ...rest] = fatalLines(r.stdout);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: 60, msg: 'unhandled promise rejection: state unknown, exiting for systemd to restart the service' });
    expect(line!.err?.message).toBe('a job record went astray');
  });

  it('logs an uncaught exception the same way', async () => {
    const r = await runScript('exception', `installProcessGuard(createLogger());
setTimeout(() => { throw new TypeError('cannot read the queue'); }, 10);
setInterval(() => {}, 1000);`);
    expect(r.code).toBe(70);
    expect(fatalLines(r.stdout)).toMatchObject([{ level: 60, msg: /^uncaught exception: state unknown/, err: { message: 'cannot read the queue' } }]);
  });
});

describe('the sohoa command line', () => {
  it('prints one line, not a stack, for an error no command handled', async () => {
    const r = await runScript('cli', `installCliGuard();
setTimeout(() => Promise.reject(new Error('sharp: Input file is missing: /tmp/x/page-1-upright.png')), 10);
setInterval(() => {}, 1000);`);
    expect(r.code).toBe(70);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('sohoa: lỗi không mong muốn / unexpected error: sharp: Input file is missing: /tmp/x/page-1-upright.png\n');
  });
});
