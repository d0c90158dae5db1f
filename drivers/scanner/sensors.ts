import type { Logger } from '../../appliance/log.js';

// Hardware start from the scanner itself: its own scan button and its "paper loaded" sensor, read
// through SANE's read-only `[hardware]` options (`scanimage -d DEV -A` prints their current values:
// fujitsu `--scan`, `--page-loaded`; canon_dr `--start`; genesys `--scan`, `--file`, `--email`…).
// Reading opens the device, so it is done only between jobs, never while a job runs, and each read
// has a time limit. A button counts when it goes from "no" to "yes" between two reads (a button
// held at start is no press).

export type SensorTrigger = 'button' | 'paper';

/** Pure: the `[hardware]` yes/no options of `scanimage -A` and their current values (inactive ones left out). */
export function parseSensorValues(text: string): Record<string, boolean> {
  const values: Record<string, boolean> = {};
  for (const line of text.split('\n')) {
    const m = /^\s+--([\w-]+)\[=\((?:auto\|)?yes\|no\)\]\s+\[(yes|no)\](.*)$/.exec(line);
    if (m && /\[hardware\]/.test(m[3]!)) values[m[1]!] = m[2] === 'yes';
  }
  return values;
}

/** Sensor names that are a start button, across backends (sane-fujitsu, canon_dr, genesys, avision, hp5590…). */
const BUTTON = /^(scan|start|button(-?\d+)?|scan-button|file|email|copy|pdf|extra|function)$/;
/** Sensor names that say paper is in the feeder. */
const PAPER = /^(page-loaded|paper-loaded|adf-loaded|document-loaded|doc-loaded|adf-paper)$/;

/** Pure: what a sensor is for, by its name (the technician may name others, see SensorPollerOptions). */
export function sensorRole(name: string, extraButtons: readonly string[] = []): SensorTrigger | null {
  if (extraButtons.includes(name) || BUTTON.test(name)) return 'button';
  if (PAPER.test(name)) return 'paper';
  return null;
}

/** Pure: the triggers between two reads (a sensor that went from no to yes); none on the first read. */
export function sensorTriggers(before: Record<string, boolean> | null, now: Record<string, boolean>, extraButtons: readonly string[] = []): SensorTrigger[] {
  if (!before) return [];
  const out = new Set<SensorTrigger>();
  for (const [name, on] of Object.entries(now)) {
    const role = sensorRole(name, extraButtons);
    if (role && on && before[name] === false) out.add(role);
  }
  return [...out];
}

/** What the poller needs of the scanner: busy while a job runs, and a time-limited `-A` read. */
export interface SensorSource {
  readonly busy: boolean;
  /** `scanimage -d DEV [extra] -A` within the limit (never during a job: the driver refuses). */
  check(timeoutMs: number, extraArgs?: string[]): Promise<string>;
}

export interface SensorPollerOptions {
  scanner: SensorSource;
  intervalMs: number;
  /** Time limit of one read; default 10 s. */
  readTimeoutMs?: number;
  /** Extra `scanimage` options for the read (the `test` backend needs `--enable-test-options=yes`). */
  readArgs?: string[];
  /** Sensor names that are a start button besides the usual ones. */
  buttons?: string[];
  onTrigger: (t: SensorTrigger) => unknown;
  log?: Logger;
}

export class SensorPoller {
  private timer?: NodeJS.Timeout;
  private before: Record<string, boolean> | null = null;
  private reading: Promise<void> = Promise.resolve();
  private stopped = true;
  /** Reads done, and the last values read (technician screen, tests). */
  reads = 0;
  last: Record<string, boolean> = {};

  constructor(private readonly opts: SensorPollerOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.reading;
  }

  /** One read now (between jobs only); resolves to the triggers it found. */
  async poll(): Promise<SensorTrigger[]> {
    const { scanner } = this.opts;
    if (scanner.busy) { this.before = null; return []; } // a job runs: never opened; the next read starts afresh
    let text: string;
    try {
      text = await scanner.check(this.opts.readTimeoutMs ?? 10_000, this.opts.readArgs);
    } catch (err) {
      this.before = null; // unplugged, busy, hung: no edge across the gap
      this.opts.log?.debug({ err: (err as Error).message }, 'scanner sensors not read');
      return [];
    }
    this.reads++;
    const now = parseSensorValues(text);
    const triggers = sensorTriggers(this.before, now, this.opts.buttons);
    this.before = now;
    this.last = now;
    return triggers;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.reading = this.poll().then(async (triggers) => {
        for (const t of triggers) await this.opts.onTrigger(t);
      }).catch((err: unknown) => this.opts.log?.warn({ err }, 'scanner sensor start failed'))
        .finally(() => this.schedule());
    }, this.opts.intervalMs);
    this.timer.unref();
  }
}
