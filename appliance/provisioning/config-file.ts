import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserStore } from '../accounts/user-store.js';
import { inspect } from '../config/load.js';
import { missingParts } from '../config/profiles.js';
import type { Problem } from '../config/validate.js';
import { atomicWrite } from '../store/atomic-write.js';
import { getPath, type ConfigJson, type StepOutcome } from './types.js';

// The configuration file the set-up writes: the file as it is (only what the technician changed
// is replaced; every other key stays), checked by the settings schema before anything is written,
// then written atomically together with the files the steps need (secret, SANE config) and the
// new accounts. Nothing at all is written when a check fails.

export class ConfigFileError extends Error {}

/** The configuration file's content as written ({} when there is none yet). */
export function readCurrent(file: string): ConfigJson {
  if (!existsSync(file)) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigFileError(`Tệp cấu hình "${file}" hiện có không phải JSON hợp lệ (${(err as Error).message}): hãy sửa hoặc đổi tên nó rồi chạy lại.`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new ConfigFileError(`Tệp cấu hình "${file}" phải là một đối tượng JSON { … }.`);
  return json as ConfigJson;
}

/** The current file with the steps' settings in place; `undefined` removes a key. */
export function compose(current: ConfigJson, outcomes: StepOutcome[]): ConfigJson {
  const next = structuredClone(current);
  for (const o of outcomes) {
    for (const [key, value] of Object.entries(o.settings)) {
      const parts = key.split('.');
      let node = next;
      for (const p of parts.slice(0, -1)) {
        const child = node[p];
        node = (child && typeof child === 'object' && !Array.isArray(child) ? child : (node[p] = {})) as ConfigJson;
      }
      if (value === undefined) delete node[parts.at(-1)!];
      else node[parts.at(-1)!] = value;
    }
  }
  return next;
}

/**
 * The problems the service would find in `candidate` as a device configuration (schema, values,
 * every part named). Files are checked live by the steps; the ones the set-up is about to write
 * (secret, SANE config) do not exist yet, so their existence is checked after writing.
 */
export async function candidateProblems(candidate: ConfigJson, opts: { allParts: boolean }): Promise<Problem[]> {
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-provision-check-'));
  try {
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify(candidate));
    const r = inspect({}, { file, check: 'settings' });
    if (r.problems.length || !opts.allParts) return r.problems;
    return missingParts((k) => r.values.get(k)?.value);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The data folder the candidate names (the schema default when it names none). */
export function dataDirOf(candidate: ConfigJson): string {
  const named = getPath(candidate, 'dataDir');
  if (typeof named === 'string' && named) return named;
  return inspect({}, { file: '', check: 'settings' }).settings!.dataDir;
}

export interface Written { files: string[]; accounts: string[]; problems: Problem[]; warnings: Problem[] }

/**
 * Checks and writes: the steps' files, the accounts, then the configuration (atomically, 0644 —
 * it holds no secret). Returns the service-level check of the written file. `allParts`: every
 * step was run, so a part still unnamed stops the write (one step at a time, it is only reported).
 */
export async function writeAll(file: string, current: ConfigJson, outcomes: StepOutcome[], opts: { allParts: boolean }): Promise<Written> {
  const candidate = compose(current, outcomes);
  const problems = await candidateProblems(candidate, opts);
  if (problems.length) return { files: [], accounts: [], problems, warnings: [] };
  const written: Written = { files: [], accounts: [], problems: [], warnings: [] };
  for (const f of outcomes.flatMap((o) => o.files)) {
    await atomicWrite(f.path, f.content, { mode: f.mode });
    written.files.push(f.path);
  }
  const accounts = outcomes.flatMap((o) => o.accounts);
  if (accounts.length) {
    const store = new UserStore(dataDirOf(candidate));
    for (const a of accounts) written.accounts.push((await store.add(a.name, a.role, a.pin)).name);
  }
  await atomicWrite(file, JSON.stringify(candidate, null, 2) + '\n', { mode: 0o644 });
  written.files.push(file);
  const r = inspect({ ...process.env, SOHOA_CONFIG: file }, { file, check: 'service' });
  written.problems = r.problems;
  written.warnings = r.warnings;
  return written;
}
