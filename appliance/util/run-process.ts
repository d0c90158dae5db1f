import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';

// Every child process the appliance starts (tesseract, scanimage, pdftoppm…) runs through here, with
// a time limit: a hung tesseract or a wedged scanner backend must end one unit of work, never hold
// the desk. At the limit the child's whole process group gets SIGTERM, then SIGKILL after a grace
// period (a child that ignores TERM, or a shell script whose own children keep the pipes open).
// The error is plain (ProcessError): each caller turns it into its SohoaError with the words the
// clerk needs ("nhận dạng chữ quá lâu", "máy quét không trả lời"…).

export interface RunProcessOptions {
  /** The limit for the whole run, in ms. Required: there is no child without one. */
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL (default 2 s). */
  killGraceMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to the child's stdin, then closed; without it stdin is /dev/null. */
  stdin?: Buffer;
  /** Stops the child early (SIGTERM, then SIGKILL), rejecting with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Scheduling niceness of the child (0–19; default: the caller's). Bulk work (OCR) runs nicer so
   * the scanner's driver, the service's event loop and the touchscreen are served first.
   */
  niceness?: number;
}

export interface ProcessResult {
  stdout: Buffer;
  stderr: string;
}

/** Why a child process did not give a result: it could not start, it failed, or it ran out of time. */
export class ProcessError extends Error {
  constructor(
    readonly kind: 'spawn' | 'exit' | 'timeout',
    readonly command: string,
    detail: string,
    readonly stderr = '',
    readonly exitCode: number | null = null,
  ) {
    super(detail);
    this.name = 'ProcessError';
  }

  /** What the child wrote before it failed or was stopped (filled in when it has ended). */
  output: ProcessResult = { stdout: Buffer.alloc(0), stderr: '' };
  get timedOut(): boolean { return this.kind === 'timeout'; }
}

/** Sends `sig` to the child's process group (it leads one: spawned detached), else to the child alone. */
function signalGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid) return;
  try { process.kill(-pid, sig); } catch {
    try { process.kill(pid, sig); } catch { /* already gone */ }
  }
}

/**
 * Runs `command` with `args` (no shell) and resolves with its output when it exits 0. Rejects with
 * ProcessError: 'spawn' (not found, not executable), 'exit' (non-zero status or killed by a signal;
 * the last line of stderr in the message), 'timeout' (stopped at the limit).
 */
export function runProcess(command: string, args: string[], o: RunProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    o.signal?.throwIfAborted();
    // its own process group, so the limit reaches whatever it started too
    const child = spawn(command, args, {
      env: o.env, cwd: o.cwd, detached: true, stdio: [o.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    if (o.niceness && child.pid) {
      try { setPriority(child.pid, o.niceness); } catch { /* gone already, or not allowed: it runs at ours */ }
    }
    const out: Buffer[] = []; const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    if (o.stdin) {
      child.stdin!.on('error', () => { /* the exit status tells what went wrong */ });
      child.stdin!.end(o.stdin);
    }
    const stderr = (): string => Buffer.concat(err).toString('utf8').trim();
    const lastLine = (): string => stderr().split('\n').pop() ?? '';

    let settled = false;
    let stopping: ProcessError | Error | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (e: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(limit); clearTimeout(killTimer);
      o.signal?.removeEventListener('abort', onAbort);
      const output = { stdout: Buffer.concat(out), stderr: stderr() };
      if (e instanceof ProcessError) e.output = output;
      if (e) reject(e); else resolve(output);
    };
    const stop = (why: ProcessError | Error): void => {
      if (stopping || settled) return;
      stopping = why;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => {
        signalGroup(child.pid, 'SIGKILL');
        // the group is gone; a stray holder of the pipes must not keep the caller waiting
        child.stdout!.destroy(); child.stderr!.destroy();
      }, o.killGraceMs ?? 2000);
    };
    const limit = setTimeout(() => stop(new ProcessError('timeout', command,
      `${command} stopped after ${Math.round(o.timeoutMs / 100) / 10} s (its time limit)`)), o.timeoutMs);
    const onAbort = (): void => stop(o.signal!.reason instanceof Error ? o.signal!.reason : new Error(String(o.signal!.reason)));
    o.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (e) => finish(new ProcessError('spawn', command, `${command}: ${e.message}`)));
    // 'exit' (not 'close'): once the child is gone, its stdio has been read (or a stopped child's
    // grandchild holds it, which must not delay the answer)
    child.on('exit', (code, sig) => {
      const done = (): void => {
        if (stopping) return finish(stopping);
        if (code === 0) return finish(null);
        finish(new ProcessError('exit', command, `${command} ${sig ? `killed by ${sig}` : `exited ${code}`}${lastLine() ? `: ${lastLine()}` : ''}`, stderr(), code));
      };
      // the pipes usually close with the child; give them until they do (or the kill timer destroys them)
      if (child.stdout!.readableEnded && child.stderr!.readableEnded) done();
      else child.once('close', done);
    });
  });
}
