import { execFile } from 'node:child_process';

// A system tool run for the support bundle: argument array (never a shell), a time limit, and a
// result that is always text — a missing tool or a timeout is a line in the bundle, not a failure.

export interface ToolResult { ok: boolean; text: string }

export function runTool(cmd: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ToolResult> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, env: opts.env ?? process.env }, (err, stdout, stderr) => {
      const out = `${String(stdout)}${String(stderr) ? `\n[stderr]\n${String(stderr)}` : ''}`.trim();
      if (!err) return resolve({ ok: true, text: out });
      const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
      const why = e.code === 'ENOENT' ? `${cmd}: not installed` : e.killed ? `${cmd}: stopped after ${timeoutMs / 1000} s` : `${cmd} exited with ${String(e.code)}`;
      resolve({ ok: false, text: `${why}${out ? `\n${out}` : ''}` });
    });
  });
}
