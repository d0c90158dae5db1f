import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaneScanner } from '../../drivers/scanner/sane-scanner.js';
import { writeSaneConfig } from '../../drivers/scanner/sane-config.js';
import { EsclSimulator } from '../../drivers/scanner/escl-simulator/simulator.js';
import type { ScannedPage } from '../../drivers/scanner/scanner.js';
import { Pkcs11Token } from '../../drivers/token/pkcs11-token.js';
import type { TokenStatus } from '../../drivers/token/token.js';
import { createCentralServer } from '../central/server.js';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { buildNewDocumentPackage } from '../edxml/index.js';
import { toErrorInfo } from '../errors.js';
import { extractFields } from '../extract/extract-fields.js';
import type { ExtractionResult } from '../extract/fields.js';
import { silentLogger } from '../log.js';
import { createOcrEngine } from '../ocr/create-engine.js';
import { SYLLABLE_LIST, syllableListLoaded } from '../extract/vn-syllables.js';
import type { OcrPage } from '../ocr/ocr.js';
import { deliver } from '../outbox/deliver.js';
import { buildSearchablePdf } from '../pdf/searchable-pdf.js';
import { AgencySigner } from '../sign/agency-signer.js';
import type { Command } from './command.js';
import { promptPin } from './pin-prompt.js';
import { checkTokenModule, requireFile, whyNoToken } from './signing-checks.js';

const help = `sohoa selftest — the technician's check of this device

Usage:
  sohoa selftest

Runs the configured parts once, in the order a document takes, and prints ONE JSON object:
  {"ok": true, "steps": [{"name": "scan", "ok": true, "ms": 812, "detail": "…"}, …]}
Steps: scan (one sheet from the feeder), ocr (that page), extract (its fields; on the demo
scanner they are compared with the page's known truth), sign (a searchable PDF signed with the
token and verified), deliver (the central system: on a real one, reachability and this device's
credentials only — no test document is filed there; on the embedded receiver, a full delivery).
A step that cannot run because an earlier one failed is reported as skipped (ok: false).
A configuration that "sohoa config check" refuses stops it first: one step "config" with the reasons.
Exit status 0 when every step passed, 1 otherwise; the reason is in plain words in "detail".

Put one printed page in the feeder first (the demo scanner feeds itself).
The PIN comes from SOHOA_TOKEN_PIN or is asked for on the terminal; for the development token
(SoftHSM "SOHOA DEV") its development PIN is used. It is tried once, never again.

Examples:
  npx sohoa selftest
  SOHOA_CONFIG=/etc/sohoa/config.json npx sohoa selftest | jq .
`;

interface Step { name: string; ok: boolean; ms: number; detail: string }

const DEV_TOKEN = { label: 'SOHOA DEV', pin: '123456' };

/** Each step's time limit: a technician never waits on a hung part; the report says which one it was. */
const STEP_LIMIT_MS = { scan: 90_000, extract: 30_000, sign: 90_000, deliver: 45_000 } as const;

class TimeLimit extends Error {}

/** `work`, or a TimeLimit after `ms` (the work itself is left to end or be cut by the exit). */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new TimeLimit()), ms); });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

class Run {
  readonly steps: Step[] = [];
  /** Parts whose close did not end within its limit, or left a thread inside a native call. */
  readonly stuck: string[] = [];

  /** Runs one step within its time limit; says on stderr what it is doing (stdout holds the report only). */
  async step<T>(name: string, limitMs: number, fn: () => Promise<{ value: T; detail: string }>): Promise<T | undefined> {
    const t0 = performance.now();
    process.stderr.write(`sohoa selftest: ${name}…\n`);
    const work = fn();
    work.catch(() => undefined); // after a time limit its late failure has no one to tell
    try {
      const { value, detail } = await within(limitMs, work);
      this.steps.push({ name, ok: true, ms: Math.round(performance.now() - t0), detail });
      return value;
    } catch (err) {
      const ms = Math.round(performance.now() - t0);
      if (err instanceof TimeLimit) {
        this.steps.push({ name, ok: false, ms, detail: `Bước "${name}" không xong sau ${Math.round(limitMs / 1000)} giây: thiết bị hoặc phần mềm của bước này không trả lời. (time limit)` });
      } else {
        const info = toErrorInfo(err);
        this.steps.push({ name, ok: false, ms, detail: `${info.message} (${info.detail ?? info.code})` });
      }
      return undefined;
    } finally {
      process.stderr.write(`sohoa selftest: ${name} ${this.steps.at(-1)!.ok ? 'ok' : 'FAILED'} (${Math.round(performance.now() - t0)} ms)\n`);
    }
  }

