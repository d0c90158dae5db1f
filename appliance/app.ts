import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startScanner } from '../drivers/scanner/start-scanner.js';
import { DEFAULT_PROFILES, loadProfiles } from './capture/profiles.js';
import { ScannerPresence } from './capture/scanner-presence.js';
import { HardwareStart, startHardwareTriggers } from './capture/hardware-start.js';
import { ScannerDiscovery } from '../drivers/scanner/discovery.js';
import { HotplugWatcher, loadUsbEvents } from '../drivers/scanner/hotplug.js';
import { AccountService } from './accounts/account-service.js';
import { ensureAccounts } from './accounts/demo-account.js';
import { UserStore } from './accounts/user-store.js';
import { Pkcs11Token } from '../drivers/token/pkcs11-token.js';
import { createHttpServer } from './api/server.js';
import { DEFAULT_CONFIG_FILE } from './config/load.js';
import { provisionRoutes } from './provisioning/routes.js';
import { requireRole } from './api/require-role.js';
import { CaptureStage } from './capture/capture.js';
import { RecipientResolver } from './outgoing/resolve-recipients.js';
import { createCentralServer } from './central/server.js';
import { describeProfile, type Config, type ProfileInfo } from './config/config.js';
import { EventBus } from './events.js';
import { AgencyDirectory } from './extract/agency-directory.js';
import { extractProgressive, refinePages } from './extract/extract-document.js';
import { extractFields } from './extract/extract-fields.js';
import { HealthMonitor } from './health/health.js';
import { createLogger, type Logger } from './log.js';
import { ApplianceMetrics } from './metrics/metrics.js';
import { createOcrEngine } from './ocr/create-engine.js';
import type { OcrEngine } from './ocr/ocr.js';
import { Outbox } from './outbox/outbox.js';
import { trackDelivery } from './pipeline/delivery-tracker.js';
import { DeskService } from './pipeline/desk-service.js';
import { createFiling } from './pipeline/filing.js';
import { FilingQueue } from './pipeline/filing-queue.js';
import { ScanJobs } from './pipeline/scan-jobs.js';
import { Submissions } from './pipeline/submissions.js';
import { ReceiveService } from './receive/receive-service.js';
import { Register } from './register/register.js';
import { reconcileStores } from './reconcile/reconcile.js';
import { Quarantine } from './store/quarantine.js';
import { DiskGuard } from './store/disk-guard.js';
import { AgencySigner } from './sign/agency-signer.js';

// The composition root: config → drivers → stages → pipeline → API. Nothing else in the code base
// constructs these objects; everything below receives what it needs.

export interface RunningAppliance {
  /** Where the touchscreen UI and the API answer. */
  url: string;
  /** Where documents are delivered (the embedded receiver's real address when it runs here). */
  centralUrl: string;
  /** The demo eSCL simulator's base URL (its `/control/…` API: load, empty, jam), when it runs. */
  scannerSimulatorUrl?: string;
  bus: EventBus;
  stop(): Promise<void>;
}

/**
 * `starting`: told what a long start-up step is doing (the register indexing its documents on the
 * first start after an upgrade), so the service can keep systemd waiting (main.ts). `mountTable`:
 * where USB drives are looked up (default the kernel's /proc/self/mounts; a test's own file).
 */
