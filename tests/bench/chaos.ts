import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEV_CORPUS, projectPath } from '../../appliance/config/paths.js';
import { NotifyListener, spawnService, urlFromStatus, type ServiceProcess } from '../helpers/service-process.js';
import { argValue } from './rss-sampler.js';

// `npm run bench -- chaos [--documents=200] [--kills=50] [--fail-rate=0.3] [--reset-rate=0.1]`
// Issue 10's proof, with real processes: documents are handed to the running service with
// `sohoa submit` (the way an operator's script would) while the service is killed with SIGKILL at
// random moments and at chosen ones (right after a registration, a queuing, a delivery), then
// restarted as systemd would. The reference receiver (`sohoa central`, its own process) fails a
// share of the uploads with 503 and resets a share of the connections. At the end every document
// must be held by the receiver exactly once, the register gapless, nothing stranded or left behind.
// Last line: {"bench":"chaos","documents","kills","lost","duplicated","stranded","leftoverFiles","gapless",…}

const exec = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);
const SOHOA = projectPath('bin', 'sohoa.js');
const DEVICE_TOKEN = 'chaos-device-token-0123456789';
const CLERK = { name: 'Văn thư kiểm thử', pin: '246810' };
const TOKEN_PIN = '123456';
/** Log messages after which the killer may strike at once (the crash windows of issue 10). */
const STRIKE_AFTER = [/registered/i, /queued/i, /delivered/i, /signed/i, /filed/i];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Clean one-page documents of the dev corpus without a secrecy mark. */
function samplePages(): string[] {
  const root = DEV_CORPUS;
  const pages: string[] = [];
  for (const doc of readdirSync(root).sort()) {
    try {
      const truth = JSON.parse(readFileSync(join(root, doc, 'truth.json'), 'utf8')) as { variant?: { name?: string }; confidentiality?: string | null };
      const files = readdirSync(join(root, doc)).filter((f) => /^page-\d+\.(png|jpg)$/.test(f));
      // a secret document is (rightly) never sent: the bench measures delivery, so none of those
      if (truth.variant?.name === 'clean' && !truth.confidentiality && files.length === 1) pages.push(join(root, doc, files[0]!));
    } catch { /* not a document folder */ }
  }
  if (!pages.length) throw new Error(`no clean one-page document in ${root}`);
  return pages;
}

interface Submission { key: string; marker: string; page: string; done: boolean; attempts: number; lastError: string }

class ServiceRunner {
  service: ServiceProcess | null = null;
  url = '';
  starts = 0;
  kills = 0;
  private notifyCount = 0;
  private outputSeen = 0;

  constructor(private readonly dir: string, private readonly config: string, private readonly env: Record<string, string>) {}

  async start(): Promise<void> {
    const notify = new NotifyListener(join(this.dir, `notify-${this.notifyCount++}.sock`));
    notify.start();
    try {
      this.service = spawnService(this.config, { ...this.env, NOTIFY_SOCKET: notify.path, SOHOA_LOG_LEVEL: 'info' }, { limitMs: 3_600_000 });
      const ready = await notify.next('READY', 120_000).catch((err: Error) => {
        throw new Error(`${err.message}\n${this.service?.output().slice(-2000) ?? ''}`);
      });
      this.url = urlFromStatus(ready).replace(/\/$/, '');
      this.starts++;
      this.outputSeen = 0;
    } finally {
      notify.stop();
    }
    await this.unlockToken();
  }

