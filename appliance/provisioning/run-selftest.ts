import { spawn } from 'node:child_process';
import { projectPath } from '../config/paths.js';

// The last step: `sohoa selftest` on the configuration just written, in its own process (it
// loads the token module and OCR engine, and sets the module's environment), with a time limit.

export interface SelftestReport { ok: boolean; steps: { name: string; ok: boolean; ms: number; detail: string }[] }

export interface SelftestOptions {
  /** Let the selftest ask the token PIN on this terminal. */
  interactive: boolean;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export function runSelftest(configFile: string, opts: SelftestOptions): Promise<SelftestReport> {
  const timeoutMs = opts.timeoutMs ?? 600_000;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [projectPath('bin', 'sohoa.js'), 'selftest'], {
      env: { ...(opts.env ?? process.env), SOHOA_CONFIG: configFile },
      stdio: [opts.interactive ? 'inherit' : 'ignore', 'pipe', opts.interactive ? 'inherit' : 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => { out += s; });
    child.stderr?.setEncoding('utf8').on('data', (s: string) => { err += s; });
    const failed = (detail: string): SelftestReport => ({ ok: false, steps: [{ name: 'selftest', ok: false, ms: 0, detail }] });
    child.once('error', (e) => resolve(failed(`không chạy được sohoa selftest: ${e.message}`)));
    child.once('close', (code, signal) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as SelftestReport);
      } catch {
        resolve(failed(signal ? `sohoa selftest bị dừng sau ${timeoutMs / 1000} giây (${signal})` : `sohoa selftest kết thúc với mã ${code}: ${err.trim().slice(-500)}`));
      }
    });
  });
}
