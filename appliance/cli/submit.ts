import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { SohoaError, type ErrorInfo } from '../errors.js';
import { runReportingFailures, UsageError, type Command } from './command.js';

// `sohoa submit`: a document handed to the running service through its local API, as a person of
// the desk (SOHOA_USER / SOHOA_PIN). Retries until the service answers (a restart, a dropped
// connection) under one client key, which the service keeps with the document: a retry — by this
// command, or the same command run again — returns the document already registered.

const help = `sohoa submit — hand a document to the running service: extract → register → sign → queue

Usage: sohoa submit FILE... [--fields JSON] [--key KEY] [--url URL] [--timeout SECONDS]

FILE: the document's page images in order (PNG, JPEG, TIFF) or one PDF. The service reads them
like scanned pages, registers the document with the extracted fields — those given in --fields
win, e.g. --fields '{"urgency":"Khẩn","summary":"…"}' (any field of the register, checked like
the touchscreen's) —, signs it with the agency token and queues it for the central system. The
register entry is printed as one JSON object on stdout when the document is queued.

The person: SOHOA_USER (a name of "sohoa users list") and SOHOA_PIN, in the environment. The
signing token must be unlocked on the touchscreen (Khoá ký số) first: nothing is registered while
it is locked. New documents are refused when the data disk is nearly full (capture.minFreeDiskMB).

Safe to retry: the submission's client key (--key, default the SHA-256 of the files and fields)
is kept with the document, so a submit repeated after a dropped connection or a restart of the
service never registers the same document twice: it prints the one already registered.
The service's address: --url, else http.host/http.port of the configuration (SOHOA_CONFIG, SOHOA_PORT).
It is retried while unreachable or restarting, for --timeout seconds (default 600).
Exit status 0 when queued, 1 with a one-line reason otherwise (the entry still printed when
there is one, e.g. signing failed), 2 for a usage error.

Examples:
  SOHOA_USER="Nguyễn Thị Lan" SOHOA_PIN=482913 sohoa submit page-1.png page-2.png
  SOHOA_USER="Nguyễn Thị Lan" SOHOA_PIN=482913 sohoa submit scan.pdf --fields '{"urgency":"Hỏa tốc"}'
`;

/** States a submitted document may end in with exit status 0. */
const QUEUED = new Set(['queued', 'sending', 'delivered', 'accepted', 'rejected']);

/**
 * Answers worth another try (the client key makes every retry safe): the service restarting or
 * busy, or an internal failure (e.g. its own wait for a slow OCR timed out).
 */
const RETRY_STATUS = new Set([500, 502, 503, 504]);

interface Answer { status: number; body: unknown }

async function post(url: string, body: unknown, token?: string): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON: kept as text */ }
  return { status: res.status, body: parsed };
}

const errorOf = (a: Answer): ErrorInfo | undefined => (a.body as { error?: ErrorInfo })?.error;

function failed(a: Answer, what: string): SohoaError {
  const e = errorOf(a);
  if (e) return new SohoaError(e.code, e.message, `${what}: HTTP ${a.status} ${e.detail ?? ''}`.trim());
  return new SohoaError('internal', `Dịch vụ Sohoa trả lời lỗi HTTP ${a.status}.`, `${what}: HTTP ${a.status} ${String(a.body).slice(0, 200)}`);
}

