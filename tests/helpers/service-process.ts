import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSocket } from 'unix-dgram';
import { projectPath } from '../../appliance/config/paths.js';
import type { DevToken } from './dev-token.js';

// The appliance service as systemd runs it: the built `dist/appliance/main.js` in its own process,
// with a Unix datagram socket in NOTIFY_SOCKET playing systemd's side of sd_notify.

export interface NotifyMessage {
  /** Date.now() when the datagram was read here. */
  at: number;
  fields: Record<string, string>;
}

/** systemd's end of sd_notify: a bound datagram socket that records what the service says. */
export class NotifyListener {
  readonly messages: NotifyMessage[] = [];
  private socket: ReturnType<typeof createSocket> | null = null;
  private readonly waiters = new Set<() => void>();

  constructor(readonly path: string) {}

  start(): void {
    const socket = createSocket('unix_dgram', (buf) => {
      const fields: Record<string, string> = {};
      for (const line of buf.toString('utf8').split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
      }
      this.messages.push({ at: Date.now(), fields });
      for (const w of this.waiters) w();
    });
    let failure: Error | null = null;
    socket.on('error', (err: Error) => { failure = err; });
    socket.bind(this.path); // 'error' is emitted synchronously on failure
    if (failure) throw failure;
    this.socket = socket;
  }

  /** The first message (from index `from` on) with `key` set, or throws after `timeoutMs`. */
  next(key: string, timeoutMs: number, from = 0): Promise<NotifyMessage> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = this.messages.slice(from).find((x) => key in x.fields);
        if (!m) return false;
        this.waiters.delete(probe);
        clearTimeout(timer);
        resolve(m);
        return true;
      };
      const probe = (): void => { check(); };
      const timer = setTimeout(() => {
        this.waiters.delete(probe);
        reject(new Error(`no ${key} from the service within ${timeoutMs} ms (got: ${JSON.stringify(this.messages.map((m) => m.fields))})`));
      }, timeoutMs);
      if (!check()) this.waiters.add(probe);
    });
  }

  count(key: string, from: number, to = Infinity): number {
    return this.messages.filter((m) => key in m.fields && m.at > from && m.at < to).length;
  }

  stop(): void {
    this.socket?.close();
    this.socket = null;
  }
}

/**
 * A configuration file for one service process in `dir`: its own data folder, every port
 * ephemeral (the URL comes back in READY's STATUS line), the given development token.
 */
export async function writeServiceConfig(dir: string, token: Pick<DevToken, 'dir' | 'module' | 'label' | 'env' | 'sealPath'>): Promise<string> {
  const path = join(dir, 'config.json');
  await writeFile(path, JSON.stringify({
    dataDir: join(dir, 'data'),
    http: { host: '127.0.0.1', port: 0 },
    // a device configuration that asks for the demo receiver and scanner explicitly (on free ports)
    central: { embedded: true, url: 'http://127.0.0.1:0' },
    scanner: { simulator: { enabled: true, port: 0 } },
    ocr: { workers: 1 },
    agency: { id: '000.00.00.H99', name: 'VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH (THỬ NGHIỆM)', sealPath: token.sealPath },
    token: { module: token.module, label: token.label, env: token.env, chainPath: join(token.dir, 'chain.pem'), trustPath: join(token.dir, 'ca.pem') },
  }));
  return path;
}

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything the service wrote on stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** Starts `node [nodeArgs] dist/appliance/main.js`, killed after `limitMs` whatever happens. */
export function spawnService(configPath: string, env: Record<string, string>, opts: { nodeArgs?: string[]; limitMs?: number } = {}): ServiceProcess {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), projectPath('dist', 'appliance', 'main.js')], {
    env: { ...process.env, SOHOA_CONFIG: configPath, SOHOA_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const limit = setTimeout(() => child.kill('SIGKILL'), opts.limitMs ?? 120_000);
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => { clearTimeout(limit); resolve(code ?? signal ?? -1); });
  });
  return { child, output: () => out, exited };
}

/** The service's URL from READY's `STATUS=Đang phục vụ tại <url>`. */
export function urlFromStatus(m: NotifyMessage): string {
  const url = /https?:\/\/\S+/.exec(m.fields.STATUS ?? '')?.[0];
  if (!url) throw new Error(`READY without the service's URL: ${JSON.stringify(m.fields)}`);
  return url;
}
