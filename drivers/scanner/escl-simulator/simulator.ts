import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../../appliance/log.js';
import { capabilitiesXml, parseScanSettings, statusXml, type ScanSettings } from './escl-xml.js';
import { documentStack, pageFiles, PaperTray } from './paper-tray.js';
import { renderPage } from './render-page.js';

// An eSCL (AirScan) network scanner on loopback, fed from real page images. sane-airscan talks to
// it exactly as to a network scanner, so the demo and the tests run the whole SANE driver stack.
//
// eSCL:    GET /eSCL/ScannerCapabilities · GET /eSCL/ScannerStatus · POST /eSCL/ScanJobs
//          GET /eSCL/ScanJobs/{id}/NextDocument (404 when the feeder runs out) · DELETE /eSCL/ScanJobs/{id}
// control: GET /control/state · POST /control/feeder {"dir"} or {"files"} · POST /control/stack {"dir"}
//          POST /control/empty · POST /control/jam {"afterPages": n}
//          POST /control/power {"on": false} (switched off: eSCL requests get no answer, the connection is cut)

export interface EsclSimulatorOptions {
  /** Listen port (0 = ephemeral). */
  port?: number;
  host?: string;
  /** A stack of documents (one subfolder each) fed one document per scan job, round and round. */
  pagesDir?: string;
  /**
   * Feeder speed, pages per minute (0 or absent: as fast as asked). A page is handed over no
   * sooner than its slot; a request that comes more than STALL_GRACE_MS after the slot is counted
   * as the feeder made to wait (`adfStalls`): the host was not reading.
   */
  pagesPerMinute?: number;
  log?: Logger;
}

/** Lateness of the host's page request beyond which the feeder counts as stalled. */
export const STALL_GRACE_MS = 500;

interface Job {
  id: string;
  settings: ScanSettings;
  pagesSent: number;
}

export class EsclSimulator {
  private readonly tray = new PaperTray();
  private readonly jobs = new Map<string, Job>();
  private server?: Server;
  private baseUrl = '';
  private poweredOn = true;
  /** When the feeder's next sheet is through (paced feeder only). */
  private nextSlot = 0;
  private adfStalls = 0;
  private pagesFed = 0;

  constructor(private readonly opts: EsclSimulatorOptions = {}) {}

