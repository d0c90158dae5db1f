import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../appliance/config/paths.js';
import { provisionDevToken, type DevToken } from '../helpers/dev-token.js';

// `sohoa config check|show` as the technician runs them (the built CLI), one test per kind of
// mistake; the service refusing to start on the same file; `sohoa sign` naming what is missing.

const exec = promisify(execFile);
let dir: string;
let dev: DevToken;

interface Result { code: number; stdout: string; stderr: string }

async function sohoa(args: string[], env: Record<string, string | undefined> = {}, bin = projectPath('bin', 'sohoa.js')): Promise<Result> {
  const { SOHOA_CONFIG: _c, SOHOA_TOKEN_PIN: _p, CREDENTIALS_DIRECTORY: _d, ...base } = process.env;
  try {
    const r = await exec('node', [bin, ...args], { env: { ...base, ...env }, timeout: 60_000 });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A minimal valid device configuration on the development token's real files. */
function device(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    dataDir: join(dir, 'data'),
    agency: { id: '000.00.00.H41', name: 'VĂN PHÒNG UBND TỈNH LÀO CAI', sealPath: dev.sealPath },
    central: { url: 'http://127.0.0.1:9', toId: '000.00.00.H00', toName: 'HỆ THỐNG QLVB TỈNH' },
    scanner: { device: 'test:0' },
    token: { module: dev.module, label: dev.label, env: dev.env, trustPath: join(dev.dir, 'ca.pem'), chainPath: join(dev.dir, 'chain.pem') },
    ...over,
  };
}

let n = 0;
async function write(cfg: unknown, mode = 0o640): Promise<string> {
  const file = join(dir, `config-${++n}.json`);
  await writeFile(file, JSON.stringify(cfg, null, 2));
  await chmod(file, mode);
  return file;
}

const check = async (cfg: unknown) => sohoa(['config', 'check', await write(cfg)]);

beforeAll(async () => {
  expect(existsSync(projectPath('dist', 'appliance', 'cli', 'config.js'))).toBe(true); // npm run build
  dev = await provisionDevToken();
  dir = await mkdtemp(join(tmpdir(), 'sohoa-config-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('sohoa config check FILE', () => {
  it('accepts a complete device configuration', async () => {
    const r = await check(device());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hồ sơ THIẾT BỊ \(device\)\nCấu hình hợp lệ\.\n$/);
  });

  it('an unknown key: exit 1, the key and the one probably meant', async () => {
    const { token, ...rest } = device();
    const r = await check({ ...rest, tokn: token });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('  - Khoá "tokn" không có trong cấu hình (có thể bạn muốn viết "token")\n');
    expect(r.stdout).toBe('');
  });

  it('a wrong type', async () => {
    const r = await check(device({ scanner: { device: 'test:0', dpi: '300' } }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Giá trị của "scanner.dpi" là "300" (chuỗi) nhưng cần một số nguyên từ 75 đến 1200.');
  });

  it('a value out of range', async () => {
    const r = await check(device({ accounts: { sessionIdleMinutes: 0 } }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Giá trị của "accounts.sessionIdleMinutes" là 0 (số nguyên), ngoài khoảng cho phép: cần một khoảng thời gian từ 1 đến 480 phút');
  });

  it('a file that does not exist', async () => {
    const r = await check(device({ token: { ...(device().token as object), trustPath: '/etc/sohoa/khong-co.pem' } }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Tệp "token.trustPath" = "/etc/sohoa/khong-co.pem" không tồn tại (cần: đường dẫn tới tệp PEM).');
  });

  it('a numeric week day, and why', async () => {
    const r = await check(device({ register: { officeHours: { days: [2, 3, 4, 5, 6] } } }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Giá trị của "register.officeHours.days[0]" là 2 (số nguyên): hãy viết tên ngày ("Thứ Hai"');
    expect(r.stderr).toMatch(/có nơi đếm 0–6, có nơi 1–7/);
  });

  it('a device configuration missing a part names the part', async () => {
    const { scanner: _s, ...rest } = device();
    const r = await check(rest);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Thiếu phần "máy quét": cấu hình của thiết bị phải ghi "scanner.device"/);
  });

  it('a demo part is never taken without being asked for: the issue case fails, the explicit ask is listed', async () => {
    // Agency and central URL named, central.embedded and the simulator not mentioned.
    const r = await check({ dataDir: join(dir, 'data'), agency: device().agency, central: device().central });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Thiếu phần "máy quét"/);
    expect(r.stderr).toMatch(/Thiếu phần "khoá ký số"/);

    const asked = await check(device({ central: { embedded: true } }));
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stdout).toContain('Phần THỬ NGHIỆM đang dùng: hệ thống nhận văn bản trong máy (central.embedded)');
  });

  it('without a file: the demo profile, said so', async () => {
    const r = await sohoa(['config', 'check'], { SOHOA_DATA_DIR: join(dir, 'demo-data') });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hồ sơ THỬ NGHIỆM \(demo\)/);
  });

  it('warns when a config.json holding the device token is world-readable', async () => {
    const cfg = device({ central: { ...(device().central as object), deviceToken: 'secret-in-config-7731' } });
    const open = await sohoa(['config', 'check', await write(cfg, 0o644)]);
    expect(open.code).toBe(0);
    expect(open.stderr).toMatch(/cảnh báo: Tệp cấu hình ".*" chứa "central.deviceToken" mà ai trên máy cũng đọc được/);
    expect(open.stderr + open.stdout).not.toContain('secret-in-config-7731');
    const closed = await sohoa(['config', 'check', await write(cfg, 0o640)]);
    expect(closed.stderr).toBe('');
  });

  it('--schema-only checks keys, types and ranges of a template: the example the package ships passes, a mistyped one does not', async () => {
    const example = projectPath('packaging', 'etc', 'config.example.json');
    const full = await sohoa(['config', 'check', example]);
    expect(full.code).toBe(1); // its seal, token and files are not on this machine
    const shipped = await sohoa(['config', 'check', '--schema-only', example]);
    expect(shipped.code).toBe(0);
    expect(shipped.stdout).toMatch(/chưa kiểm tra tệp, thiết bị/);
    const typo = await sohoa(['config', 'check', '--schema-only', await write({ ...device(), tokn: {}, register: { officeHours: { days: [1, 2] } } })]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/"tokn"/);
    expect(typo.stderr).toMatch(/register\.officeHours\.days\[0\]/);
  });
});

describe('sohoa config show', () => {
  it('prints every setting with its source, the secret masked', async () => {
    const secret = join(dir, 'central.secret');
    await writeFile(secret, 'tok-from-secret-file-5512\n', { mode: 0o600 });
    const file = await write(device({ central: { ...(device().central as object), deviceTokenFile: secret } }));
    const r = await sohoa(['config', 'show', '--json'], { SOHOA_CONFIG: file, SOHOA_OCR_WORKERS: '1' });
    expect(r.code, r.stderr).toBe(0);
    const shown = JSON.parse(r.stdout) as { profile: string; demoParts: string[]; settings: Record<string, { value: unknown; source: Record<string, string> }> };
    expect(shown.profile).toBe('device');
    expect(shown.demoParts).toEqual([]);
    expect(shown.settings['central.deviceToken']).toEqual({ value: '********', source: { kind: 'file', file: secret } });
    expect(shown.settings['scanner.device']).toEqual({ value: 'test:0', source: { kind: 'file', file } });
    expect(shown.settings['ocr.workers']).toEqual({ value: 1, source: { kind: 'env', env: 'SOHOA_OCR_WORKERS' } });
    expect(shown.settings['http.port']).toEqual({ value: 8080, source: { kind: 'default' } });
    expect(shown.settings['register.officeHours.days']!.value).toEqual(['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu']);

    const text = await sohoa(['config', 'show'], { SOHOA_CONFIG: file });
    expect(text.stdout).toMatch(/central\.deviceToken +?= "\*{8}" +← tệp bí mật .*central\.secret \(file\)/);
    expect(text.stdout + text.stderr + r.stderr).not.toContain('tok-from-secret-file-5512');
  });
});

describe('the service on a bad configuration', () => {
  it('does not start, and says why in the same words', async () => {
    const file = await write({ ...device(), tokn: {} });
    const r = await sohoa([], { SOHOA_CONFIG: file }, projectPath('dist', 'appliance', 'main.js'));
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('Sohoa không khởi động');
    expect(r.stderr).toContain('Khoá "tokn" không có trong cấu hình (có thể bạn muốn viết "token")');
    expect(r.stdout).not.toMatch(/Sohoa: http/);
  });

  it('another command refuses it too, each problem on its own line', async () => {
    const file = await write({ ...device(), http: { prot: 1 } });
    const r = await sohoa(['users', 'list'], { SOHOA_CONFIG: file });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sohoa users: cấu hình .* không hợp lệ .*\n {2}- Khoá "http.prot" không có trong cấu hình \(có thể bạn muốn viết "http.port"\)\n$/);
  });
});

describe('sohoa sign names what the configuration lacks', () => {
  it('no trust file, no seal: which key or option to set, no raw ENOENT', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    const input = join(dir, 'in.pdf');
    await writeFile(input, await doc.save());
    const file = await write({ dataDir: join(dir, 'data') });
    const env = { SOHOA_CONFIG: file, SOHOA_TOKEN_PIN: dev.pin, ...dev.env };
    const noTrust = await sohoa(['sign', input, '--out', join(dir, 'out.pdf'), '--module', dev.module, '--token', dev.label], env);
    expect(noTrust.code).toBe(1);
    expect(noTrust.stderr).toMatch(/Chưa có tệp chứng thư gốc tin cậy: hãy ghi "token.trustPath" trong cấu hình hoặc dùng --trust CA.pem/);
    expect(noTrust.stderr).not.toMatch(/ENOENT/);

    const noSeal = await sohoa(['sign', input, '--out', join(dir, 'out.pdf'), '--module', dev.module, '--token', dev.label, '--trust', join(dev.dir, 'ca.pem')], env);
    expect(noSeal.code).toBe(1);
    expect(noSeal.stderr).toMatch(/Chưa có ảnh con dấu: hãy ghi "agency.sealPath" trong cấu hình hoặc dùng --seal PNG/);

    const missing = await sohoa(['sign', input, '--out', join(dir, 'out.pdf'), '--module', dev.module, '--token', dev.label, '--trust', join(dir, 'ca.pem')], env);
    expect(missing.stderr).toContain(`Không tìm thấy tệp chứng thư gốc tin cậy "${join(dir, 'ca.pem')}"`);
    expect(existsSync(join(dir, 'out.pdf'))).toBe(false);
  });
});
