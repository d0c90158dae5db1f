import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';

// `sohoa sign` and `sohoa verify` as an operator runs them (the built bin), on the SoftHSM token.

const exec = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/sohoa.js', import.meta.url));

let dev: DevToken;
let work: string;
let input: string;

async function sohoa(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec('node', [BIN, ...args], { env: { ...process.env, SOHOA_CONFIG: join(work, 'none.json'), ...env } });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const tokenArgs = () => ['--module', dev.module, '--token', dev.label, '--chain', join(dev.dir, 'chain.pem'), '--trust', join(dev.dir, 'ca.pem'), '--seal', dev.sealPath];

beforeAll(async () => {
  expect(existsSync(fileURLToPath(new URL('../../dist/appliance/cli/sign.js', import.meta.url)))).toBe(true); // npm run build
  dev = await provisionDevToken();
  work = await mkdtemp(join(tmpdir(), 'sohoa-sign-cli-'));
  await writeFile(join(work, 'none.json'), JSON.stringify({ dataDir: work }));
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]);
  input = join(work, 'in.pdf');
  await writeFile(input, await doc.save({ useObjectStreams: false }));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('sohoa sign / verify', () => {
  it('--help explains both with examples', async () => {
    for (const cmd of ['sign', 'verify']) {
      const r = await sohoa([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Examples:');
      expect(r.stdout).toContain(`sohoa ${cmd} `);
    }
  });

  it('signs with the token (PIN from the environment) and verify accepts it; a modified copy is rejected', async () => {
    const out = join(work, 'out.pdf');
    const r = await sohoa(['sign', input, '--out', out, ...tokenArgs()], { ...dev.env, SOHOA_TOKEN_PIN: dev.pin });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ out, level: 'B-B', signatures: 1 });
    expect(r.stdout + r.stderr).not.toContain(dev.pin);

    const v = await sohoa(['verify', out, '--trust', join(dev.dir, 'ca.pem')]);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout).signatures[0]).toMatchObject({ subFilter: 'ETSI.CAdES.detached', valid: true, appearance: true });

    const bytes = await readFile(out);
    bytes[200] = bytes[200] === 0x41 ? 0x42 : 0x41;
    await writeFile(join(work, 'bad.pdf'), bytes);
    const bad = await sohoa(['verify', join(work, 'bad.pdf'), '--trust', join(dev.dir, 'ca.pem')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not valid/);
  });

  it('a wrong PIN fails with the Vietnamese reason and writes nothing', async () => {
    const out = join(work, 'never.pdf');
    const r = await sohoa(['sign', input, '--out', out, ...tokenArgs()], { ...dev.env, SOHOA_TOKEN_PIN: '000000' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PIN/);
    expect(r.stderr).not.toContain('000000');
    expect(existsSync(out)).toBe(false);
    // The dev token must stay usable for the other tests: one wrong PIN, then a right one.
    const ok = await sohoa(['sign', input, '--out', join(work, 'ok.pdf'), ...tokenArgs(), '--text', '48/2017/QĐ-UBND'], { ...dev.env, SOHOA_TOKEN_PIN: dev.pin });
    expect(ok.code).toBe(0);
  });

  it('a usage error exits 2', async () => {
    expect((await sohoa(['sign', input])).code).toBe(2);
    expect((await sohoa(['verify'])).code).toBe(2);
  });
});