export async function startAppliance(config: Config, opts: { log?: Logger; ocr?: OcrEngine; starting?: (status: string) => void; mountTable?: string } = {}): Promise<RunningAppliance> {
  const log = opts.log ?? createLogger();
  const bus = new EventBus();
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => log.error({ err }, 'stop failed'));
  };
  const dir = (name: string) => join(config.dataDir, name);
  const profile = describeProfile(config);
  logProfile(log, profile, config.configFile);
  // Unreadable state files are set aside here, logged, and shown as notices in GET /api/status.
  const quarantine = new Quarantine({ dataDir: config.dataDir, log: log.child({ part: 'store' }), bus });

  try {
    // Counted from the first event on: every stage publishes, none knows metrics exist.
    const metrics = new ApplianceMetrics({ bus });
    metrics.start();
    stops.push(async () => metrics.stop());

    // The reference receiver, when this appliance plays the central system too (demo, tests).
    let centralUrl = config.central.url;
    if (config.central.embedded) {
      const central = createCentralServer({ dataDir: dir('central'), tokens: [config.central.deviceToken], log: log.child({ part: 'central' }) });
      const u = new URL(config.central.url);
      centralUrl = (await central.start(Number(u.port || 80), u.hostname)).url;
      stops.push(() => central.stop());
    }

    const scanner = await startScanner(config.scanner, log);
    stops.push(() => scanner.stop());
    // Is the scanner there (after an unplug: "Tiếp tục"); discovery again on a USB hot-plug or the technician's button.
    const presence = new ScannerPresence({
      scanner: scanner.scanner, log: log.child({ part: 'scanner' }),
      discovery: new ScannerDiscovery({ saneConfigDir: config.scanner.saneConfigDir || undefined }),
    });
    const usbEvents = config.scanner.hotplug ? await loadUsbEvents(log) : null;
    if (usbEvents) {
      const hotplug = new HotplugWatcher({ events: usbEvents, reprobe: () => presence.refresh(), log: log.child({ part: 'hotplug' }) });
      hotplug.start();
      stops.push(() => hotplug.stop());
    }
    // New documents are refused below capture.minFreeDiskMB, before anything of them is written.
    const disk = new DiskGuard({ dataDir: config.dataDir, minFreeMB: config.capture.minFreeDiskMB });
    const capture = new CaptureStage({ scanner: scanner.scanner, bus, dataDir: config.dataDir, log: log.child({ part: 'capture' }), disk });

    const directory = config.extract.agenciesPath ? AgencyDirectory.fromFile(config.extract.agenciesPath) : AgencyDirectory.builtIn();
    // (an engine handed in — a test's — belongs to whoever made it)
    const ocr = opts.ocr ?? createOcrEngine({ langPath: config.ocr.langPath || undefined, workers: config.ocr.workers, pageTimeoutMs: config.ocr.pageTimeoutSeconds * 1000, niceness: config.ocr.niceness });
    if (!opts.ocr) stops.push(() => ocr.close());

    // Never fails for a missing module or token: the state says why, and the UI shows it.
    const token = new Pkcs11Token({
      module: config.token.module, label: config.token.label || undefined, serial: config.token.serial || undefined,
      env: config.token.env, idleLogoutMs: config.token.idleLogoutMinutes * 60_000, log: log.child({ part: 'token' }),
    });
    await token.start();
    token.onChange((s) => bus.emit('token.changed', s));
    stops.push(() => token.close());

    const register = new Register({
      dir: dir('register'), officeHours: config.register.officeHours, bus, quarantine, log: log.child({ part: 'register' }),
      onIndexProgress: opts.starting && (({ done, total }) => opts.starting!(`Đang lập chỉ mục sổ đăng ký: ${done}/${total} văn bản`)),
    });
    await register.start();
    stops.push(() => register.stop());

    const untrack = trackDelivery(bus, register, log);
    stops.push(async () => untrack());
    const outbox = new Outbox({
      dir: dir('outbox'), centralUrl, deviceToken: config.central.deviceToken, bus, log: log.child({ part: 'outbox' }),
      minDelayMs: config.outbox.minDelayMs, maxDelayMs: config.outbox.maxDelayMs, quarantine,
      concurrency: config.outbox.concurrency, retryBudget: config.outbox.retryBudget, retryRefillMs: config.outbox.retryRefillMs,
      statusPollMs: config.outbox.statusPollMs, keepAcceptedDays: config.outbox.keepAcceptedDays,
      // the rest of an accepted document's local copy: its signed PDF (and its parts 2… when split)
      removeLocalCopy: async (docId) => {
        await rm(join(dir('documents'), `${docId}.pdf`), { force: true });
        for (let k = 2; existsSync(join(dir('documents'), `${docId}.p${k}.pdf`)); k++) await rm(join(dir('documents'), `${docId}.p${k}.pdf`), { force: true });
      },
    });
    // Read, not yet sending: start-up reconciliation compares it with the register first.
    await outbox.load();

    const jobs = new ScanJobs({
      capture, ocr, bus,
      extract: async (pages) => {
        const refined = await refinePages(ocr, pages);
        return { result: extractFields(refined, { directory }), pages: refined };
      },
      readFieldsFirst: (image, workDir) => extractProgressive(ocr, [image], workDir, { directory }),
      // a received PDF's own text layer: the fields without OCR (appliance/receive)
      extractText: (pages) => extractFields(pages, { directory }),
      log: log.child({ part: 'jobs' }), audit: register, jobsDir: dir('jobs'), quarantine,
      defaults: { source: config.scanner.source, mode: config.scanner.mode, dpi: config.scanner.dpi },
      // a profiles file that cannot be read is the technician's to fix: said loudly, the defaults meanwhile
      profiles: await loadProfiles(config.capture.profilesPath).catch((err: unknown) => {
        log.error({ err }, 'capture profiles file unreadable: using the default profiles');
        return DEFAULT_PROFILES;
      }),
    });
    await jobs.start();
    // stopped before the OCR engine closes: a page read finishing as it closes writes nothing
    stops.push(() => jobs.stop());

    const signer = new AgencySigner({
      token, agencyName: config.agency.name, chainPath: config.token.chainPath, trustPath: config.token.trustPath,
      sealPath: config.agency.sealPath, tsaUrl: config.signing.tsaUrl, log: log.child({ part: 'sign' }), bus,
    });
    // A missing chain, trust anchor or seal is a provisioning fault: said loudly, but the desk still
    // scans and registers; documents wait for signing until the technician fixes it.
    await signer.start().catch((err: unknown) => log.error({ err }, 'signing is not ready'));
    // Every pair of stores compared before anything can move a document (appliance/reconcile/):
    // what a crash left half-done is finished or undone, files no state owns are removed.
    await reconcileStores({
      register, outbox, jobs, quarantine, log: log.child({ part: 'reconcile' }),
      documentsDir: dir('documents'), spoolDir: capture.spoolRoot, jobsDir: dir('jobs'),
      stateDirs: [join(dir('register'), 'documents'), dir('register')],
    }).catch((err: unknown) => log.error({ err }, 'start-up reconciliation stopped: the service starts, the next start tries again'));
    // only now the jobs a restart cut off go on: their saves would race the sweep of half-written files
    await jobs.resume();
    // the scanner's button, a pedal, paper loaded: a scan they start saves job records too
    stops.push(...startHardwareTriggers(config.scanner, scanner.scanner, new HardwareStart({
      startScan: (o, actor) => jobs.startScan(o, actor), profiles: () => jobs.profiles(), log: log.child({ part: 'hardware-start' }),
    }), log));
    await outbox.start();
    stops.push(() => outbox.stop());

    const filing = new FilingQueue({
      register, jobs, outbox, log: log.child({ part: 'filing' }), documentsDir: dir('documents'),
      filing: createFiling({
        agency: config.agency, central: config.central, signer,
        issuerId: (f) => (f.issuer ? directory.lookup(f.issuer, f.issuerParent)?.id ?? null : null),
      }),
    });
    filing.start();
    stops.push(() => filing.stop());

    // Who may act: people from users.json (the technician's `sohoa users`), the demo clerk on the
    // embedded defaults only; every login, wrong PIN and logout goes to the register's audit log.
    const users = new UserStore(config.dataDir, { quarantine });
    await users.start();
    await ensureAccounts(users, { embedded: !config.configFile, log: log.child({ part: 'accounts' }) });
    const accounts = new AccountService({
      store: users, audit: register, idleMs: config.accounts.sessionIdleMinutes * 60_000,
      statePath: join(config.dataDir, 'sessions.json'), log: log.child({ part: 'accounts' }),
    });
    await accounts.start();
    stops.push(async () => accounts.stop());

    const desk = new DeskService({
      jobs, register, filing, outbox, token, log: log.child({ part: 'desk' }),
      // the agencies an outgoing document's recipients resolve to (the scan buttons' profiles are ScanJobs')
      recipients: RecipientResolver.fromFile(config.extract.agenciesPath),
    });
    // `sohoa submit`: documents handed in through the local API, idempotent by their client key.
    const submissions = new Submissions({ desk, jobs, register, token, filing, dataDir: config.dataDir, log: log.child({ part: 'submit' }) });
    await submissions.start();
    // Received electronic documents (signed PDF, edXML) from a USB drive or an e-mail attachment.
    const receive = new ReceiveService({
      jobs, audit: register, bus, log: log.child({ part: 'receive' }), dataDir: config.dataDir,
      trustPath: config.receive.trustPath || config.token.trustPath, mediaRoots: config.receive.mediaRoots, mountTable: opts.mountTable, maxBytes: config.receive.maxFileMB * 1024 * 1024,
    });
    await receive.start();

    // What the fleet's monitoring reads (GET /metrics, GET /healthz) and the status line shows.
    const health = new HealthMonitor({
      scanner: scanner.scanner, token: () => token.state(), outbox: () => outbox.list(), dataDir: config.dataDir, centralUrl, bus,
      minFreeDiskMB: config.monitoring.minFreeDiskMB, fullDiskMB: config.capture.minFreeDiskMB, deliveryStaleMinutes: config.monitoring.deliveryStaleMinutes,
    });
    health.start();
    stops.push(async () => health.stop());
    metrics.watch({
      outbox: () => outbox.list(), documents: () => register.listOpen(), documentCounts: () => register.stateCounts(), token: () => token.state(), dataDir: config.dataDir, health,
      spoolPages: () => jobs.list().reduce((n, j) => n + j.pages.length, 0),
    });

    const http = createHttpServer({
      desk, bus, accounts, profile, register: { book: register, agencyName: config.agency.name, export: { roots: config.register.exportRoots, mountTable: opts.mountTable } }, submit: submissions,
      receive: { port: receive, maxBytes: config.receive.maxFileMB * 1024 * 1024 },
      provision: (app) => provisionRoutes(app, { configFile: config.configFile || DEFAULT_CONFIG_FILE, guard: requireRole('technician') }),
      queue: {
        outbox, arrivalNumber: (docId) => register.get(docId)?.arrivalNumber ?? null,
        resend: (docId, actor) => desk.retryDocument(docId, actor),
        audit: (actor, action, docId, detail) => register.recordAudit(actor, action, docId, detail),
      },
      scanners: presence,
      logger: log.child({ part: 'api' }),
      health: () => health.statusItems(), notices: () => quarantine.notices(),
      monitoring: { allow: config.monitoring.allow, metrics: () => metrics.scrape(), health: () => health.report() },
    });
    await http.listen({ port: config.http.port, host: config.http.host });
    stops.push(() => http.close());
    const addr = http.server.address() as AddressInfo;
    const url = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}/`;

    const scannerSimulatorUrl = scanner.simulator?.url.replace(/\/eSCL$/, '');
    return { url, centralUrl, scannerSimulatorUrl, bus, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Loud in the log: a demo part on a desk means documents that never reach the central system. */
function logProfile(log: Logger, p: ProfileInfo, configFile: string): void {
  if (p.profile === 'demo') {
    log.warn(p, 'CHẾ ĐỘ THỬ NGHIỆM (demo profile): không có tệp cấu hình — máy quét mô phỏng, hệ thống nhận ngay trong máy, khoá ký số, con dấu và tài khoản thử nghiệm. Văn bản KHÔNG được gửi đi thật.');
  } else if (p.demoParts.length) {
    log.warn({ ...p, configFile }, `THỬ NGHIỆM: cấu hình ${configFile} yêu cầu phần thử nghiệm: ${p.demoParts.join(', ')}`);
  } else {
    log.info({ ...p, configFile }, `Cấu hình thiết bị: ${configFile}`);
  }
}
