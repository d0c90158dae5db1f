import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, defaultsFor, describeProfile, loadConfig, type Config } from '../../appliance/config/config.js';
import { inspect } from '../../appliance/config/load.js';
import { editDistance, suggestKey } from '../../appliance/config/suggest.js';
import { dayNumber } from '../../appliance/config/weekdays.js';

// loadConfig on real files: every kind of mistake a technician makes in config.json stops the
// load with a Vietnamese sentence naming the key, the value and what is expected.

const dir = mkdtempSync(join(tmpdir(), 'sohoa-config-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Real files for the paths a device must name (their content does not matter to the loader).
const files = join(dir, 'files');
mkdirSync(files);
for (const f of ['seal.png', 'trust.pem', 'chain.pem', 'module.so']) writeFileSync(join(files, f), 'x');

/** A minimal valid device configuration; `over` replaces whole groups. */
function device(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    dataDir: join(dir, 'data'),
    agency: { id: '000.00.00.H41', name: 'VĂN PHÒNG UBND TỈNH LÀO CAI', sealPath: join(files, 'seal.png') },
    central: { url: 'https://qlvb.example.vn', toId: '000.00.00.H00', toName: 'HỆ THỐNG QLVB TỈNH' },
    scanner: { device: 'test:0' },
    token: { module: join(files, 'module.so'), label: 'VGCA', trustPath: join(files, 'trust.pem') },
    ...over,
  };
}

let n = 0;
function write(cfg: unknown): string {
  const file = join(dir, `config-${++n}.json`);
  writeFileSync(file, typeof cfg === 'string' ? cfg : JSON.stringify(cfg, null, 2));
  return file;
}

function problemsOf(cfg: unknown, env: Record<string, string> = {}): string[] {
  try {
    loadConfig({ SOHOA_CONFIG: write(cfg), ...env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => p.message);
  }
  throw new Error('the configuration was accepted');
}

const load = (cfg: unknown, env: Record<string, string> = {}): Config => loadConfig({ SOHOA_CONFIG: write(cfg), ...env });

describe('loadConfig: a valid device configuration', () => {
  it('loads, names no demo part and converts day names, durations and relative paths', () => {
    const cfg = load({
      ...device(),
      register: { officeHours: { start: '07:00', end: '16:30', days: ['Thứ Hai', 'thứ ba', 'Thứ 4', 'Thursday', 'Fri', 'Thứ Bảy'] } },
      accounts: { sessionIdleMinutes: '1 giờ' },
      outbox: { minDelayMs: '2 s', maxDelayMs: '10 phút' },
      extract: { agenciesPath: 'files/seal.png' },
    });
    expect(cfg.register.officeHours).toEqual({ start: '07:00', end: '16:30', days: [1, 2, 3, 4, 5, 6] });
    expect(cfg.accounts.sessionIdleMinutes).toBe(60);
    expect(cfg.outbox).toMatchObject({ minDelayMs: 2000, maxDelayMs: 600_000 });
    expect(cfg.extract.agenciesPath).toBe(join(files, 'seal.png')); // relative to the file's folder
    expect(cfg.central.embedded).toBe(false);
    expect(cfg.scanner.simulator.enabled).toBe(false);
    expect(cfg.token.development).toBe(false);
    expect(cfg.backup.dir).toBe(join(dir, 'data', 'backup'));
    expect(describeProfile(cfg)).toEqual({ profile: 'device', demoParts: [] });
  });

  it('the environment overrides the file, and says so in its messages', () => {
    expect(load(device(), { SOHOA_PORT: '9090' }).http.port).toBe(9090);
    expect(problemsOf(device(), { SOHOA_PORT: 'tám nghìn' })).toEqual([
      'Giá trị của "http.port" (biến môi trường SOHOA_PORT) là "tám nghìn" (chuỗi) nhưng cần một số nguyên từ 0 đến 65535.',
    ]);
  });
});

describe('loadConfig: each kind of mistake stops the load', () => {
  it('an unknown key, with the key probably meant', () => {
    const { token, ...rest } = device();
    expect(problemsOf({ ...rest, tokn: token })).toContain('Khoá "tokn" không có trong cấu hình (có thể bạn muốn viết "token")');
    expect(problemsOf(device({ http: { prot: 8080 } }))).toEqual(['Khoá "http.prot" không có trong cấu hình (có thể bạn muốn viết "http.port")']);
    // A key put in the wrong group.
    expect(problemsOf({ ...device(), label: 'VGCA' })).toEqual(['Khoá "label" không có trong cấu hình (có thể bạn muốn viết "token.label")']);
  });

  it('a wrong type', () => {
    expect(problemsOf(device({ http: { port: '8080' } }))).toEqual(['Giá trị của "http.port" là "8080" (chuỗi) nhưng cần một số nguyên từ 0 đến 65535.']);
    expect(problemsOf(device({ central: { ...device().central as object, embedded: 'no' } }))).toEqual(['Giá trị của "central.embedded" là "no" (chuỗi) nhưng cần true hoặc false.']);
  });

  it('a value out of range, in the key unit or with its own unit', () => {
    expect(problemsOf(device({ ocr: { workers: 64 } }))).toEqual(['Giá trị của "ocr.workers" là 64 (số nguyên), ngoài khoảng cho phép: cần một số nguyên từ 1 đến 16.']);
    expect(problemsOf(device({ ocr: { pageTimeoutSeconds: '2 giờ' } }))[0]).toMatch(/^Giá trị của "ocr.pageTimeoutSeconds" là "2 giờ" \(chuỗi\), ngoài khoảng cho phép: cần một khoảng thời gian từ 5 đến 3600 giây/);
    expect(problemsOf(device({ register: { officeHours: { start: '7h30' } } }))[0]).toMatch(/"register.officeHours.start" là "7h30" \(chuỗi\), không đúng dạng: cần giờ dạng "HH:mm"/);
    expect(problemsOf(device({ register: { officeHours: { start: '17:00', end: '07:30' } } }))[0]).toMatch(/không sau giờ mở cửa "17:00"/);
  });

  it('a numeric week day, with why numbers are refused', () => {
    const [msg, ...more] = problemsOf(device({ register: { officeHours: { days: [1, 2, 3, 4, 5] } } }));
    expect(msg).toMatch(/^Giá trị của "register.officeHours.days\[0\]" là 1 \(số nguyên\): hãy viết tên ngày \("Thứ Hai", .*"Chủ Nhật"\): số ngày dễ nhầm vì có nơi đếm 0–6, có nơi 1–7/);
    expect(more).toHaveLength(4);
    expect(problemsOf(device({ register: { officeHours: { days: ['Thứ Hai', 'Thứ Tám'] } } }))[0]).toMatch(/"register.officeHours.days\[1\]" là "Thứ Tám" \(chuỗi\), không phải tên một ngày/);
  });

  it('a file that does not exist', () => {
    const missing = join(files, 'con-dau.png');
    expect(problemsOf(device({ agency: { ...device().agency as object, sealPath: missing } }))).toEqual([
      `Tệp "agency.sealPath" = "${missing}" không tồn tại (cần: đường dẫn tới ảnh con dấu PNG).`,
    ]);
    expect(problemsOf(device({ dataDir: '/no/such/parent/sohoa' }))[0]).toMatch(/"dataDir" = "\/no\/such\/parent\/sohoa": thư mục cha "\/no\/such\/parent" không tồn tại/);
  });

  it('a scanner named by a device node that is not there', () => {
    expect(problemsOf(device({ scanner: { device: 'v4l:/dev/video9' } }))[0]).toMatch(/"scanner.device" = "v4l:\/dev\/video9": "\/dev\/video9" không tồn tại/);
  });

  it('a secret of the wrong type is not repeated in the message', () => {
    const msgs = problemsOf(device({ central: { ...(device().central as object), deviceToken: 987654321 } }));
    expect(msgs).toEqual(['Giá trị của "central.deviceToken" là (đã ẩn) nhưng cần chuỗi.']);
  });

  it('a file that is not JSON says where', () => {
    expect(problemsOf('{\n  "dataDir": "/tmp",\n  "http": { "port": 8080, }\n}')[0]).toMatch(/không phải JSON hợp lệ ở dòng 3/);
  });

  it('every mistake at once', () => {
    expect(problemsOf({ ...device({ http: { prot: 1 }, ocr: { workers: 0 } }), tokn: {} })).toHaveLength(3);
  });
});

describe('two profiles, never mixed', () => {
  it('a device file missing a part fails naming the part, never falls back to a demo part', () => {
    // The case: agency and central URL named, the rest forgotten.
    const msgs = problemsOf({ dataDir: join(dir, 'data'), agency: { id: '000.00.00.H41', name: 'UBND' }, central: { url: 'https://qlvb.example.vn', toId: '000.00.00.H00', toName: 'QLVB' } });
    expect(msgs).toEqual([
      expect.stringMatching(/^Thiếu phần "con dấu": .*"agency.sealPath".*"agency": \{"developmentSeal": true\}/),
      expect.stringMatching(/^Thiếu phần "máy quét": .*"scanner.device".*"scanner": \{"simulator": \{"enabled": true\}\}/),
      expect.stringMatching(/^Thiếu phần "khoá ký số": .*"token.module".*"token.label" hoặc "token.serial".*"token.trustPath"/),
    ]);
    // Loaded for a maintenance command (schema only), the parts stay unnamed: no demo value creeps in.
    const cfg = loadConfig({ SOHOA_CONFIG: write({ dataDir: join(dir, 'data') }) }, { check: 'settings' });
    expect(cfg.central).toMatchObject({ url: '', embedded: false, deviceToken: '' });
    expect(cfg.scanner).toMatchObject({ device: '', simulator: { enabled: false } });
    expect(cfg.token).toMatchObject({ module: '', label: '', trustPath: '', development: false });
    expect(cfg.agency.sealPath).toBe('');
  });

  it('a demo part is used only when the file asks for it, and is then listed', () => {
    const cfg = load(device({ central: { embedded: true }, scanner: { simulator: { enabled: true, port: 0 } } }));
    expect(cfg.central).toMatchObject({ embedded: true, url: 'http://127.0.0.1:8090' });
    expect(cfg.scanner.device).toBe('airscan:e0:Sohoa demo scanner');
    expect(describeProfile(cfg)).toEqual({ profile: 'device', demoParts: ['central', 'scanner'] });
    // The embedded receiver runs here or not at all.
    expect(problemsOf(device({ central: { embedded: true, url: 'https://qlvb.example.vn' } }))[0]).toMatch(/chỉ chạy trên chính máy này/);
    // The development token asked for but never provisioned: named, with the command that makes it.
    expect(problemsOf(device({ token: { development: true } })).join('\n')).toMatch(/khoá ký số thử nghiệm chưa được tạo: chạy "bash provisioning\/dev-token.sh/);
  });

  it('no file = the demo profile with every demo part, its paths under the data folder', () => {
    const cfg = defaultsFor(join(dir, 'demo'));
    expect(cfg.configFile).toBe('');
    expect(describeProfile(cfg)).toEqual({ profile: 'demo', demoParts: ['central', 'scanner', 'token', 'seal', 'account'] });
    expect(cfg.token.trustPath).toBe(join(dir, 'demo', 'dev-token', 'ca.pem'));
    expect(cfg.register.officeHours.days).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('secrets', () => {
  it('the device token comes from its own file, which the file may not duplicate', () => {
    const secret = join(files, 'central.secret');
    writeFileSync(secret, 'tok-123\n', { mode: 0o600 });
    const base = device();
    const cfg = load({ ...base, central: { ...(base.central as object), deviceTokenFile: secret } });
    expect(cfg.central.deviceToken).toBe('tok-123');
    expect(problemsOf({ ...base, central: { ...(base.central as object), deviceTokenFile: secret, deviceToken: 'x' } })[0]).toMatch(/cả "central.deviceToken" lẫn "central.deviceTokenFile"/);
  });

  it('a systemd credential is used when nothing else names the token', () => {
    const creds = join(dir, 'creds');
    mkdirSync(creds);
    writeFileSync(join(creds, 'central-token'), 'from-systemd');
    expect(load(device(), { CREDENTIALS_DIRECTORY: creds }).central.deviceToken).toBe('from-systemd');
  });

  it('a secret in a world-readable config.json is a warning', () => {
    const base = device();
    const file = write({ ...base, central: { ...(base.central as object), deviceToken: 'tok' } });
    chmodSync(file, 0o644);
    expect(inspect({ SOHOA_CONFIG: file }).warnings.map((w) => w.key)).toEqual(['central.deviceToken']);
    chmodSync(file, 0o640);
    expect(inspect({ SOHOA_CONFIG: file }).warnings).toEqual([]);
  });
});

describe('helpers', () => {
  it('suggests by edit distance, siblings first', () => {
    expect(editDistance('tokn', 'token')).toBe(1);
    expect(editDistance('lable', 'label')).toBe(1);
    expect(suggestKey('tokne', ['http', 'token'], [])).toBe('token');
    expect(suggestKey('zzzzzz', ['http', 'token'], ['token.label'])).toBeUndefined();
  });

  it('knows the day names, in Vietnamese and English', () => {
    expect(['Chủ Nhật', 'CN', 'Sunday', 'sun'].map(dayNumber)).toEqual([0, 0, 0, 0]);
    expect(['Thứ Hai', 'THỨ HAI', 'Thứ 2', 'Mon'].map(dayNumber)).toEqual([1, 1, 1, 1]);
    expect(dayNumber('2')).toBeUndefined();
  });
});
