import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../../appliance/log.js';
import type { Scanner, ScanRequest, ScannedPage, ScannerInfo } from './scanner.js';
import { parseDeviceOptions, pickMode, pickResolution, pickSource, type DeviceOptions } from './sane-options.js';
import { scannerErrors } from './scanner-errors.js';
import { scanEndError } from './scanimage-status.js';
import { ProcessError, runProcess } from '../../appliance/util/run-process.js';

// A SANE scanner driven through `scanimage` (one process per job, argument array, never a shell).
// `--batch-print` announces each page on stdout once its file is complete, so pages are yielded
// while the next sheet is still being scanned.

export interface SaneScannerOptions {
  /** SANE device name, e.g. `test:0` or `airscan:e0:Sohoa demo scanner`. */
  device: string;
  /** SANE_CONFIG_DIR for scanimage (a private config); unset = the system's. */
  saneConfigDir?: string;
  log?: Logger;
  /**
   * Extra backend options appended to every scan, for the technician and tests only, e.g.
   * `['--read-return-value', 'SANE_STATUS_JAMMED']` on the `test` backend.
   */
  extraArgs?: string[];
  /** Paper size in mm (default A4), clamped to the device's scan area. */
  paperMm?: { width: number; height: number };
  /** The scanimage binary (default: from PATH). */
  scanimage?: string;
  /**
   * A job with no page and no word from scanimage for this long is stuck (a hung device or
   * backend): scanimage is stopped and the job ends with scanner.device. Default 120 s, more than
   * a 600-dpi colour sheet takes on a slow scanner.
   */
  stallMs?: number;
  /** Time limit of a short query (`scanimage -A`, `-L`); default 30 s. */
  queryTimeoutMs?: number;
}

const A4 = { width: 210, height: 297 };

/** Devices with a job running, across all instances: the hardware takes one job at a time. */
const busyDevices = new Set<string>();
/** Health probes in flight, per device: a job waits for one to end rather than fight it for the device. */
const probingDevices = new Map<string, Promise<string>>();

export class SaneScanner implements Scanner {
  readonly device: string;
  private optionsCache?: Promise<DeviceOptions>;

  constructor(private readonly opts: SaneScannerOptions) {
    this.device = opts.device;
  }

  async probe(): Promise<ScannerInfo> {
    const options = await this.deviceOptions(true);
    const list = await this.run(['-f', '%d\t%v\t%m\n', '-L']).catch(() => '');
    const row = list.split('\n').map((l) => l.split('\t')).find((r) => r[0] === this.device);
    return { device: this.device, vendor: row?.[1] ?? 'unknown', model: row?.[2] ?? 'unknown', sources: options.sources, adfModes: options.adfModes };
  }

  /** True while a job runs on this device: a probe then would disturb it, and the device is evidently there. */
  get busy(): boolean {
    return busyDevices.has(this.device);
  }

  /**
   * A health probe: does the device answer right now (`scanimage -d DEV -A` opens it)? Killed at
   * `timeoutMs` (a hung device or backend); throws scanner.device with scanimage's reason, or
   * scanner.busy while a job runs (never probed then). A job started meanwhile waits for it.
   * Resolves to the option listing, with the current values of the hardware sensors (sensors.ts).
   */
  async check(timeoutMs: number, extraArgs: string[] = []): Promise<string> {
    if (this.busy) throw scannerErrors.busy(`device ${this.device} has a job running`);
    const running = probingDevices.get(this.device);
    if (running) return running; // one read at a time per device: share the one in flight
    const probe = this.run(['-d', this.device, ...extraArgs, '-A'], timeoutMs);
    probingDevices.set(this.device, probe);
    try {
      return await probe;
    } finally {
      probingDevices.delete(this.device);
    }
  }

  async *scan(req: ScanRequest): AsyncGenerator<ScannedPage> {
    if (busyDevices.has(this.device)) throw scannerErrors.busy(`device ${this.device} already has a job running`);
    busyDevices.add(this.device);
    try {
      yield* this.runJob(req);
    } finally {
      busyDevices.delete(this.device);
    }
  }

