import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { projectPath } from '../../appliance/config/paths.js';

// The reference receiver as an operator runs it: `sohoa central` in its own process, on a real port.

export interface CentralProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL, then waits for the exit: the central system is gone at once. */
  kill(): Promise<void>;
}

export async function startCentralProcess(args: string[], timeoutMs = 30_000): Promise<CentralProcess> {
  const child = spawn(process.execPath, [projectPath('bin', 'sohoa.js'), 'central', ...args], {
    env: { ...process.env, SOHOA_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`sohoa central did not start: ${stderr}`)); }, timeoutMs);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`sohoa central exited ${code}: ${stderr}`)); });
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url, child,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface ListedDocument { documentId: string; received: number; conflicts: number; versions: number; status: string; statusReason: string | null }

/** `sohoa central --list --data-dir DIR`: one JSON line per DocumentId. */
export async function listCentral(dataDir: string): Promise<ListedDocument[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [projectPath('bin', 'sohoa.js'), 'central', '--list', '--data-dir', dataDir], { timeout: 30_000, killSignal: 'SIGKILL' });
  return stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as ListedDocument);
}