  /** Starts listening; `url` is the eSCL base URL to pin in airscan.conf. */
  async start(): Promise<{ url: string; port: number }> {
    if (this.opts.pagesDir) await this.useStack(this.opts.pagesDir);
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => {
        this.opts.log?.error({ err: err.message, url: req.url }, 'escl simulator: request failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(err.message);
      });
    });
    this.server = server;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => ok());
    });
    const { port, address } = server.address() as AddressInfo;
    this.baseUrl = `http://${address}:${port}`;
    this.opts.log?.info({ url: this.url }, 'escl simulator listening');
    return { url: this.url, port };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  }

  get url(): string {
    return `${this.baseUrl}/eSCL`;
  }

  /** Loads one document (a folder of page images, natural order) or explicit files into the feeder. */
  async loadFeeder(src: string | string[]): Promise<number> {
    const pages = typeof src === 'string' ? await pageFiles(src) : src;
    this.tray.load(pages);
    return pages.length;
  }

  /** Demo mode: each scan job takes the next document (subfolder) of `dir`. */
  async useStack(dir: string): Promise<number> {
    const docs = await documentStack(dir);
    this.tray.useStack(docs);
    return docs.length;
  }

  emptyFeeder(): void {
    this.tray.empty();
  }

  /** The sheet after `afterPages` more good pages jams. */
  jamAfter(afterPages = 0): void {
    this.tray.jamAfter(afterPages);
  }

  /** Switches the scanner off (or on again): while off it answers no eSCL request, as if unplugged. */
  power(on: boolean): void {
    this.poweredOn = on;
  }

  get state() {
    return { ...this.tray.state, jobs: this.jobs.size, poweredOn: this.poweredOn, pagesFed: this.pagesFed, adfStalls: this.adfStalls };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const xml = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/xml', ...headers }).end(body);
    };

    if (!this.poweredOn && !path.startsWith('/control/')) {
      req.socket.destroy();
      return;
    }
    if (method === 'GET' && path === '/eSCL/ScannerCapabilities') {
      return xml(200, capabilitiesXml({ make: 'Sohoa', model: 'eSCL Simulator', serial: 'SOHOA-SIM-0001', uuid: '4509a320-00a0-008f-00b6-0050c2b3a002' }));
    }
    if (method === 'GET' && path === '/eSCL/ScannerStatus') return xml(200, statusXml(this.tray.adfState));
    if (method === 'POST' && path === '/eSCL/ScanJobs') {
      let settings: ScanSettings;
      try {
        settings = parseScanSettings(await readBody(req));
      } catch (err) {
        return xml(400, (err as Error).message);
      }
      // No paper: refuse the job; sane-airscan then reads ScannerStatus and reports "no documents".
      if (!this.tray.startJob()) return xml(409, 'no paper');
      const id = randomUUID();
      this.jobs.set(id, { id, settings, pagesSent: 0 });
      this.nextSlot = 0; // a new job starts the feeder
      this.opts.log?.info({ job: id, settings }, 'escl simulator: job created');
      return xml(201, '', { location: `${this.baseUrl}/eSCL/ScanJobs/${id}` });
    }
    const m = /^\/eSCL\/ScanJobs\/([\w-]+)(\/NextDocument)?$/.exec(path);
    if (m) {
      const job = this.jobs.get(m[1]!);
      if (!job) return xml(404, 'no such job');
      if (method === 'DELETE' && !m[2]) {
        this.jobs.delete(job.id);
        return xml(200, '');
      }
      if (method === 'GET' && m[2]) return this.nextDocument(job, res);
    }
    if (path.startsWith('/control/')) return this.control(method, path, req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  private async nextDocument(job: Job, res: ServerResponse): Promise<void> {
    // The flatbed holds one sheet per job.
    const feed = job.settings.source === 'Platen' && job.pagesSent > 0 ? 'empty' : this.tray.feed();
    if (feed === 'empty') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no more pages');
      return;
    }
    if (feed === 'jam') {
      // sane-airscan reads ScannerStatus after a failed page: AdfState ScannerAdfJam → SANE_STATUS_JAMMED.
      res.writeHead(500, { 'content-type': 'text/plain' }).end('paper jam');
      return;
    }
    await this.pace();
    const body = await renderPage(feed.page, job.settings);
    job.pagesSent++;
    this.pagesFed++;
    this.opts.log?.debug({ job: job.id, page: job.pagesSent, file: feed.page }, 'escl simulator: page sent');
    res.writeHead(200, { 'content-type': job.settings.format, 'content-length': body.length }).end(body);
  }

  /** Waits for the feeder's next slot; counts a stall when the host asked too late for it. */
  private async pace(): Promise<void> {
    const ppm = this.opts.pagesPerMinute ?? 0;
    if (ppm <= 0) return;
    const now = Date.now();
    if (this.nextSlot && now > this.nextSlot + STALL_GRACE_MS) this.adfStalls++;
    const wait = this.nextSlot - now;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    this.nextSlot = Math.max(now, this.nextSlot) + 60_000 / ppm;
  }

  private async control(method: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    try {
      const body = method === 'POST' ? (JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>) : {};
      if (method === 'GET' && path === '/control/state') return json(200, this.state);
      if (method === 'POST' && path === '/control/feeder') {
        const src = Array.isArray(body.files) ? body.files.map(String) : typeof body.dir === 'string' ? body.dir : undefined;
        if (!src) return json(400, { error: 'give "dir" or "files"' });
        const pages = await this.loadFeeder(src);
        return json(200, { pages, ...this.state });
      }
      if (method === 'POST' && path === '/control/stack') {
        if (typeof body.dir !== 'string') return json(400, { error: 'give "dir"' });
        const documents = await this.useStack(body.dir);
        return json(200, { documents, ...this.state });
      }
      if (method === 'POST' && path === '/control/empty') {
        this.emptyFeeder();
        return json(200, this.state);
      }
      if (method === 'POST' && path === '/control/power') {
        if (typeof body.on !== 'boolean') return json(400, { error: 'give "on": true or false' });
        this.power(body.on);
        return json(200, this.state);
      }
      if (method === 'POST' && path === '/control/jam') {
        this.jamAfter(Number(body.afterPages ?? 0));
        return json(200, this.state);
      }
      return json(404, { error: 'unknown control request' });
    } catch (err) {
      return json(400, { error: (err as Error).message });
    }
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
