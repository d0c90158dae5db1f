import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectPath } from '../../appliance/config/paths.js';
import { NotifyListener, spawnService, urlFromStatus, writeServiceConfig, type ServiceProcess } from '../helpers/service-process.js';
import { sampleTree, summarise, type TreeSample } from './process-tree.js';
import { argValue } from './rss-sampler.js';

// `npm run bench -- start [--runs=5] [--idle=20]`: the service started as systemd starts it
// (Type=notify: a datagram socket in NOTIFY_SOCKET), N times on the same data folder (the first on a
// fresh one): process spawn → READY=1, target ≤ 1.5 s. Then, with the last one left running, the
// idle cost over the same window of the service (its process tree) and of the kiosk browser on
// the UI's first screen: the command line of systemd/sohoa-kiosk.service under cage's headless
// backend when cage and Xwayland are installed, else Chromium --headless with the same flags.

const exec = promisify(execFile);
const TARGET_MS = 1500;
const NOBODY = 65534;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

/** The kiosk unit's ExecStart (continuation lines joined), its state and runtime folders moved. */
function kioskCommand(url: string, home: string, runtime: string): string[] {
  const unit = readFileSync(projectPath('systemd', 'sohoa-kiosk.service'), 'utf8');
  const lines = unit.split('\n');
  const start = lines.findIndex((l) => l.startsWith('ExecStart='));
  let cmd = '';
  for (let i = start; i < lines.length; i++) {
    const l = lines[i]!;
    cmd += ' ' + l.replace(/^ExecStart=/, '').replace(/\\$/, '');
    if (!l.endsWith('\\')) break;
  }
  return cmd.replaceAll('${SOHOA_KIOSK_URL}', url).replaceAll('/var/lib/sohoa-kiosk', home).replaceAll('/run/sohoa-kiosk', runtime)
    .trim().split(/\s+/);
}

interface Kiosk { child: ChildProcess; mode: string; stop(): Promise<void> }

async function startKiosk(url: string): Promise<Kiosk> {
  // Its own folder: the bench's (0700, with the token) is not for the unprivileged kiosk user.
  const kioskDir = await mkdtemp(join(tmpdir(), 'sohoa-bench-kiosk-'));
  await chmod(kioskDir, 0o755);
  const home = join(kioskDir, 'home'); const runtime = join(kioskDir, 'run');
  await mkdir(home, { mode: 0o700 }); await mkdir(runtime, { mode: 0o700 });
  const root = process.getuid?.() === 0;
  if (root) { await chown(home, NOBODY, NOBODY); await chown(runtime, NOBODY, NOBODY); }
  const have = async (c: string) => exec('sh', ['-c', `command -v ${c}`]).then(() => true, () => false);
  let argv = kioskCommand(url, home, runtime);
  let mode = 'cage (headless backend) + Chromium, the unit\'s command line';
  if (!(await have('cage')) || !(await have('Xwayland'))) {
    const flags = argv.slice(argv.indexOf('/usr/bin/chromium') + 1).filter((f) => !f.startsWith('--ozone-platform'));
    argv = ['/usr/bin/chromium', '--headless', '--window-size=1280,800', ...flags];
    mode = 'Chromium --headless with the unit\'s flags (cage or Xwayland not installed)';
  }
  // Chromium will not run as root with its sandbox: the kiosk runs as an unprivileged user anyway.
  if (root) argv = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'env', `HOME=${home}`, ...argv];
  const child = spawn(argv[0]!, argv.slice(1), {
    env: { ...process.env, HOME: home, WLR_BACKENDS: 'headless', WLR_LIBINPUT_NO_DEVICES: '1', WLR_RENDERER: 'pixman' },
    stdio: 'ignore', detached: true,
  });
  child.on('error', () => { /* reported as a kiosk without processes */ });
  const limit = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 300_000);
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return {
    child, mode,
    async stop() {
      clearTimeout(limit);
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
      await Promise.race([exited, sleep(10_000)]);
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      await rm(kioskDir, { recursive: true, force: true });
    },
  };
}

async function stopService(s: ServiceProcess): Promise<void> {
  s.child.kill('SIGTERM');
  await Promise.race([s.exited, sleep(20_000)]);
  if (s.child.exitCode === null) s.child.kill('SIGKILL');
}

export async function run(args: string[]): Promise<void> {
  const runs = Number(argValue(args, 'runs') ?? 5);
  const idleSeconds = Number(argValue(args, 'idle') ?? 20);
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-bench-start-'));
  const loadBefore = load();
  let service: ServiceProcess | undefined;
  let kiosk: Kiosk | undefined;
  try {
    const tokenDir = join(dir, 'token');
    await exec('bash', [projectPath('provisioning', 'dev-token.sh'), tokenDir], { env: { ...process.env, SOFTHSM2_CONF: '' }, timeout: 60_000 });
    const config = await writeServiceConfig(dir, {
      dir: tokenDir, module: '/usr/lib/softhsm/libsofthsm2.so', label: 'SOHOA DEV',
      env: { SOFTHSM2_CONF: join(tokenDir, 'softhsm2.conf') }, sealPath: join(tokenDir, 'seal.png'),
    });

    const readyMs: number[] = [];
    const cpuMsAtReady: number[] = [];
    let url = '';
    for (let i = 0; i < runs; i++) {
      const notify = new NotifyListener(join(dir, `notify-${i}.sock`));
      notify.start();
      const spawned = Date.now();
      service = spawnService(config, { NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: '30000000', SOHOA_LOG_LEVEL: 'warn' }, { limitMs: 600_000 });
      const ready = await notify.next('READY', 60_000);
      readyMs.push(ready.at - spawned);
      // CPU the start took (all threads and children): what a quiet machine needs, load aside.
      cpuMsAtReady.push(Math.round(sampleTree(service.child.pid!).cpuSeconds * 1000));
      url = urlFromStatus(ready);
      notify.stop();
      if (i < runs - 1) await stopService(service);
    }
    const sorted = [...readyMs].sort((a, b) => a - b);
    process.stdout.write(JSON.stringify({ bench: 'start', step: 'ready', readyMs, cpuMsAtReady, p50Ms: sorted[Math.floor(sorted.length / 2)], maxMs: sorted[sorted.length - 1], targetMs: TARGET_MS, load: load() }) + '\n');

    kiosk = await startKiosk(url);
    await sleep(15_000); // the browser starts and shows the login screen; then it idles
    const svc: TreeSample[] = []; const kio: TreeSample[] = [];
    for (let s = 0; s <= idleSeconds; s++) {
      svc.push(sampleTree(service!.child.pid!));
      kio.push(sampleTree(kiosk.child.pid!));
      if (s < idleSeconds) await sleep(1000);
    }
    const serviceIdle = summarise(svc);
    const kioskIdle = summarise(kio);
    const summary = {
      bench: 'start', runs, readyMs, cpuMsAtReady, p50Ms: sorted[Math.floor(sorted.length / 2)], maxMs: sorted[sorted.length - 1],
      targetMs: TARGET_MS, withinTarget: sorted[Math.floor(sorted.length / 2)]! <= TARGET_MS,
      idleSeconds, service: serviceIdle, kiosk: { mode: kiosk.mode, ...kioskIdle },
      loadBefore, loadAfter: load(), cores: (await exec('nproc')).stdout.trim(),
      unit: 'readyMs: spawn to READY=1, cpuMsAtReady: CPU time the service had used by then; MB; CPU in % of one core',
    };
    process.stdout.write(JSON.stringify(summary) + '\n');
  } finally {
    await kiosk?.stop();
    if (service) await stopService(service);
    if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
  }
}
