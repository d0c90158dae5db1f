import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { inspect, type Inspection } from '../config/load.js';
import { describeSource, type Source } from '../config/layers.js';
import { describeProfile, type DemoPart } from '../config/profiles.js';
import { SettingsSchema } from '../config/schema.js';
import { leaves, type Node } from '../config/schema-walk.js';
import { dayNames } from '../config/weekdays.js';

const help = `sohoa config — check and show the configuration

Usage:
  sohoa config check [FILE]       check FILE (default: SOHOA_CONFIG, else /etc/sohoa/config.json)
  sohoa config check --schema-only FILE
                                  keys, types and ranges only: a template or a file prepared for
                                  another device, whose seal, token and files are not here
  sohoa config show [--json]      the effective settings, secrets masked, each with its source
  sohoa config keys               every setting: type, default, environment variable, help

"check" reads the file exactly as the service does at start: an unknown key (with the key you
probably meant), a wrong type, a value out of range, a file or folder that does not exist, a
device configuration that leaves a part unnamed (agency, seal, central system, scanner, token,
trust anchors) — each is one line naming the key, the value and what is expected.
Exit status 0 when the service would start with it, 1 otherwise, 2 for a usage error.
Warnings (a secret in a file anyone can read, a backup disk not mounted) do not change it.

Without a configuration file Sohoa runs its demo profile (simulated scanner, embedded receiver,
development token and seal, demo account); with one, every part must be named, and a demo part is
used only when the file asks for it ("central": {"embedded": true}, "scanner": {"simulator":
{"enabled": true}}, "token": {"development": true}, "agency": {"developmentSeal": true}).

Examples:
  sohoa config check /etc/sohoa/config.json
  sohoa config check --schema-only /etc/sohoa/config.example.json
  sohoa config show
  sudo -u sohoa SOHOA_CONFIG=/etc/sohoa/config.json npx sohoa config show --json | jq .settings
  sohoa config keys | grep -A3 officeHours
`;

const PART_VI: Record<DemoPart, string> = {
  central: 'hệ thống nhận văn bản trong máy (central.embedded)', scanner: 'máy quét mô phỏng (scanner.simulator.enabled)',
  token: 'khoá ký số thử nghiệm (token.development)', seal: 'con dấu thử nghiệm (agency.developmentSeal)', account: 'tài khoản thử nghiệm',
};

const SCHEMA = SettingsSchema as Node;
const MASK = '********';

/** A value as `config show` prints it: day names, secrets masked. */
function display(schema: Node, value: unknown): unknown {
  if (schema['x-secret']) return value ? MASK : '';
  if (schema['x-weekdays'] && Array.isArray(value) && value.every((d) => typeof d === 'number')) return dayNames(value as number[]);
  return value;
}

function header(r: Inspection): string {
  const where = r.file ? `Tệp cấu hình: ${r.file} — hồ sơ THIẾT BỊ (device)` : 'Không có tệp cấu hình (SOHOA_CONFIG, /etc/sohoa/config.json) — hồ sơ THỬ NGHIỆM (demo)';
  const s = r.settings;
  const parts = s ? describeProfile({ ...s, configFile: r.file }).demoParts : [];
  return where + '\n' + (parts.length ? `Phần THỬ NGHIỆM đang dùng: ${parts.map((p) => PART_VI[p]).join('; ')}\n` : '');
}

const problemLines = (r: Inspection) => r.problems.map((p) => `  - ${p.message}\n`).join('');
const warningLines = (cmd: string, r: Inspection) => r.warnings.map((w) => `sohoa config ${cmd}: cảnh báo: ${w.message}\n`).join('');

function check(file: string | undefined, schemaOnly: boolean): number {
  const r = inspect(process.env, { file, check: schemaOnly ? 'settings' : 'service' });
  process.stderr.write(warningLines('check', r));
  if (r.problems.length) {
    process.stderr.write(`sohoa config check: ${r.file || 'cấu hình mặc định'} có ${r.problems.length} lỗi, Sohoa sẽ không khởi động:\n${problemLines(r)}`);
    return 1;
  }
  process.stdout.write(header(r) + (schemaOnly ? 'Các khoá, kiểu và giá trị hợp lệ (chưa kiểm tra tệp, thiết bị và các phần bắt buộc).\n' : 'Cấu hình hợp lệ.\n'));
  return 0;
}

function sourceJson(s: Source): Record<string, string> {
  return { kind: s.kind === 'secret-file' || s.kind === 'credential' ? 'file' : s.kind === 'derived' ? 'default' : s.kind, ...('file' in s ? { file: s.file } : {}), ...('name' in s ? { env: s.name } : {}) };
}

function show(json: boolean): number {
  const r = inspect(process.env, { check: 'service' });
  const rows = leaves(SCHEMA).map(({ key, schema }) => {
    const e = r.values.get(key)!;
    return { key, value: display(schema, e.value), source: e.source };
  });
  if (json) {
    const info = r.settings ? describeProfile({ ...r.settings, configFile: r.file }) : { profile: r.profile, demoParts: [] };
    process.stdout.write(JSON.stringify({
      file: r.file, ...info, ok: r.problems.length === 0, problems: r.problems, warnings: r.warnings,
      settings: Object.fromEntries(rows.map((x) => [x.key, { value: x.value, source: sourceJson(x.source) }])),
    }, null, 2) + '\n');
  } else {
    const width = Math.max(...rows.map((x) => x.key.length));
    process.stdout.write(header(r) + rows.map((x) => `${x.key.padEnd(width)} = ${JSON.stringify(x.value)}   ← ${describeSource(x.source)}\n`).join(''));
  }
  process.stderr.write(warningLines('show', r));
  if (r.problems.length) process.stderr.write(`sohoa config show: cấu hình có ${r.problems.length} lỗi, Sohoa sẽ không khởi động:\n${problemLines(r)}`);
  return r.problems.length ? 1 : 0;
}

function keys(): number {
  for (const { key, schema } of leaves(SCHEMA)) {
    const type = schema['x-unit'] ? `thời lượng (${schema['x-unit']})` : schema['x-weekdays'] ? 'tên ngày' : schema['x-path'] ? `đường dẫn (${schema['x-path']})` : ([] as string[]).concat(schema.type ?? 'object').join('|');
    const def = display(schema, schema.default);
    process.stdout.write(`${key}  [${type}]  mặc định: ${JSON.stringify(def)}${schema['x-env'] ? `  env: ${schema['x-env']}` : ''}\n` +
      `    ${schema.description ?? ''}\n    ${schema['x-en'] ?? ''}\n${schema['x-expect'] ? `    cần: ${schema['x-expect']}\n` : ''}`);
  }
  return 0;
}

const command: Command = {
  name: 'config',
  summary: 'check the configuration (config check), show it with sources (config show), list every setting (config keys)',
  help,
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, 'schema-only': { type: 'boolean' } } });
    } catch (err) {
      process.stderr.write(`sohoa config: ${(err as Error).message} (see sohoa config --help)\n`);
      return 2;
    }
    const [sub, ...rest] = parsed.positionals;
    if (sub === 'check' && rest.length <= 1 && !parsed.values.json) return check(rest[0], !!parsed.values['schema-only']);
    if (sub === 'show' && rest.length === 0) return show(!!parsed.values.json);
    if (sub === 'keys' && rest.length === 0) return keys();
    process.stderr.write('sohoa config: usage: sohoa config check [FILE] | show [--json] | keys (see sohoa config --help)\n');
    return 2;
  },
};

export default command;
