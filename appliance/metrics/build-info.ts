import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { projectPath } from '../config/paths.js';

// What is running, for `sohoa_build_info`: the package version, the Node.js version, and the git
// commit when it is known — from `dist/COMMIT` (one line, written when the package is built: an
// installed appliance has no git checkout), else from the checkout itself, else "unknown".

export interface BuildInfo {
  version: string;
  node: string;
  commit: string;
}

export async function readBuildInfo(): Promise<BuildInfo> {
  const pkg = JSON.parse(await readFile(projectPath('package.json'), 'utf8')) as { version: string };
  return { version: pkg.version, node: process.versions.node, commit: await commit() };
}

async function commit(): Promise<string> {
  const stamped = await readFile(projectPath('dist', 'COMMIT'), 'utf8').then((t) => t.trim(), () => '');
  if (/^[0-9a-f]{7,40}$/.test(stamped)) return stamped;
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd: projectPath(), timeout: 2000, killSignal: 'SIGKILL' }, (err, stdout) => {
      const out = String(stdout).trim();
      resolve(!err && /^[0-9a-f]{40}$/.test(out) ? out : 'unknown');
    });
  });
}