  /** The clerk logs in and unlocks the token after each start (documents wait to be signed otherwise). */
  private async unlockToken(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      try {
        const login = await fetch(`${this.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CLERK) });
        if (!login.ok) throw new Error(`login ${login.status} ${await login.text()}`);
        const { token } = await login.json() as { token: string };
        const unlock = await fetch(`${this.url}/api/token/unlock`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ pin: TOKEN_PIN }) });
        if (unlock.ok) return;
        throw new Error(`unlock ${unlock.status} ${await unlock.text()}`);
      } catch (err) {
        if (i === 19) throw err;
        await sleep(500);
      }
    }
  }

  /** True when the service logged one of the strike-after messages since the last look. */
  strikeMoment(): boolean {
    const out = this.service?.output() ?? '';
    const fresh = out.slice(this.outputSeen);
    this.outputSeen = out.length;
    return fresh.split('\n').some((line) => {
      try { const msg = String((JSON.parse(line) as { msg?: string }).msg ?? ''); return STRIKE_AFTER.some((r) => r.test(msg)); } catch { return false; }
    });
  }

  async kill(): Promise<void> {
    if (!this.service) return;
    this.service.child.kill('SIGKILL');
    await this.service.exited;
    this.kills++;
    this.service = null;
  }

  async stop(): Promise<void> {
    if (!this.service) return;
    this.service.child.kill('SIGTERM');
    await Promise.race([this.service.exited, sleep(30_000)]);
    if (this.service.child.exitCode === null) this.service.child.kill('SIGKILL');
    this.service = null;
  }
}

/** One `sohoa submit`; true when the service registered it (printed its register entry). */
async function submitOnce(runner: ServiceRunner, s: Submission): Promise<boolean> {
  if (!runner.service) return false;
  s.attempts++;
  try {
    const fields = { numberNotation: `${s.marker}/CHAOS`, summary: `Văn bản kiểm thử ${s.marker}` };
    const { stdout } = await exec('node', [SOHOA, 'submit', s.page, '--fields', JSON.stringify(fields), '--key', s.key, '--url', runner.url, '--timeout', '90'], {
      env: { ...process.env, SOHOA_USER: CLERK.name, SOHOA_PIN: CLERK.pin },
      timeout: 120_000, killSignal: 'SIGKILL',
    });
    const entry = JSON.parse(stdout.trim().split('\n').pop()!) as { arrivalNumber?: number };
    return typeof entry.arrivalNumber === 'number';
  } catch (err) {
    s.lastError = ((err as { stderr?: string }).stderr || (err as Error).message).trim().split('\n').pop() ?? '';
    return false;
  }
}

interface RegisterFile { docId: string; arrivalNumber: number | null; year: number; state: string; fields: { summary: string | null }; history: { state: string; detail: string | null }[] }

function readRegister(dataDir: string): RegisterFile[] {
  const docs = join(dataDir, 'register', 'documents');
  return readdirSync(docs).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(docs, f), 'utf8')) as RegisterFile)
}

/** Files under a folder, recursively (the scan spool must be empty at the end). */
function filesUnder(dir: string): string[] {
  let out: string[] = [];
  let names: string[] = [];
  try { names = readdirSync(dir); } catch { return out; }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(filesUnder(p)); else out.push(p);
  }
  return out;
}

export async function run(args: string[]): Promise<void> {
  const documents = Number(argValue(args, 'documents') ?? 200);
  const killTarget = Number(argValue(args, 'kills') ?? 50);
  const failRate = Number(argValue(args, 'fail-rate') ?? 0.3);
  const resetRate = Number(argValue(args, 'reset-rate') ?? 0.1);
  const concurrency = Number(argValue(args, 'concurrency') ?? 2);
  const loadBefore = load();
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-bench-chaos-'));
  let receiver: ChildProcess | null = null;
  let runner: ServiceRunner | null = null;
  try {
    const tokenDir = join(dir, 'token');
    await exec('bash', [projectPath('provisioning', 'dev-token.sh'), tokenDir], { env: { ...process.env, SOFTHSM2_CONF: '' }, timeout: 60_000 });
    const dataDir = join(dir, 'data');
    const centralDir = join(dir, 'central');
    const centralPort = await freePort();
    receiver = spawn('node', [SOHOA, 'central', '--port', String(centralPort), '--data-dir', centralDir, '--token', DEVICE_TOKEN,
      '--fail-rate', String(failRate), '--reset-rate', String(resetRate)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let receiverErr = '';
    receiver.stderr!.on('data', (d: Buffer) => { receiverErr += d.toString(); });
    for (let i = 0; !/listening/.test(receiverErr); i++) {
      if (i > 100 || receiver.exitCode !== null) throw new Error(`the receiver did not start: ${receiverErr}`);
      await sleep(100);
    }

    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({
      dataDir,
      http: { host: '127.0.0.1', port: await freePort() },
      central: { url: `http://127.0.0.1:${centralPort}`, deviceToken: DEVICE_TOKEN, toId: '000.00.00.H00', toName: 'HỆ THỐNG QUẢN LÝ VĂN BẢN TỈNH (KIỂM THỬ)' },
      scanner: { simulator: { enabled: true, port: 0 } },
      ocr: { workers: 1 },
      outbox: { minDelayMs: 200, maxDelayMs: 3000 },
      agency: { id: '000.00.00.H99', name: 'VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH (THỬ NGHIỆM)', sealPath: join(tokenDir, 'seal.png') },
      token: { module: '/usr/lib/softhsm/libsofthsm2.so', label: 'SOHOA DEV', env: { SOFTHSM2_CONF: join(tokenDir, 'softhsm2.conf') }, chainPath: join(tokenDir, 'chain.pem'), trustPath: join(tokenDir, 'ca.pem') },
    }));
    const env = { SOFTHSM2_CONF: join(tokenDir, 'softhsm2.conf') };
    await exec('node', [SOHOA, 'users', 'add', CLERK.name], { env: { ...process.env, SOHOA_CONFIG: config, SOHOA_USER_PIN: CLERK.pin }, timeout: 30_000 });

    runner = new ServiceRunner(dir, config, env);
    await runner.start();

    const pages = samplePages();
    const runId = Date.now().toString(36);
    const subs: Submission[] = Array.from({ length: documents }, (_, i) => ({
      key: `chaos-${runId}-${i}`, marker: `${runId}-${i + 1}`, page: pages[i % pages.length]!, done: false, attempts: 0, lastError: '',
    }));

