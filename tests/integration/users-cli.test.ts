// `sohoa users` as the technician runs it: the built CLI as a child process, on a temp data folder.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountService } from '../../appliance/accounts/account-service.js';
import { verifyPin } from '../../appliance/accounts/pin-hash.js';
import { UserStore } from '../../appliance/accounts/user-store.js';
import { projectPath } from '../../appliance/config/paths.js';

const run = promisify(execFile);
let dir: string;

async function sohoa(args: string[], env: Record<string, string> = {}) {
  const { SOHOA_USER_PIN: _p, SOHOA_CONFIG: _c, ...base } = process.env;
  try {
    // stdin is not a terminal here: the PIN comes from SOHOA_USER_PIN or not at all.
    const { stdout, stderr } = await run('node', [projectPath('bin', 'sohoa.js'), 'users', ...args], {
      env: { ...base, SOHOA_DATA_DIR: dir, ...env }, timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const login = (name: string, pin: string) => new AccountService({
  store: new UserStore(dir), idleMs: 60_000, audit: { recordAudit: async () => undefined },
}).login(name, pin);

beforeAll(async () => {
  if (!(await readFile(projectPath('dist', 'appliance', 'cli', 'users.js')).catch(() => null))) {
    throw new Error('the CLI is not built: run "npm run build" first (npm test does it in pretest)');
  }
  dir = await mkdtemp(join(tmpdir(), 'sohoa-users-cli-'));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('sohoa users', () => {
  it('lists nobody on a fresh data folder, then adds people with their PIN hashed', async () => {
    const empty = await sohoa(['list']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/^Chưa có tài khoản nào/);

    const add = await sohoa(['add', 'Nguyễn Thị Lan'], { SOHOA_USER_PIN: '482913' });
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toBe('Đã tạo tài khoản "Nguyễn Thị Lan" (văn thư) / account created (clerk)\n');
    // Without quotes the words are still one name.
    const tech = await sohoa(['add', 'Trần', 'Văn', 'Bình', '--technician'], { SOHOA_USER_PIN: '1357' });
    expect(tech.code, tech.stderr).toBe(0);

    const file = await readFile(join(dir, 'users.json'), 'utf8');
    expect(file).not.toContain('482913');
    expect(file).not.toContain('"1357"');
    const list = await sohoa(['list']);
    expect(list.stdout).toBe('Nguyễn Thị Lan\tvăn thư (clerk)\nTrần Văn Bình\tkỹ thuật viên (technician)\n');
    const json = await sohoa(['list', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ users: [{ name: 'Nguyễn Thị Lan', role: 'clerk' }, { name: 'Trần Văn Bình', role: 'technician' }] });
    await expect(login('Trần Văn Bình', '1357')).resolves.toMatchObject({ role: 'technician' });
  });

  it('refuses a second account of the same person, a bad PIN, a missing PIN, in plain words', async () => {
    const dup = await sohoa(['add', 'nguyễn thị lan'], { SOHOA_USER_PIN: '111111' });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^sohoa users: Đã có tài khoản "nguyễn thị lan"\. \(account\.exists/);
    const short = await sohoa(['add', 'Lê Văn Tám'], { SOHOA_USER_PIN: '12' });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/Mã PIN phải gồm 4 đến 8 chữ số/);
    const none = await sohoa(['add', 'Lê Văn Tám']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no PIN: set SOHOA_USER_PIN or run on a terminal/);
    expect((await sohoa(['list'])).stdout).not.toContain('Lê Văn Tám');
  });

  it('resets a PIN: the old one stops working, the new one works', async () => {
    const r = await sohoa(['reset-pin', 'Nguyễn Thị Lan'], { SOHOA_USER_PIN: '777888' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Đã đặt lại mã PIN của "Nguyễn Thị Lan"/);
    const u = await new UserStore(dir).find('Nguyễn Thị Lan');
    expect(await verifyPin('777888', u!.pinHash)).toBe(true);
    expect(await verifyPin('482913', u!.pinHash)).toBe(false);
    const unknown = await sohoa(['reset-pin', 'Không Có Ai'], { SOHOA_USER_PIN: '777888' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Không có tài khoản "Không Có Ai"/);
  });

  it('removes a person; removing again says there is no such account', async () => {
    const r = await sohoa(['remove', 'Trần Văn Bình']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Đã xoá tài khoản "Trần Văn Bình"/);
    expect((await sohoa(['list'])).stdout).toBe('Nguyễn Thị Lan\tvăn thư (clerk)\n');
    const again = await sohoa(['remove', 'Trần Văn Bình']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/Không có tài khoản/);
  });

  it('answers usage errors with status 2 and has help with examples', async () => {
    for (const args of [[], ['frobnicate'], ['add'], ['remove', 'X Y', '--technician'], ['list', '--bogus']]) {
      const r = await sohoa(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^sohoa users: .*\(see sohoa users --help\)\n$/);
    }
    const help = await sohoa(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n {2}sohoa users add "Nguyễn Thị Lan"\n/);
  });
});
