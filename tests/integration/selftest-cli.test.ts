import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../appliance/config/paths.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';

// `sohoa selftest` as the technician runs it: the built CLI, on the embedded defaults moved to a
// temp folder (demo scanner through SANE airscan, tesseract, the SoftHSM dev token, the receiver).

const run = promisify(execFile);
let dir: string;
let token: DevToken;
let configPath: string;

interface Report { ok: boolean; steps: { name: string; ok: boolean; ms: number; detail: string }[] }

async function selftest(env: Record<string, string> = {}): Promise<{ code: number; report: Report; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [projectPath('bin', 'sohoa.js'), 'selftest'], { env: { ...process.env, SOHOA_CONFIG: configPath, ...env }, timeout: 120_000 });
    return { code: 0, report: JSON.parse(stdout) as Report, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, report: JSON.parse(e.stdout) as Report, stderr: e.stderr };
  }
}

beforeAll(async () => {
  token = await provisionDevToken();
  dir = await mkdtemp(join(tmpdir(), 'sohoa-selftest-test-'));
  configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify({
    dataDir: dir,
    agency: { sealPath: token.sealPath },
    token: { module: token.module, label: token.label, env: token.env, chainPath: join(token.dir, 'chain.pem'), trustPath: join(token.dir, 'ca.pem') },
  }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sohoa selftest', () => {
  it('passes every step on the embedded defaults and prints one JSON object', async () => {
    const { code, report } = await selftest();
    expect(report.steps.map((s) => s.name)).toEqual(['scan', 'ocr', 'extract', 'sign', 'deliver']);
    expect(report.steps.filter((s) => !s.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
    for (const s of report.steps) expect(s.ms).toBeGreaterThanOrEqual(0);
    expect(report.steps.find((s) => s.name === 'extract')!.detail).toMatch(/matches the demo page/);
    expect(report.steps.find((s) => s.name === 'deliver')!.detail).toMatch(/StatusCode 01/);
  });

  it('fails with the reason in plain words, and a non-zero exit, when the PIN is wrong', async () => {
    const { code, report, stderr } = await selftest({ SOHOA_TOKEN_PIN: '999999' });
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    const sign = report.steps.find((s) => s.name === 'sign')!;
    expect(sign.ok).toBe(false);
    expect(sign.detail).toMatch(/Mã PIN không đúng/);
    expect(report.steps.find((s) => s.name === 'deliver')!.detail).toMatch(/bỏ qua/);
    expect(stderr).toMatch(/sign: Mã PIN không đúng/);
    expect(stderr + JSON.stringify(report)).not.toContain('999999');
  });
});