    // The submitters: each document is submitted until the service answers with its register
    // entry; the same client key every time, so a retry after a kill never registers it twice.
    let next = 0;
    const submitter = async () => {
      while (next < subs.length) {
        const s = subs[next++]!;
        for (let tries = 0; !s.done && tries < 200; tries++) {
          s.done = await submitOnce(runner!, s);
          if (!s.done) await sleep(300);
        }
      }
    };
    const submitting = Promise.all(Array.from({ length: concurrency }, submitter));
    let submissionsOver = false;
    void submitting.finally(() => { submissionsOver = true; });

    // The killer: at a random moment every 1–8 s, or at once after a chosen log line (with odds),
    // until the target is reached; the service is restarted at once, as systemd does.
    const killStats = { random: 0, afterEvent: 0 };
    while (runner.kills < killTarget || !submissionsOver) {
      const waitMs = 1000 + Math.random() * 7000;
      const until = Date.now() + waitMs;
      let reason: 'random' | 'afterEvent' = 'random';
      while (Date.now() < until) {
        await sleep(50);
        if (runner.strikeMoment() && Math.random() < 0.3) { reason = 'afterEvent'; break; }
      }
      if (runner.kills >= killTarget && !submissionsOver) { await sleep(500); continue; }
      if (runner.kills >= killTarget) break;
      await runner.kill();
      killStats[reason]++;
      await runner.start();
    }
    await submitting;

    // Let it settle: every document delivered (01) or accepted (03); bounded wait.
    const settleDeadline = Date.now() + 10 * 60_000;
    let entries = readRegister(dataDir);
    const final = new Set(['delivered', 'accepted']);
    while (Date.now() < settleDeadline) {
      entries = readRegister(dataDir);
      if (entries.length >= subs.filter((s) => s.done).length && entries.every((e) => final.has(e.state))) break;
      await sleep(2000);
    }
    await runner.stop();
    receiver.kill('SIGTERM');
    await new Promise((r) => receiver!.once('exit', r));
    receiver = null;

    // What the receiver holds: one line per DocumentId with how many times it was received.
    const listed = (await exec('node', [SOHOA, 'central', '--list', '--data-dir', centralDir], { timeout: 60_000, maxBuffer: 64 << 20 })).stdout
      .trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { documentId: string; received: number; summary?: string });
    const held = new Map(listed.map((l) => [l.documentId, l]));

    entries = readRegister(dataDir);
    const documentIdOf = (e: RegisterFile) => [...e.history].reverse().find((h) => h.state === 'queued')?.detail ?? null;
    let lost = 0; let duplicated = 0;
    const lostList: string[] = [];
    for (const s of subs) {
      const mine = entries.filter((e) => (e.fields.summary ?? '').endsWith(` ${s.marker}`));
      if (mine.length > 1) duplicated += mine.length - 1;
      const arrived = mine.filter((e) => { const id = documentIdOf(e); return id !== null && held.has(id); });
      if (arrived.length === 0) { lost++; lostList.push(`${s.marker}: ${s.done ? 'registered' : 'never registered'}${mine[0] ? ` (${mine[0].state})` : ''} ${s.lastError}`); }
    }
    const stranded = entries.filter((e) => !final.has(e.state));
    const numbers = entries.filter((e) => e.arrivalNumber !== null).map((e) => e.arrivalNumber!).sort((a, b) => a - b);
    const gapless = numbers.every((n, i) => n === i + 1);
    // Every document is filed: its scan job and page images must be gone from the spool.
    const leftover = [...filesUnder(join(dataDir, 'jobs')), ...filesUnder(join(dataDir, 'spool'))];
    const summary = {
      bench: 'chaos', documents, submitted: subs.filter((s) => s.done).length, registered: entries.length, kills: runner.kills, killsAfterEvent: killStats.afterEvent,
      starts: runner.starts, lost, duplicated, stranded: stranded.length, leftoverFiles: leftover.length, gapless,
      receptions: listed.reduce((n, l) => n + l.received, 0), heldByReceiver: listed.length,
      strandedStates: stranded.slice(0, 10).map((e) => `${e.arrivalNumber}:${e.state}`), lostList: lostList.slice(0, 10), leftoverSample: leftover.slice(0, 10),
      failRate, resetRate, minutes: Math.round((Date.now() - started) / 6000) / 10, loadBefore, loadAfter: load(),
      unit: 'counts; minutes of wall time',
    };
    process.stdout.write(JSON.stringify(summary) + '\n');
  } finally {
    await runner?.stop().catch(() => undefined);
    receiver?.kill('SIGKILL');
    if (!process.env.SOHOA_BENCH_KEEP) await rm(dir, { recursive: true, force: true });
    else process.stderr.write(`chaos: kept ${dir}\n`);
  }
}
