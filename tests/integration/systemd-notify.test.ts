import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionDevToken } from '../helpers/dev-token.js';
import { eventually } from '../helpers/appliance.js';
import { NotifyListener, spawnService, urlFromStatus, writeServiceConfig, type ServiceProcess } from '../helpers/service-process.js';

// sohoa.service is Type=notify with WatchdogSec=: the built service process, started as systemd
// starts it (NOTIFY_SOCKET, WATCHDOG_USEC), against a real datagram socket playing systemd's side.
// READY=1 must mean the desk works; the watchdog pings must come from the main event loop, so
// that a blocked loop stops them. The loop is blocked for real through the V8 inspector (a busy
// loop evaluated on the main thread), with no test hook in the service itself.

const WATCHDOG_USEC = 1_000_000; // pings every 500 ms
let dir: string;
let notify: NotifyListener;
let service: ServiceProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-notify-'));
  const token = await provisionDevToken();
  const config = await writeServiceConfig(dir, token);
  notify = new NotifyListener(join(dir, 'notify.sock'));
  notify.start();
  service = spawnService(config, { NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: String(WATCHDOG_USEC) }, { nodeArgs: ['--inspect=127.0.0.1:0'] });
});

afterAll(async () => {
  if (service.child.exitCode === null) service.child.kill('SIGKILL');
  notify.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Evaluates `expression` on the service's main thread through its inspector; the result by value. */
async function evaluate<T>(expression: string): Promise<T> {
  const ws = await eventually(async () => /ws:\/\/\S+/.exec(service.output())?.[0], 'the inspector address', 30_000);
  const socket = new WebSocket(ws);
  try {
    await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
    const reply = new Promise<T>((resolve, reject) => {
      socket.onmessage = (e) => {
        const m = JSON.parse(String(e.data)) as { id?: number; result?: { result: { value: T }; exceptionDetails?: unknown } };
        if (m.id !== 1) return;
        if (!m.result || m.result.exceptionDetails) reject(new Error(`evaluate failed: ${String(e.data)}`));
        else resolve(m.result.result.value);
      };
    });
    socket.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression, returnByValue: true } }));
    return await reply;
  } finally {
    socket.close();
  }
}

describe('sohoa.service speaks sd_notify', () => {
  it('says READY=1 only when the desk answers, with the token worker\'s report in', async () => {
    const ready = await notify.next('READY', 90_000);
    // Checked the moment READY arrives: the HTTP server answers and the token worker has reported.
    const res = await fetch(new URL('/api/status', urlFromStatus(ready)));
    expect(res.status).toBe(200);
    // without a session /api/status gives only the token's public part: present (the worker reported it)
    const status = await res.json() as { token: { present: boolean; loggedIn: boolean } };
    expect(status.token).toEqual({ present: true, loggedIn: false });
    expect(ready.fields.READY).toBe('1');
    expect(service.output()).toContain('systemd watchdog on');
    expect(notify.messages.filter((m) => 'READY' in m.fields)).toHaveLength(1);
    // Taken out of the environment, so children (tesseract, scanimage…) never speak for the service.
    expect(await evaluate('[process.env.NOTIFY_SOCKET ?? null, process.env.WATCHDOG_USEC ?? null]')).toEqual([null, null]);
  });

  it('pings the watchdog from the event loop: a blocked loop stops the pings, they resume after', async () => {
    const first = notify.messages.length;
    await notify.next('WATCHDOG', 10_000, first);
    await notify.next('WATCHDOG', 10_000, first + 1);

    // Block the service's main thread for 3 s (3× the watchdog interval systemd would allow).
    const [from, to] = await evaluate<[number, number]>(
      '(() => { const from = Date.now(); const to = from + 3000; while (Date.now() < to); return [from, to]; })()');
    expect(to - from).toBe(3000);
    const after = notify.messages.length;
    // A ping sent just before the block may be read here a little later: 400 ms of grace.
    expect(notify.count('WATCHDOG', from + 400, to)).toBe(0);
    expect(notify.count('WATCHDOG', 0, from)).toBeGreaterThanOrEqual(2);

    // The loop runs again: so do the pings.
    const resumed = await notify.next('WATCHDOG', 10_000, after);
    expect(resumed.at).toBeGreaterThanOrEqual(to);
  });

  it('says STOPPING=1 on SIGTERM and exits cleanly', async () => {
    const from = notify.messages.length;
    service.child.kill('SIGTERM');
    const stopping = await notify.next('STOPPING', 20_000, from);
    expect(stopping.fields.STOPPING).toBe('1');
    expect(await service.exited).toBe(0);
  });
});
