import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '../../appliance/config/paths.js';

// The installed package (/opt/sohoa) holds package.json and dist/ but no appliance/ sources: the
// compiled paths module must still find its root there, and must not take a stranger's folder.
describe('project root discovery', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sohoa-root-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const layout = (name: string, pkgName: string): string => {
    const root = join(dir, name);
    mkdirSync(join(root, 'dist', 'appliance', 'config'), { recursive: true });
    cpSync(projectPath('dist', 'appliance', 'config', 'paths.js'), join(root, 'dist', 'appliance', 'config', 'paths.js'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: pkgName, type: 'module' }));
    return root;
  };
  const rootOf = (root: string): string =>
    execFileSync(process.execPath, ['--input-type=module', '-e',
      `const m = await import(${JSON.stringify(join(root, 'dist', 'appliance', 'config', 'paths.js'))}); console.log(m.PROJECT_ROOT);`],
    { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();

  it('finds an installed tree by its package.json name, without appliance/ sources', () => {
    const root = layout('opt-sohoa', 'sohoa');
    expect(rootOf(root)).toBe(root);
  });

  it('refuses a folder whose package.json is not Sohoa', () => {
    const root = layout('other', 'not-sohoa');
    expect(() => rootOf(root)).toThrow(/cannot find the project root/);
  });
});
