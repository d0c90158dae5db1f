import { spawn, type ChildProcess } from 'node:child_process';
import { projectPath } from '../../appliance/config/paths.js';

// The eSCL simulator as its own process on a real port: killing it is a network scanner unplugged
// (connections cut, nothing answers); starting it again on the same port is the scanner back.

export interface EsclProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** SIGKILL and wait: the scanner is gone at once, mid-page if need be. */
  kill(): Promise<void>;
}

export async function startEsclProcess(opts: { port?: number; ppm?: number } = {}, timeoutMs = 30_000): Promise<EsclProcess> {
  const args = [projectPath('dist', 'drivers', 'scanner', 'escl-simulator', 'main.js'), '--port', String(opts.port ?? 0), '--ppm', String(opts.ppm ?? 0)];
  const child = spawn(process.execPath, args, { env: { ...process.env, SOHOA_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`escl simulator did not start: ${stderr}`)); }, timeoutMs);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /eSCL simulator at (http:\/\/\S+)/.exec(stderr);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`escl simulator exited ${code}: ${stderr}`)); });
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url, port: Number(new URL(url).port), child,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