  private async *runJob(req: ScanRequest): AsyncGenerator<ScannedPage> {
    await probingDevices.get(this.device)?.catch(() => undefined);
    req.signal?.throwIfAborted();
    const options = await this.deviceOptions(false);
    const source = pickSource(options, req.source);
    const mode = pickMode(options.modes, req.mode);
    if (!source) throw scannerErrors.noSource(req.source, `${this.device} offers no source for "${req.source}" (has: ${options.sources.join(', ') || 'none'})`);
    if (!mode) throw scannerErrors.device(`${this.device} offers no mode for "${req.mode}" (has: ${options.modes.join(', ')})`);
    const dpi = pickResolution(options.resolutions, req.dpi);
    const outDir = resolve(req.outDir);
    const args = ['-d', this.device, ...(source.source ? ['--source', source.source] : []), ...source.args, '--mode', mode, '--resolution', String(dpi), ...this.geometryArgs(options)];
    args.push('--format=tiff', `--batch=${join(outDir, 'page-%d.tiff')}`, '--batch-print');
    if (req.source === 'flatbed') args.push('--batch-count=1');
    else if (req.maxPages) args.push(`--batch-count=${req.maxPages}`);
    args.push(...(this.opts.extraArgs ?? []));

    this.opts.log?.info({ device: this.device, args }, 'scan started');
    const child = spawn(this.opts.scanimage ?? 'scanimage', args, { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((res) => {
      child.once('error', (err) => { stderr += `\n${err.message}`; res(null); });
      child.once('close', (code) => res(code));
    });
    const onAbort = () => child.kill('SIGTERM');
    req.signal?.addEventListener('abort', onAbort, { once: true });
    // a stuck device: no page and no message for stallMs → stop scanimage (SIGKILL if it ignores TERM)
    const stallMs = this.opts.stallMs ?? 120_000;
    let stalled = false;
    let ended = false;
    let watchdog: NodeJS.Timeout | undefined;
    const alive = (): void => {
      clearTimeout(watchdog);
      if (ended) return; // scanimage's last words after the job ended arm nothing
      watchdog = setTimeout(() => {
        stalled = true;
        child.kill('SIGTERM');
        setTimeout(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); }, 5000).unref();
      }, stallMs);
      watchdog.unref(); // the child keeps the process alive while it runs, not this timer
    };
    alive();
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; alive(); });

    let pages = 0;
    try {
      for await (const line of createInterface({ input: child.stdout })) {
        const path = line.trim();
        if (!path) continue;
        pages++;
        this.opts.log?.debug({ device: this.device, page: pages, path }, 'page scanned');
        clearTimeout(watchdog); // the consumer's time with the page is not the device's
        yield { index: pages, path, dpi };
        alive();
      }
      const code = await exited;
      const failure: unknown = req.signal?.aborted ? req.signal.reason
        : stalled ? scannerErrors.stalled(`${this.device}: no page and no message from scanimage for ${stallMs} ms; stopped (${stderr.trim() || 'no stderr'})`)
        : scanEndError(code, stderr, pages);
      if (failure) {
        // A sheet stopped half-way leaves a torn file behind: drop it so only whole pages remain.
        await rm(join(outDir, `page-${pages + 1}.tiff`), { force: true });
        await rm(join(outDir, `page-${pages + 1}.tiff.part`), { force: true });
        this.opts.log?.warn({ device: this.device, pages, stderr: stderr.trim(), err: (failure as Error).message }, 'scan failed');
        throw failure;
      }
      this.opts.log?.info({ device: this.device, pages }, 'scan finished');
    } finally {
      ended = true;
      clearTimeout(watchdog);
      req.signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
  }

  private geometryArgs(o: DeviceOptions): string[] {
    const paper = this.opts.paperMm ?? A4;
    const args: string[] = [];
    if (o.width) args.push('-l', '0', '-x', String(Math.min(paper.width, o.width.max)));
    if (o.height) args.push('-t', '0', '-y', String(Math.min(paper.height, o.height.max)));
    return args;
  }

  /** The device's options, asked once (`scanimage -A` opens the device: it is also the probe). */
  private deviceOptions(fresh: boolean): Promise<DeviceOptions> {
    if (fresh || !this.optionsCache) {
      this.optionsCache = this.run(['-d', this.device, '-A']).then(parseDeviceOptions);
      this.optionsCache.catch(() => { this.optionsCache = undefined; });
    }
    return this.optionsCache;
  }

  /** A short scanimage query (-A, -L): killed at its limit (a backend hung on a dead device). */
  private async run(args: string[], timeoutMs = this.opts.queryTimeoutMs ?? 30_000): Promise<string> {
    try {
      const { stdout } = await runProcess(this.opts.scanimage ?? 'scanimage', args, { env: this.env(), timeoutMs });
      return stdout.toString('utf8');
    } catch (err) {
      const e = err as Error & { stderr?: string };
      const detail = `scanimage ${args.join(' ')}: ${e.stderr?.trim() || e.message}`;
      throw err instanceof ProcessError && err.timedOut ? scannerErrors.stalled(detail) : scannerErrors.device(detail);
    }
  }

  private env(): NodeJS.ProcessEnv {
    return this.opts.saneConfigDir ? { ...process.env, SANE_CONFIG_DIR: this.opts.saneConfigDir } : process.env;
  }
}
