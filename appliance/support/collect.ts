import { readdir, readFile, statfs } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { hostname, release, uptime } from 'node:os';
import { join } from 'node:path';
import { Pkcs11Token } from '../../drivers/token/pkcs11-token.js';
import { candidateModules } from '../../drivers/token/module-discovery.js';
import { projectPath } from '../config/paths.js';
import { runTool } from './run-tool.js';

// What the help desk needs to know about a device, each part collected on its own with a time
// limit, none asking for a PIN: versions, device probes, queue and register counts, disk space.

export async function versions(tokenModule: string): Promise<Record<string, string>> {
  const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string };
  const first = (t: string) => t.split('\n')[0] ?? '';
  const [tesseract, sane, git] = await Promise.all([
    runTool('tesseract', ['--version']),
    runTool('scanimage', ['--version']),
    runTool('git', ['-C', projectPath(), 'describe', '--always', '--dirty'], { timeoutMs: 5000 }),
  ]);
  return {
    sohoa: pkg.version + (git.ok ? ` (${git.text.trim()})` : ''),
    node: process.version,
    os: `${release()} ${process.platform}/${process.arch}`,
    host: hostname(),
    uptimeHours: (uptime() / 3600).toFixed(1),
    tesseract: first(tesseract.text),
    sane: first(sane.text),
    pkcs11Module: tokenModule || `(không cấu hình; tìm thấy: ${candidateModules().filter((p) => existsSync(p)).join(', ') || 'không có'})`,
  };
}

/** The PKCS#11 module's own description and its slots (pkcs11-tool, no login). */
export async function pkcs11Info(module: string, env: Record<string, string>): Promise<string> {
  if (!module) return 'token.module is not configured';
  const e = { ...process.env, ...env };
  const info = await runTool('pkcs11-tool', ['--module', module, '--show-info'], { env: e });
  const slots = await runTool('pkcs11-tool', ['--module', module, '--list-slots'], { env: e });
  return `$ pkcs11-tool --module ${module} --show-info\n${info.text}\n\n$ pkcs11-tool --module ${module} --list-slots\n${slots.text}\n`;
}

/** The tokens the configured module sees, through Sohoa's own driver (label, serial, PIN flags). */
export async function tokens(module: string, env: Record<string, string>): Promise<unknown> {
  if (!module) return { error: 'token.module is not configured' };
  const t = new Pkcs11Token({ module, env, callTimeoutMs: 15_000, pollMs: 60_000 });
  try {
    await t.start();
    return { module, tokens: await t.list() };
  } catch (err) {
    return { module, error: (err as Error).message };
  } finally {
    await t.close().catch(() => undefined);
  }
}

export async function scanners(saneConfigDir: string): Promise<string> {
  const env = saneConfigDir ? { ...process.env, SANE_CONFIG_DIR: saneConfigDir } : process.env;
  const r = await runTool('scanimage', ['-L'], { env, timeoutMs: 30_000 });
  return `SANE_CONFIG_DIR=${saneConfigDir || '(system /etc/sane.d)'}\n$ scanimage -L\n${r.text}\n`;
}

async function jsonFiles(dir: string): Promise<unknown[]> {
  let names: string[];
  try { names = await readdir(dir); } catch { return []; }
  const out: unknown[] = [];
  for (const n of names) {
    try { out.push(JSON.parse(await readFile(join(dir, n), 'utf8'))); } catch { /* a half-written or foreign file */ }
  }
  return out;
}

const byState = (items: unknown[]) => items.reduce<Record<string, number>>((acc, i) => {
  const s = String((i as { state?: unknown }).state ?? '?');
  acc[s] = (acc[s] ?? 0) + 1;
  return acc;
}, {});

/** Register entries and queue items by state, read only (nothing is repaired or created). */
export async function counts(dataDir: string): Promise<Record<string, unknown>> {
  const register = await jsonFiles(join(dataDir, 'register', 'documents'));
  const itemsDir = join(dataDir, 'outbox', 'items');
  let folders: string[] = [];
  try { folders = await readdir(itemsDir); } catch { /* no queue yet */ }
  const queue: unknown[] = [];
  for (const f of folders) {
    try { queue.push(JSON.parse(await readFile(join(itemsDir, f, 'state.json'), 'utf8'))); } catch { /* incomplete item */ }
  }
  let users = 0;
  try { users = (JSON.parse(await readFile(join(dataDir, 'users.json'), 'utf8')) as { users: unknown[] }).users.length; } catch { /* none */ }
  return { dataDir, register: { total: register.length, byState: byState(register) }, queue: { total: queue.length, byState: byState(queue) }, accounts: users };
}

export async function disk(paths: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const p of paths) {
    try {
      const s = await statfs(p);
      out[p] = { freeMB: Math.round((s.bavail * s.bsize) / 1048576), totalMB: Math.round((s.blocks * s.bsize) / 1048576), freePercent: Math.round((s.bavail / s.blocks) * 100) };
    } catch (err) {
      out[p] = { error: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
    }
  }
  return out;
}

/** The last day of the service's log from journald, or why there is none. */
export async function journal(): Promise<string> {
  const r = await runTool('journalctl', ['-u', 'sohoa', '--since', '-1d', '--no-pager', '-o', 'short-iso'], { timeoutMs: 30_000 });
  if (r.ok && /No journal files were found/.test(r.text)) return `Không có nhật ký journald trên máy này (dịch vụ không chạy dưới systemd ở đây):\n${r.text}`;
  if (r.ok) return r.text || '(journalctl: no entries for sohoa in the last day)';
  return `Không có nhật ký journald (${r.text.split('\n')[0]}): dịch vụ có thể không chạy dưới systemd trên máy này.\n${r.text}`;
}