  skip(name: string, because: string): void {
    this.steps.push({ name, ok: false, ms: 0, detail: `bỏ qua: ${because}` });
  }
}

/** The demo scanner runs here on a free port, fed one known page, so a running appliance is not disturbed. */
async function scanOne(cfg: Config, work: string): Promise<{ page: ScannedPage; truth: Record<string, unknown> | null; stop: () => Promise<void> }> {
  let sim: EsclSimulator | undefined;
  let saneDir = cfg.scanner.saneConfigDir;
  let truth: Record<string, unknown> | null = null;
  if (cfg.scanner.simulator.enabled) {
    const docDir = readdirSync(cfg.scanner.simulator.pagesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(cfg.scanner.simulator.pagesDir, d.name))[0];
    if (!docDir) throw new Error(`no demo pages in ${cfg.scanner.simulator.pagesDir}`);
    sim = new EsclSimulator({ port: 0 });
    const { url } = await sim.start();
    const first = readdirSync(docDir).filter((f) => /^page-1\.(png|jpe?g|tiff?)$/i.test(f))[0]!;
    await sim.loadFeeder([join(docDir, first)]);
    if (existsSync(join(docDir, 'truth.json'))) truth = JSON.parse(await readFile(join(docDir, 'truth.json'), 'utf8')) as Record<string, unknown>;
    saneDir = join(work, 'sane');
    await writeSaneConfig(saneDir, { esclUrl: url, deviceName: cfg.scanner.device.replace(/^airscan:e0:/, '') });
  }
  const scanner = new SaneScanner({ device: cfg.scanner.device, saneConfigDir: saneDir || undefined, stallMs: 60_000 });
  const stop = async () => { await sim?.stop(); };
  try {
    for await (const page of scanner.scan({ source: cfg.scanner.source, mode: cfg.scanner.mode, dpi: cfg.scanner.dpi, outDir: work, maxPages: 1 })) {
      return { page, truth, stop };
    }
    throw new Error('the scanner returned no page');
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The token's state once the worker has looked (start() usually waits for that; a loaded machine
 * can take longer to start the worker and load the module): present, absent, or an error.
 */
async function firstState(token: Pkcs11Token, timeoutMs = 10_000): Promise<TokenStatus> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = token.state();
    if (token.reported || s.error || Date.now() > end) return s; // (present only ever comes from a report)
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function tokenPin(cfg: Config, token: Pkcs11Token): Promise<string> {
  if (process.env.SOHOA_TOKEN_PIN) return process.env.SOHOA_TOKEN_PIN;
  const s = token.state();
  if (s.label === DEV_TOKEN.label && cfg.token.module.includes('softhsm')) return DEV_TOKEN.pin;
  return promptPin();
}

async function deliverCheck(cfg: Config, signedPdf: Uint8Array | undefined, fields: ExtractionResult | undefined): Promise<string> {
  const target = { centralUrl: cfg.central.url, deviceToken: cfg.central.deviceToken, timeoutMs: 15_000 };
  if (!cfg.central.embedded) {
    const health = await fetch(new URL('/healthz', cfg.central.url), { signal: AbortSignal.timeout(10_000) });
    if (!health.ok) throw new Error(`central system ${cfg.central.url} answered ${health.status} to /healthz`);
    // An empty package: the receiver checks credentials before the body, so 400 means "accepted device".
    const probe = await deliver(target, 'selftest', '', AbortSignal.timeout(15_000));
    if (probe.kind === 'retry') {
      throw new Error(probe.credentialsRefused ? `the central system refused this device's credentials: ${probe.reason}` : `the central system did not answer properly: ${probe.reason}`);
    }
    return `${cfg.central.url} reachable, device credentials accepted (no document filed)`;
  }
  if (!signedPdf || !fields?.numberNotation || !fields.date) throw new Error('no signed document from the earlier steps to deliver');
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-selftest-central-'));
  const central = createCentralServer({ dataDir: dir, tokens: [cfg.central.deviceToken] });
  try {
    const { url } = await central.start(0);
    const { documentId, xml } = buildNewDocumentPackage({
      from: { id: cfg.agency.id, name: cfg.agency.name }, to: [{ id: cfg.central.toId, name: cfg.central.toName }],
      fields, attachment: { fileName: 'selftest.pdf', pdf: signedPdf },
    });
    const out = await deliver({ ...target, centralUrl: url }, documentId, xml, AbortSignal.timeout(15_000));
    if (out.kind !== 'delivered') throw new Error(`the reference receiver did not accept the package: ${JSON.stringify(out)}`);
    return `delivered to the embedded reference receiver, StatusCode ${out.statusCode}`;
  } finally {
    await central.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function selftest(cfg: Config): Promise<Run> {
  const run = new Run();
  const work = await mkdtemp(join(tmpdir(), 'sohoa-selftest-'));
  const ocr = createOcrEngine({ langPath: cfg.ocr.langPath || undefined, workers: 1, pageTimeoutMs: cfg.ocr.pageTimeoutSeconds * 1000 });
  const token = new Pkcs11Token({ module: cfg.token.module, label: cfg.token.label || undefined, serial: cfg.token.serial || undefined, env: cfg.token.env });
  try {
    const scanned = await run.step('scan', STEP_LIMIT_MS.scan, async () => {
      const r = await scanOne(cfg, work);
      await r.stop();
      return { value: r, detail: `1 page from ${cfg.scanner.device} at ${r.page.dpi} dpi` };
    });
    const page = scanned && await run.step('ocr', cfg.ocr.pageTimeoutSeconds * 1000 + 30_000, async () => {
      const p: OcrPage = await ocr.recognize(scanned.page.path, { workDir: work });
      const words = p.lines.reduce((n, l) => n + l.words.length, 0);
      if (words < 20) throw new Error(`only ${words} words recognised: is the page upside down, blank or not a document?`);
      return { value: p, detail: `${words} words, rotation ${p.rotation}°` };
    });
    if (!scanned) run.skip('ocr', 'no page was scanned');
    const fields = page && await run.step('extract', STEP_LIMIT_MS.extract, async () => {
      const f = extractFields([page]);
      // without the syllable list the extractor still works, with its name lists alone
      const lists = syllableListLoaded() ? '' : `; warning: no Vietnamese syllable list at ${SYLLABLE_LIST} (install hunspell-vi)`;
      const truth = scanned?.truth;
      if (truth) {
        const wrong = (['numberNotation', 'date', 'type'] as const).filter((k) => String(f[k] ?? '') !== String(truth[k] ?? ''));
        if (wrong.length) throw new Error(`fields differ from the demo page's truth: ${wrong.map((k) => `${k} "${f[k]}" ≠ "${truth[k]}"`).join(', ')}`);
        return { value: f, detail: `${f.type} ${f.numberNotation} of ${f.date}: matches the demo page${lists}` };
      }
      if (!f.numberNotation || !f.date) throw new Error('no number/notation or date found on the page');
      return { value: f, detail: `${f.type} ${f.numberNotation} of ${f.date}${lists}` };
    });
    if (!page) run.skip('extract', 'no OCR result');

    const signed = page && await run.step('sign', STEP_LIMIT_MS.sign, async () => {
      // The real cause first: a module, a development token, a seal or a trust file that is not there.
      checkTokenModule(cfg, cfg.token.module, cfg.token.env);
      requireFile(cfg, cfg.agency.sealPath, { vi: 'ảnh con dấu', key: 'agency.sealPath' });
      requireFile(cfg, cfg.token.trustPath, { vi: 'tệp chứng thư gốc tin cậy', key: 'token.trustPath' });
      if (cfg.token.chainPath) requireFile(cfg, cfg.token.chainPath, { vi: 'tệp chuỗi chứng thư', key: 'token.chainPath' });
      await token.start();
      const s = await firstState(token);
      if (!s.present) throw await whyNoToken(cfg, token, s);
      await token.login(await tokenPin(cfg, token));
      const signer = new AgencySigner({ token, agencyName: cfg.agency.name, chainPath: cfg.token.chainPath, trustPath: cfg.token.trustPath, sealPath: cfg.agency.sealPath, tsaUrl: cfg.signing.tsaUrl, log: silentLogger() });
      await signer.start();
      const pdf = await buildSearchablePdf([{ imagePath: page.imagePath, width: page.width, height: page.height, dpi: page.dpi, lines: page.lines }], { title: 'Sohoa selftest' });
      const res = await signer.sign(pdf, { appearance: 'seal', reason: 'Sohoa selftest' });
      const sig = res.report.signatures.at(-1);
      return { value: res.pdf, detail: `${res.level} signature by ${sig?.signer ?? '?'} verified (chain ${sig?.chain.ok ? 'trusted' : 'not trusted'})` };
    });
    if (!page) run.skip('sign', 'no page to sign');

    if (cfg.central.embedded && !signed) run.skip('deliver', 'no signed document to deliver');
    else await run.step('deliver', STEP_LIMIT_MS.deliver, async () => ({ value: null, detail: await deliverCheck(cfg, signed, fields) }));
  } finally {
    // bounded: a token stuck inside a native call cannot hold the report back (the exit ends it)
    await within(15_000, token.close()).catch((err: unknown) => { if (err instanceof TimeLimit) run.stuck.push('token'); });
    if (token.abandonedThreads > 0 && !run.stuck.includes('token')) run.stuck.push('token');
    await within(15_000, ocr.close()).catch((err: unknown) => { if (err instanceof TimeLimit) run.stuck.push('ocr'); });
    await rm(work, { recursive: true, force: true });
  }
  return run;
}

const command: Command = {
  name: 'selftest',
  summary: "technician's check: scan, OCR, extract, sign, deliver on the configured parts",
  help,
  async run(args) {
    if (args.length) {
      process.stderr.write(`sohoa selftest: takes no arguments (see sohoa selftest --help)\n`);
      return 2;
    }
    let cfg: Config;
    try {
      cfg = loadConfig();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // The configuration is the first thing checked: the same messages as "sohoa config check".
      const step = { name: 'config', ok: false, ms: 0, detail: err.problems.map((p) => p.message).join(' ') };
      process.stdout.write(JSON.stringify({ ok: false, steps: [step] }) + '\n');
      process.stderr.write(`sohoa selftest: config: ${step.detail}\n`);
      return 1;
    }
    const run = await selftest(cfg);
    const ok = run.steps.every((s) => s.ok);
    process.stdout.write(JSON.stringify({ ok, steps: run.steps }) + '\n');
    if (!ok) process.stderr.write(`sohoa selftest: ${run.steps.filter((s) => !s.ok).map((s) => `${s.name}: ${s.detail}`).join('; ')}\n`);
    // The report is out: a part left running must not keep the technician's terminal. What still
    // holds the process after 5 s is said (for the record), then it ends with the report's status.
    // A token thread stuck inside a native call cannot be stopped, and Node waits for it even in
    // process.exit() (tried: it hangs), so when a part's close ran past its limit only SIGKILL ends
    // the process (exit status 137). Unref'd: a run that drains exits at once and never meets this.
    const code = ok ? 0 : 1;
    setTimeout(() => {
      const holding = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').join(', ') || '?';
      if (run.stuck.length) {
        process.stderr.write(`sohoa selftest: một bộ phận (${run.stuck.join(', ')}) không dừng sau 5 giây; kết thúc cưỡng bức. (holding: ${holding})\n`);
        process.kill(process.pid, 'SIGKILL');
      } else {
        process.stderr.write(`sohoa selftest: còn việc chưa dừng sau 5 giây; thoát. (holding: ${holding})\n`);
        process.exit(code);
      }
    }, 5_000).unref();
    return code;
  },
};

export default command;
