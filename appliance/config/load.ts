import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { crossChecks, decodeValues, type Labeller } from './decode.js';
import { defaultsLayer, flatten, merge, unflatten, type Layer, type Sourced } from './layers.js';
import { checkPaths } from './path-checks.js';
import { DEMO_SWITCHES, demoLayer, missingParts, type DemoPart, type Profile } from './profiles.js';
import { SettingsSchema, type Settings } from './schema.js';
import { leaves, type Node } from './schema-walk.js';
import { secretLayer } from './secrets.js';
import { schemaProblems, type Problem } from './validate.js';

// Reading the configuration: which file, its JSON, the schema check, the environment, the
// profile and its demo parts, the secret, decoding, and the checks a service start needs.
// Everything found wrong is collected, so one `sohoa config check` lists every mistake at once.

const SCHEMA = SettingsSchema as Node;
export const DEFAULT_CONFIG_FILE = '/etc/sohoa/config.json';

/**
 * - `service` (the appliance, `config check`, `selftest`): everything, and a device's file must
 *   name every part and every file it names must exist.
 * - `settings` (maintenance commands: users, backup, sign with its flags…): the schema only —
 *   an unknown key, a wrong type or range still stops them, a part not yet named does not.
 */
export type CheckLevel = 'service' | 'settings';

export interface Inspection {
  /** The configuration file, absolute; '' on the demo profile. */
  file: string;
  profile: Profile;
  problems: Problem[];
  warnings: Problem[];
  /** Every setting, decoded, with where it came from. */
  values: Map<string, Sourced>;
  /** The settings when there is no problem. */
  settings?: Settings;
}

/** The configuration file to read: SOHOA_CONFIG, else /etc/sohoa/config.json when it exists. */
export function configFileFrom(env: NodeJS.ProcessEnv): string {
  const f = env.SOHOA_CONFIG ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : '');
  return f ? resolve(f) : '';
}

function readFileLayer(file: string, problems: Problem[]): Layer | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push({ key: '', message: code === 'ENOENT' ? `Không tìm thấy tệp cấu hình "${file}" (SOHOA_CONFIG).` : `Không đọc được tệp cấu hình "${file}" (${code ?? (err as Error).message}).` });
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const pos = /position (\d+)/.exec((err as Error).message)?.[1];
    const at = pos === undefined ? '' : (() => {
      const before = text.slice(0, Number(pos)).split('\n');
      return ` ở dòng ${before.length}, cột ${before.at(-1)!.length + 1}`;
    })();
    problems.push({ key: '', message: `Tệp cấu hình "${file}" không phải JSON hợp lệ${at}: ${(err as Error).message}. (Hay gặp: thiếu dấu phẩy, dấu phẩy thừa ở cuối, chuỗi không có dấu ngoặc kép.)` });
    return undefined;
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    problems.push({ key: '', message: `Tệp cấu hình "${file}" phải là một đối tượng JSON { … }.` });
    return undefined;
  }
  problems.push(...schemaProblems(json));
  const values = flatten(json, SCHEMA);
  absolutePaths(values, dirname(file));
  return { source: { kind: 'file', file }, values };
}

/** The environment's overrides, typed by the schema (numbers, true/false) so ajv can check them. */
function envLayer(env: NodeJS.ProcessEnv, problems: Problem[]): Layer {
  const values = new Map<string, unknown>();
  const names = new Map<string, string>();
  for (const { key, schema } of leaves(SCHEMA)) {
    const name = schema['x-env'];
    const raw = name ? env[name] : undefined;
    if (!name || raw === undefined || raw === '') continue;
    const types = ([] as string[]).concat(schema.type ?? []);
    let v: unknown = raw;
    if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(raw.trim())) v = Number(raw);
    else if (types.includes('boolean') && /^(1|true|0|false)$/i.test(raw.trim())) v = /^(1|true)$/i.test(raw.trim());
    values.set(key, v);
    names.set(key, name);
  }
  problems.push(...schemaProblems(unflatten(values), (k) => `"${k}" (biến môi trường ${names.get(k) ?? '?'})`));
  absolutePaths(values, process.cwd());
  return { source: { kind: 'env', name: '' }, values };
}

