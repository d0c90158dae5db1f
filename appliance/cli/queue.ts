import { createWriteStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { QueueItemView, QueueView } from '../api/routes-queue.js';
import { loadConfig } from '../config/config.js';
import { decodeAttachment, parsePackage } from '../edxml/parse-document.js';
import { SohoaError } from '../errors.js';
import { runReportingFailures, UsageError, type Command } from './command.js';

// `sohoa queue`: the upload queue of the RUNNING service, through its local API, as the person
// named by SOHOA_USER / SOHOA_PIN (a technician for retry, hold, release and export). Nothing here
// touches the data folder: the service owns it while it runs.

const help = `sohoa queue — the upload queue of the running service

Usage:
  sohoa queue [--json]                 counts per state, oldest waiting age, last error, then the items
  sohoa queue retry DOC_ID             send now (a rejected document is packaged again and sent)
  sohoa queue hold DOC_ID              do not send it until released
  sohoa queue release DOC_ID
  sohoa queue export --to DIR          write every document not yet through (waiting, held, rejected)
                                       as DIR/<docId>/<docId>.edxml + <docId>.pdf + info.json,
                                       for hand delivery on a removable drive

It talks to the service's local API (http.host:http.port of the configuration, or --url) as the
account named by the environment: SOHOA_USER="Trần Văn Bình" SOHOA_PIN=…; retry, hold, release
and export need a technician's account. DOC_ID is the register's document id (sohoa queue lists them).

Options:
  --json        one JSON object (GET /api/queue) instead of the text summary
  --url URL     the service's address (default http://127.0.0.1:<http.port>)
  --to DIR      export: the folder to write to (it must exist: the mounted drive)

Examples:
  SOHOA_USER="Trần Văn Bình" SOHOA_PIN=4821 sohoa queue
  SOHOA_USER="Trần Văn Bình" SOHOA_PIN=4821 sohoa queue hold 2025-000123
  SOHOA_USER="Trần Văn Bình" SOHOA_PIN=4821 sohoa queue export --to /media/usb
`;

const STATE_VI: Record<string, string> = {
  queued: 'chờ gửi', sending: 'đang gửi', held: 'giữ lại', delivered: 'đã đến (01)', accepted: 'đã tiếp nhận (03)', rejected: 'bị từ chối',
};

class LocalApi {
  private token = '';
  constructor(private readonly base: string) {}

  async login(): Promise<void> {
    const name = process.env.SOHOA_USER;
    const pin = process.env.SOHOA_PIN;
    if (!name || !pin) throw new UsageError('SOHOA_USER and SOHOA_PIN must name the account to act as');
    const s = await this.json<{ token: string }>('POST', '/api/session', { name, pin });
    this.token = s.token;
  }

  async logout(): Promise<void> {
    if (this.token) await this.call('DELETE', '/api/session').then((r) => r.body?.cancel(), () => undefined);
  }

  call(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(new URL(path, this.base), {
      method,
      headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(600_000),
    }).catch((err: Error & { cause?: { code?: string } }) => {
      throw new SohoaError('internal', `Không kết nối được dịch vụ Sohoa tại ${this.base}: dịch vụ có đang chạy không?`, `${this.base}: ${err.cause?.code ?? err.message}`);
    });
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.call(method, path, body ?? (method === 'POST' ? {} : undefined));
    const data = (await res.json().catch(() => null)) as ({ error?: { code: string; message: string; detail?: string } } & T) | null;
    if (!res.ok) {
      const e = data?.error;
      throw new SohoaError((e?.code ?? 'internal') as never, e?.message ?? `HTTP ${res.status}`, `${method} ${path}: HTTP ${res.status}${e?.detail ? `: ${e.detail}` : ''}`);
    }
    return data as T;
  }

  /** Streams a technician download to a file; false when there is nothing (204). */
  async download(path: string, to: string): Promise<boolean> {
    const res = await this.call('GET', path);
    if (!res.ok) {
      const data = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
      throw new SohoaError((data?.error?.code ?? 'internal') as never, data?.error?.message ?? `HTTP ${res.status}`, `GET ${path}: HTTP ${res.status}`);
    }
    if (res.status === 204 || !res.body) return false;
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(to, { mode: 0o600 }));
    return true;
  }
}

function age(since: string | null): string {
  if (!since) return '—';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000));
  return s < 120 ? `${s} giây` : s < 7200 ? `${Math.round(s / 60)} phút` : s < 172_800 ? `${Math.round(s / 3600)} giờ` : `${Math.round(s / 86_400)} ngày`;
}

