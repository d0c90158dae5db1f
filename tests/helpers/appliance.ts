import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultsFor, type Config } from '../../appliance/config/config.js';
import type { DevToken } from './dev-token.js';

/** The embedded defaults moved to a temp folder, every port ephemeral, signing on the given dev token. */
export async function testConfig(token: DevToken, dataDir?: string): Promise<Config> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'sohoa-app-')));
  const cfg = defaultsFor(dir);
  return {
    ...cfg,
    http: { host: '127.0.0.1', port: 0 },
    agency: { ...cfg.agency, sealPath: token.sealPath },
    central: { ...cfg.central, url: 'http://127.0.0.1:0' },
    scanner: { ...cfg.scanner, simulator: { ...cfg.scanner.simulator, port: 0 } },
    token: { ...cfg.token, module: token.module, label: token.label, env: token.env, chainPath: join(token.dir, 'chain.pem'), trustPath: join(token.dir, 'ca.pem') },
    outbox: { minDelayMs: 200, maxDelayMs: 2000 },
    ocr: { ...cfg.ocr, workers: 1 },
  };
}

/** Polls `fn` until it returns a value (not undefined) or the time runs out. */
export async function eventually<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
