import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tarEntry, TAR_END } from '../backup/tar.js';
import { inspect } from '../config/load.js';
import { projectPath } from '../config/paths.js';
import { runSelftest } from '../provisioning/run-selftest.js';
import { atomicWrite } from '../store/atomic-write.js';
import { counts, disk, journal, pkcs11Info, scanners, tokens, versions } from './collect.js';
import { runTool } from './run-tool.js';

// `sohoa diagnose`: one .tar.gz for the province's help desk. The configuration is the masked one
// of `sohoa config show`; every secret this process knows (the device credential, PINs in the
// environment) is also scrubbed from every file before it is archived, so a log line or a tool's
// output that repeated one cannot carry it out.

export interface DiagnoseOptions {
  /** A file, or an existing folder to write a dated file into. */
  out: string;
  selftest: boolean;
  env?: NodeJS.ProcessEnv;
}

const MASK = '********';
const SECRET_ENV = ['SOHOA_CENTRAL_TOKEN', 'SOHOA_TOKEN_PIN', 'SOHOA_USER_PIN'];

function archivePath(out: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const name = `sohoa-diagnose-${hostname().replace(/[^\w.-]/g, '_')}-${stamp}.tar.gz`;
  return existsSync(out) && statSync(out).isDirectory() ? join(out, name) : resolve(out);
}

export async function diagnose(opts: DiagnoseOptions): Promise<{ path: string; files: string[]; bytes: number }> {
  const env = opts.env ?? process.env;
  const at = new Date();
  const r = inspect(env, { check: 'service' });
  const get = (k: string) => r.values.get(k)?.value;
  const str = (k: string) => (typeof get(k) === 'string' ? (get(k) as string) : '');
  const module = str('token.module');
  const moduleEnv = (get('token.env') ?? {}) as Record<string, string>;
  const dataDir = str('dataDir');

  const secrets = [str('central.deviceToken'), ...SECRET_ENV.map((n) => env[n] ?? '')].filter((s) => s.length >= 4);
  const scrub = (text: string) => secrets.reduce((t, s) => t.split(s).join(MASK), text);

  const sohoa = (args: string[]) => runTool(process.execPath, [projectPath('bin', 'sohoa.js'), ...args], { env, timeoutMs: 60_000 });
  const [ver, show, check, log, scan, tok, p11, data, space] = await Promise.all([
    versions(module),
    sohoa(['config', 'show', '--json']),
    sohoa(['config', 'check', ...(r.file ? [r.file] : [])]),
    journal(),
    scanners(str('scanner.saneConfigDir')),
    tokens(module, moduleEnv),
    pkcs11Info(module, moduleEnv),
    counts(dataDir),
    disk([dataDir, str('backup.dir'), '/'].filter((p, i, a) => p && a.indexOf(p) === i)),
  ]);
  const self = opts.selftest
    ? await runSelftest(r.file, { interactive: false, timeoutMs: 300_000, env })
    : { ok: false, steps: [{ name: 'selftest', ok: false, ms: 0, detail: 'not run (--no-selftest)' }] };

  const summary = {
    createdAt: at.toISOString(), configFile: r.file || '(none: demo profile)', profile: r.profile,
    configOk: r.problems.length === 0, configProblems: r.problems.map((p) => p.message),
    versions: ver, counts: data, disk: space, selftest: { ok: self.ok, failed: self.steps.filter((s) => !s.ok).map((s) => s.name) },
  };
  const files: Record<string, string> = {
    'README.txt': `Sohoa — gói chẩn đoán cho bộ phận hỗ trợ của tỉnh / support bundle\n` +
      `Tạo lúc ${at.toISOString()} trên máy ${hostname()}. Không chứa mã PIN, mã xác thực hay khoá bí mật (đã che bằng ${MASK}).\n` +
      `summary.json: tóm tắt · versions.json · config-show.json (cấu hình, bí mật đã che) · config-check.txt · journal.txt (nhật ký 1 ngày)\n` +
      `scanners.txt (scanimage -L) · tokens.json, pkcs11.txt (khoá ký số, không đăng nhập) · counts.json (sổ, hàng đợi) · disk.json · selftest.json\n`,
    'summary.json': JSON.stringify(summary, null, 2),
    'versions.json': JSON.stringify(ver, null, 2),
    'config-show.json': show.text,
    'config-check.txt': check.text,
    'journal.txt': log,
    'scanners.txt': scan,
    'tokens.json': JSON.stringify(tok, null, 2),
    'pkcs11.txt': p11,
    'counts.json': JSON.stringify(data, null, 2),
    'disk.json': JSON.stringify(space, null, 2),
    'selftest.json': JSON.stringify(self, null, 2),
  };
  const dir = `sohoa-diagnose-${at.toISOString().slice(0, 10)}`;
  const mtime = Math.floor(at.getTime() / 1000);
  const chunks = Object.entries(files).flatMap(([name, text]) => tarEntry({ path: `${dir}/${name}`, data: Buffer.from(scrub(text) + '\n', 'utf8'), mtime }));
  const gz = gzipSync(Buffer.concat([...chunks, TAR_END]));
  const path = archivePath(opts.out, at);
  await atomicWrite(path, gz, { mode: 0o640 });
  return { path, files: Object.keys(files), bytes: gz.length };
}
