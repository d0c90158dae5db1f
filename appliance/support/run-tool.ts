import { ProcessError, runProcess, type ProcessResult } from '../util/run-process.js';

// A system tool run for the support bundle, through the appliance's one child-process runner
// (no shell, a time limit that reaches the whole process group), with a result that is always
// text: a missing tool or a timeout is a line in the bundle, not a failure.

export interface ToolResult { ok: boolean; text: string }

const asText = (r: ProcessResult): string => `${r.stdout.toString('utf8')}${r.stderr ? `\n[stderr]\n${r.stderr}` : ''}`.trim();

export async function runTool(cmd: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ToolResult> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  try {
    return { ok: true, text: asText(await runProcess(cmd, args, { timeoutMs, env: opts.env ?? process.env })) };
  } catch (err) {
    if (!(err instanceof ProcessError)) throw err;
    const out = asText(err.output);
    const why = err.kind === 'spawn' ? (/ENOENT/.test(err.message) ? `${cmd}: not installed` : err.message)
      : err.timedOut ? `${cmd}: stopped after ${timeoutMs / 1000} s` : `${cmd} exited with ${String(err.exitCode)}`;
    return { ok: false, text: `${why}${out ? `\n${out}` : ''}` };
  }
}
