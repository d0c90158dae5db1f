import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';

/** The project root, found from this file whether it runs from source (vitest) or from dist/. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(resolve(dir, 'package.json')) && existsSync(resolve(dir, 'appliance'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('sohoa: cannot find the project root from ' + fileURLToPath(import.meta.url));
}

export const PROJECT_ROOT = findRoot();
export const projectPath = (...parts: string[]): string => resolve(PROJECT_ROOT, ...parts);

/**
 * The project's read-only companion folder (regulations, evaluation corpus): `SOHOA_SHARED`, else
 * `shared/` beside the checkout. Only benchmarks and corpus tests use it; the appliance never does.
 */
export const SHARED_DIR = process.env.SOHOA_SHARED ?? resolve(PROJECT_ROOT, '..', 'shared');
export const DEV_CORPUS = resolve(SHARED_DIR, 'corpus', 'dev');