function absolutePaths(values: Map<string, unknown>, base: string): void {
  for (const { key, schema } of leaves(SCHEMA)) {
    const v = values.get(key);
    if (schema['x-path'] && typeof v === 'string' && v && !isAbsolute(v)) values.set(key, resolve(base, v));
  }
}

/** Splits the environment layer into one layer per variable, so each value names its variable. */
function perVariable(layer: Layer): Layer[] {
  return [...layer.values].map(([key, value]) => ({
    source: { kind: 'env', name: leaves(SCHEMA).find((l) => l.key === key)!.schema['x-env']! },
    values: new Map([[key, value]]),
  }));
}

/**
 * Reads and checks the configuration: `file` undefined = the one `env` names (SOHOA_CONFIG, else
 * /etc/sohoa/config.json when it exists), '' = none (the demo profile).
 */
export function inspect(env: NodeJS.ProcessEnv, opts: { file?: string; check?: CheckLevel } = {}): Inspection {
  const check = opts.check ?? 'service';
  const file = opts.file === undefined ? configFileFrom(env) : opts.file && resolve(opts.file);
  const profile: Profile = file ? 'device' : 'demo';
  const problems: Problem[] = [];
  const warnings: Problem[] = [];

  const fileLayer = file ? readFileLayer(file, problems) : undefined;
  const fromEnv = envLayer(env, problems);
  const named = (key: string) => fromEnv.values.get(key) ?? fileLayer?.values.get(key);

  const dd = named('dataDir');
  const dataDir = resolve(typeof dd === 'string' && dd ? dd : (SCHEMA.properties!.dataDir as Node).default as string);
  const asked = new Set<DemoPart>(Object.entries(DEMO_SWITCHES).filter(([, key]) => named(key) === true).map(([part]) => part as DemoPart));
  const secret = secretLayer(fileLayer, fromEnv, env);
  problems.push(...secret.problems);
  warnings.push(...secret.warnings);

  const values = merge([
    defaultsLayer(SCHEMA),
    demoLayer(dataDir, asked, profile),
    ...(fileLayer ? [fileLayer] : []),
    ...(secret.layer ? [secret.layer] : []),
    ...perVariable(fromEnv),
  ]);
  values.set('dataDir', { value: dataDir, source: values.get('dataDir')!.source });
  if (!values.get('backup.dir')!.value) values.set('backup.dir', { value: resolve(dataDir, 'backup'), source: { kind: 'derived', from: 'dataDir' } });

  const label: Labeller = (key) => {
    const s = values.get(key.replace(/\[\d+\]$/, ''))?.source;
    return s?.kind === 'env' ? `"${key}" (biến môi trường ${s.name})` : s?.kind === 'demo' ? `"${key}" (phần thử nghiệm)` : `"${key}"`;
  };
  // Values the schema refused are not decoded (their message is already there).
  const refused = new Set(problems.map((p) => p.key.replace(/\[\d+\]$/, '')));
  problems.push(...decodeValues(SCHEMA, values, label, refused));
  if (problems.length === 0) problems.push(...crossChecks((k) => values.get(k)?.value, label));
  if (check === 'service' && problems.length === 0) {
    if (profile === 'device') problems.push(...missingParts((k) => values.get(k)?.value));
    const paths = checkPaths(SCHEMA, values, label, { demoProfile: profile === 'demo', dataDir });
    problems.push(...paths.problems);
    warnings.push(...paths.warnings);
  }
  const settings = problems.length ? undefined : (unflatten(new Map([...values].map(([k, v]) => [k, v.value]))) as Settings);
  return { file, profile, problems, warnings, values, settings };
}
