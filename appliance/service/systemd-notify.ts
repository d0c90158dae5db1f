import { createSocket } from 'unix-dgram';
import type { Logger } from '../log.js';

// The sd_notify protocol (man sd_notify): newline-separated `KEY=value` lines in one datagram to
// the Unix socket systemd names in NOTIFY_SOCKET. sohoa.service is `Type=notify` with
// `WatchdogSec=`: systemd counts the service started only on READY=1, and restarts it when the
// WATCHDOG=1 pings stop. The pings come from a timer on the main event loop, so a loop blocked by
// a runaway computation or a synchronous native call stops them, and systemd restarts the service.
// Node's dgram cannot open Unix datagram sockets, hence the `unix-dgram` native module.

export interface NotifySettings {
  /** Socket path, or null when not started by systemd (every call is then a no-op). */
  socketPath: string | null;
  /** Watchdog interval in µs for this process, or null when systemd does not watch it. */
  watchdogUsec: number | null;
}

/**
 * What systemd told this process in its environment (NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID),
 * removed from the environment as libsystemd does, so the children we spawn (tesseract, scanimage…)
 * never talk to systemd in our name.
 */
export function notifySettingsFromEnv(env: NodeJS.ProcessEnv = process.env, log?: Logger): NotifySettings {
  const socket = env.NOTIFY_SOCKET ?? '';
  const usec = Number(env.WATCHDOG_USEC ?? '');
  const pid = env.WATCHDOG_PID === undefined ? process.pid : Number(env.WATCHDOG_PID);
  delete env.NOTIFY_SOCKET;
  delete env.WATCHDOG_USEC;
  delete env.WATCHDOG_PID;

  let socketPath: string | null = null;
  if (socket.startsWith('/')) socketPath = socket;
  else if (socket.startsWith('@')) {
    // unix-dgram copies the address with strncpy and passes the full sockaddr length, so an
    // abstract name (leading NUL byte) cannot be addressed. systemd itself always gives a path
    // (/run/systemd/notify); an abstract one comes only from other supervisors.
    log?.error({ NOTIFY_SOCKET: socket }, 'sd_notify: abstract socket names are not supported; systemd will not see this service ready');
  } else if (socket) {
    log?.error({ NOTIFY_SOCKET: socket }, 'sd_notify: NOTIFY_SOCKET is neither a path nor an abstract name; ignored');
  }
  // A watchdog meant for another process (WATCHDOG_PID names it) is not ours to feed.
  const watchdogUsec = socketPath && Number.isInteger(usec) && usec > 0 && pid === process.pid ? usec : null;
  return { socketPath, watchdogUsec };
}

/**
 * Tells systemd how the service is doing. Constructed with its settings; `start()` begins the
 * watchdog pings, `ready()`/`status()`/`stopping()` send the states, `stop()` ends the pings.
 */
export class SystemdNotifier {
  private timer: NodeJS.Timeout | null = null;
  private socket: ReturnType<typeof createSocket> | null = null;

  constructor(private readonly settings: NotifySettings, private readonly log?: Logger) {}

  /** True when systemd listens (NOTIFY_SOCKET was a usable path). */
  get active(): boolean {
    return this.settings.socketPath !== null;
  }

  /** Starts the watchdog pings, at half the interval as sd_watchdog_enabled(3) advises. */
  start(): void {
    if (!this.active || this.timer) return;
    const usec = this.settings.watchdogUsec;
    if (usec === null) return;
    const everyMs = Math.max(1, Math.floor(usec / 2000));
    this.timer = setInterval(() => this.send('WATCHDOG=1'), everyMs);
    this.timer.unref(); // the pings keep systemd informed, not the process alive
    this.log?.info({ watchdogMs: Math.round(usec / 1000), pingMs: everyMs }, 'systemd watchdog on');
  }

  /** READY=1: the service does its job now (systemd starts what is ordered after it). */
  ready(status: string): void {
    this.send(`READY=1\nSTATUS=${oneLine(status)}`);
  }

  /**
   * Still starting, and saying so: EXTEND_TIMEOUT_USEC asks systemd for `seconds` more from now
   * before TimeoutStartSec= counts the start as failed (systemd ≥ 236; sent again while the work
   * lasts), with a STATUS line of what it is doing.
   */
  extendStart(seconds: number, status: string): void {
    this.send(`EXTEND_TIMEOUT_USEC=${Math.round(seconds * 1_000_000)}\nSTATUS=${oneLine(status)}`);
  }

  /** A line `systemctl status sohoa` shows. */
  status(status: string): void {
    this.send(`STATUS=${oneLine(status)}`);
  }

  /** STOPPING=1: shutdown has begun (systemd waits for the exit instead of counting a failure). */
  stopping(status = 'Đang dừng'): void {
    this.send(`STOPPING=1\nSTATUS=${oneLine(status)}`);
  }

  /** Ends the pings and closes the socket. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.socket?.close();
    this.socket = null;
  }

  private send(message: string): void {
    const path = this.settings.socketPath;
    if (!path) return;
    if (!this.socket) {
      this.socket = createSocket('unix_dgram');
      this.socket.on('error', (err: Error) => this.log?.warn({ err }, 'sd_notify socket error'));
    }
    const buf = Buffer.from(message, 'utf8');
    // A lost notification is logged, never fatal: the service keeps serving the desk.
    this.socket.send(buf, 0, buf.length, path, (err) => {
      if (err) this.log?.warn({ err, message: message.split('\n')[0] }, 'sd_notify send failed');
    });
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}