function summary(q: QueueView): string {
  const counts = Object.entries(q.counts).map(([s, n]) => `${STATE_VI[s] ?? s}: ${n}`).join(', ');
  const lines = [`Hàng đợi gửi — ${counts}`, `Chờ lâu nhất: ${age(q.oldestWaitingSince)}`, `Lỗi gần nhất: ${q.lastError ?? '—'}`];
  for (const i of q.items) {
    lines.push(`  ${i.docId}  số đến ${i.arrivalNumber ?? '—'}  ${STATE_VI[i.state] ?? i.state}  ưu tiên ${i.priority}  lần gửi ${i.attempts}` +
      (i.nextAttemptAt && (i.state === 'queued' || i.state === 'delivered') ? `  lần tới ${i.nextAttemptAt}` : '') + (i.lastError ? `  — ${i.lastError}` : ''));
  }
  return lines.join('\n') + '\n';
}

async function exportTo(api: LocalApi, dir: string): Promise<object> {
  if (!(await stat(dir).catch(() => null))?.isDirectory()) throw new UsageError(`--to ${dir} is not a folder (mount the drive first)`);
  const q = await api.json<QueueView>('GET', '/api/queue');
  const out: { docId: string; files: string[] }[] = [];
  const undeliverable = q.items.filter((i: QueueItemView) => i.state === 'queued' || i.state === 'held' || i.state === 'rejected');
  for (const item of undeliverable) {
    const folder = join(dir, item.docId.replace(/[^A-Za-z0-9._-]/g, '_'));
    await mkdir(folder, { recursive: true });
    const edxml = join(folder, `${item.docId}.edxml`);
    const pdf = join(folder, `${item.docId}.pdf`);
    const id = encodeURIComponent(item.docId);
    await api.download(`/api/queue/${id}/package`, edxml);
    if (!(await api.download(`/api/queue/${id}/pdf`, pdf))) {
      // a package kept whole (queued by an older version): its PDF is inside, as base64
      const parsed = parsePackage(await readFile(edxml, 'utf8'));
      if (!parsed.ok || !parsed.value.attachments[0]) throw new SohoaError('internal', 'Gói tin không đọc được để tách tệp PDF.', `${edxml}: ${parsed.errors.join('; ')}`);
      await writeFile(pdf, decodeAttachment(parsed.value.attachments[0]), { mode: 0o600 });
    }
    await writeFile(join(folder, 'info.json'), JSON.stringify(item, null, 2) + '\n', { mode: 0o600 });
    out.push({ docId: item.docId, files: [edxml, pdf] });
  }
  return { exported: out.length, to: dir, documents: out };
}

const command: Command = {
  name: 'queue',
  summary: 'the upload queue of the running service: counts, retry, hold, release, export for hand delivery',
  help,
  run: runReportingFailures('queue', async (args) => {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: { json: { type: 'boolean' }, url: { type: 'string' }, to: { type: 'string' } },
    });
    const [action, docId, ...extra] = positionals;
    if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
    let base = values.url;
    if (!base) {
      const cfg = loadConfig(process.env, { check: 'settings' });
      const host = cfg.http.host === '0.0.0.0' || cfg.http.host === '::' ? '127.0.0.1' : cfg.http.host;
      base = `http://${host.includes(':') ? `[${host}]` : host}:${cfg.http.port}/`;
    }
    const api = new LocalApi(base);
    await api.login();
    try {
      if (action === undefined) {
        const q = await api.json<QueueView>('GET', '/api/queue');
        process.stdout.write(values.json ? JSON.stringify(q) + '\n' : summary(q));
      } else if (action === 'retry' || action === 'hold' || action === 'release') {
        if (!docId) throw new UsageError(`sohoa queue ${action} needs a DOC_ID`);
        const item = await api.json<QueueItemView>('POST', `/api/queue/${encodeURIComponent(docId)}/${action}`);
        process.stdout.write(JSON.stringify(item) + '\n');
      } else if (action === 'export') {
        if (!values.to) throw new UsageError('sohoa queue export needs --to DIR');
        process.stdout.write(JSON.stringify(await exportTo(api, values.to)) + '\n');
      } else {
        throw new UsageError(`unknown action "${action}"`);
      }
    } finally {
      await api.logout();
    }
    return 0;
  }),
};

export default command;