export async function submitFiles(opts: {
  base: string; user: string; pin: string; files: string[]; fields?: Record<string, unknown>; key?: string; timeoutMs: number;
}): Promise<Record<string, unknown>> {
  const data = await Promise.all(opts.files.map(async (f) => ({ name: basename(f), data: await readFile(f) })));
  const key = opts.key ?? `sha256-${createHash('sha256').update(JSON.stringify([data.map((d) => createHash('sha256').update(d.data).digest('hex')), opts.fields ?? null])).digest('hex')}`;
  const body = { key, files: data.map((d) => ({ name: d.name, data: d.data.toString('base64') })), ...(opts.fields ? { fields: opts.fields } : {}) };
  const end = Date.now() + opts.timeoutMs;
  let token: string | undefined;
  let delay = 250;
  let lastAnswer: SohoaError | undefined;
  for (;;) {
    let last: string;
    try {
      if (!token) {
        const login = await post(new URL('/api/session', opts.base).toString(), { name: opts.user, pin: opts.pin });
        if (login.status !== 200) {
          if (!RETRY_STATUS.has(login.status)) throw failed(login, 'login');
          last = `login: HTTP ${login.status}`;
        } else token = (login.body as { token: string }).token;
      }
      if (token) {
        const answer = await post(new URL('/api/submit', opts.base).toString(), body, token);
        if (answer.status === 200) return answer.body as Record<string, unknown>;
        if (answer.status === 401) token = undefined; // the session ended (a restart, the idle time): log in again
        else if (!RETRY_STATUS.has(answer.status)) throw failed(answer, 'submit');
        else lastAnswer = failed(answer, 'submit');
        last = `submit: HTTP ${answer.status} ${errorOf(answer)?.code ?? ''}`;
      }
    } catch (err) {
      if (err instanceof SohoaError) throw err;
      // not answering (restarting, killed) or the connection dropped: the same key again
      last = `${(err as Error).message}${(err as { cause?: { code?: string } }).cause?.code ? ` (${(err as { cause: { code: string } }).cause.code})` : ''}`;
    }
    if (Date.now() + delay > end) {
      if (lastAnswer) throw lastAnswer;
      throw new SohoaError('outbox.transport', 'Không kết nối được dịch vụ Sohoa đang chạy (hãy kiểm tra dịch vụ đã bật: systemctl status sohoa).', `${opts.base}: ${last!}; gave up after ${Math.round(opts.timeoutMs / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 5000);
  }
}

const command: Command = {
  name: 'submit',
  summary: 'hand page images or a PDF to the running service: extract, register, sign, queue; prints the register entry',
  help,
  run: runReportingFailures('submit', async (args) => {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: { fields: { type: 'string' }, key: { type: 'string' }, url: { type: 'string' }, timeout: { type: 'string' } },
    });
    if (!positionals.length) throw new UsageError('give the page images or the PDF to submit');
    const user = process.env.SOHOA_USER;
    const pin = process.env.SOHOA_PIN;
    if (!user || !pin) throw new UsageError('set SOHOA_USER and SOHOA_PIN (a person of "sohoa users list" and their PIN)');
    let fields: Record<string, unknown> | undefined;
    if (values.fields !== undefined) {
      try { fields = JSON.parse(values.fields) as Record<string, unknown>; } catch (err) { throw new UsageError(`--fields is not JSON: ${(err as Error).message}`); }
      if (!fields || typeof fields !== 'object' || Array.isArray(fields)) throw new UsageError('--fields must be a JSON object, e.g. {"urgency":"Khẩn"}');
    }
    const timeout = values.timeout === undefined ? 600 : Number(values.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError('--timeout takes a number of seconds');
    let base = values.url;
    if (!base) {
      const cfg = loadConfig(process.env, { check: 'settings' });
      const host = cfg.http.host === '0.0.0.0' || cfg.http.host === '::' ? '127.0.0.1' : cfg.http.host;
      base = `http://${host.includes(':') ? `[${host}]` : host}:${cfg.http.port}/`;
    }
    const entry = await submitFiles({ base, user, pin, files: positionals, fields, key: values.key, timeoutMs: timeout * 1000 });
    process.stdout.write(JSON.stringify(entry) + '\n');
    if (!QUEUED.has(String(entry.state))) {
      process.stderr.write(`sohoa submit: văn bản ${String(entry.docId)} chưa vào hàng đợi gửi (${String(entry.state)}): ${String(entry.message ?? '')}\n`);
      return 1;
    }
    return 0;
  }),
};

export default command;
