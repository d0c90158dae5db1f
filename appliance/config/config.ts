import { SohoaError } from '../errors.js';
import { inspect, type CheckLevel } from './load.js';
import type { Settings } from './schema.js';
import type { Problem } from './validate.js';

// The appliance's settings. Their types, ranges, defaults and help text are the schema
// (schema.ts); loading them (load.ts) layers schema defaults < demo parts < the configuration
// file < the secret file or systemd credential < environment (SOHOA_*), and refuses anything the
// schema does not describe. No file = the demo profile (profiles.ts).

export type Config = Settings & {
  /**
   * Not a setting: the configuration file these settings came from, '' on the demo profile
   * (then, and only then, a fresh data folder gets the demo account).
   */
  configFile: string;
};

export { describeProfile, type DemoPart, type Profile, type ProfileInfo } from './profiles.js';
export type { CheckLevel } from './load.js';
export type { Problem } from './validate.js';

/** The configuration cannot be used: every problem found, each naming its key. */
export class ConfigError extends SohoaError {
  constructor(readonly file: string, readonly problems: Problem[]) {
    super(
      'config.invalid',
      `Cấu hình ${file ? `"${file}"` : 'mặc định'} không dùng được: ${problems.map((p) => p.message).join(' ')}`,
      `invalid configuration ${file || '(embedded defaults)'}: ${problems.map((p) => p.key || '(file)').join(', ')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * Loads and checks the configuration (see load.ts for `check`); throws ConfigError naming every
 * problem. The file is `SOHOA_CONFIG`, else `/etc/sohoa/config.json` when it exists; relative paths
 * in it are taken from its folder; the demo parts' paths follow the data folder.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { check?: CheckLevel; warn?: (w: Problem) => void } = {}): Config {
  const r = inspect(env, { check: opts.check });
  if (!r.settings) throw new ConfigError(r.file, r.problems);
  for (const w of r.warnings) opts.warn?.(w);
  return { ...r.settings, configFile: r.file };
}

/** The demo profile with its data folder (and every development path) in `dataDir`. */
export function defaultsFor(dataDir: string): Config {
  const r = inspect({ SOHOA_DATA_DIR: dataDir }, { file: '', check: 'settings' });
  if (!r.settings) throw new ConfigError('', r.problems);
  return { ...r.settings, configFile: '' };
}

/** The demo profile in the project's `var/`: what `npm start` runs with no configuration file. */
export function embeddedDefaults(): Config {
  const r = inspect({}, { file: '', check: 'settings' });
  if (!r.settings) throw new ConfigError('', r.problems);
  return { ...r.settings, configFile: '' };
}
