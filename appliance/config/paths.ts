import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { readFileSync } from 'node:fs';

/** Whether DIR holds Sohoa's own package.json (a checkout, or /opt/sohoa of the Debian package). */
function isSohoaRoot(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === 'sohoa';
  } catch {
    return false;
  }
}

/**
 * The project root, found from this file whether it runs from source (vitest), from dist/, or from
 * the installed package (/opt/sohoa holds dist/ and package.json but no appliance/ sources).
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (isSohoaRoot(dir)) return dir;
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
