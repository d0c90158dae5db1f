import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { Command } from './command.js';
import { createCentralServer, DEFAULT_ACCEPT_AFTER_MS, DEFAULT_BODY_LIMIT } from '../central/server.js';
import { CentralStore } from '../central/store.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../log.js';

const help = `sohoa central — run the reference central receiver (edXML over HTTP)

Implements the receiver contract the appliance uploads to:
  POST /edxml/v1/documents                      one edXML package (application/xml),
                                                headers Idempotency-Key and Authorization: Bearer
  GET  /edxml/v1/documents/{DocumentId}/status  the latest status package
  GET  /healthz                                 200 when up
Everything received is kept under the data folder (package, decoded attachments, status).
A package arrives with StatusCode 01; its status becomes 03 (accepted) --accept-after-ms later,
or 02 (rejected, with --reject-reason) when --reject-match matches its DocumentId or Subject.
Runs until Ctrl+C (SIGINT) or SIGTERM.

Options:
  --port N          port to listen on (default: the port of central.url in the configuration, 8090)
  --host ADDR       address to listen on (default 127.0.0.1)
  --data-dir DIR    where to keep received packages (default <dataDir>/central)
  --token TOKEN     an accepted device token; repeat for several (default: central.deviceToken)
  --max-mb N        largest accepted package in MB (default ${DEFAULT_BODY_LIMIT / 1024 / 1024})
  --accept-after-ms N   01 → 03 this long after arrival (default ${DEFAULT_ACCEPT_AFTER_MS})
  --reject-match REGEX  reject (02) packages whose DocumentId or Subject matches
  --reject-reason TEXT  the reason a rejection gives (default "Sai thể thức văn bản")
Trouble on purpose (tests, demos):
  --fail-rate R     share 0..1 of requests answered 503 (with Retry-After, see --retry-after)
  --retry-after S   Retry-After seconds on those 503s (default 1; 0 = none)
  --reset-rate R    share 0..1 of uploads whose connection is reset (half before, half after storing)
  --delay-ms N      wait this long before every answer
What it holds:
  --list            print one JSON line per DocumentId held in --data-dir and exit:
                    {"documentId","received","conflicts","versions","status","statusReason",
                     "receivedAt","lastReceivedAt","bodySha256"} (received counts repeats too)

Examples:
  sohoa central
  sohoa central --port 9000 --data-dir /srv/central --token abc123 --token def456
  sohoa central --fail-rate 0.3 --reset-rate 0.1 --delay-ms 50 --data-dir /tmp/central
  sohoa central --reject-match 'SAI' --reject-reason 'Thiếu chữ ký' --accept-after-ms 500
  sohoa central --list --data-dir /tmp/central
`;

const command: Command = {
  name: 'central',
  summary: 'run the reference central receiver (edXML over HTTP)',
  help,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' },
          token: { type: 'string', multiple: true }, 'max-mb': { type: 'string' },
          'accept-after-ms': { type: 'string' }, 'reject-match': { type: 'string' }, 'reject-reason': { type: 'string' },
          'fail-rate': { type: 'string' }, 'retry-after': { type: 'string' }, 'reset-rate': { type: 'string' }, 'delay-ms': { type: 'string' },
          list: { type: 'boolean' },
        },
      }));
    } catch (err) {
      process.stderr.write(`sohoa central: ${(err as Error).message} (see sohoa central --help)\n`);
      return 2;
    }
    const cfg = loadConfig(process.env, { check: 'settings' });
    const dataDir = resolve(values['data-dir'] ?? resolve(cfg.dataDir, 'central'));
    if (values.list) {
      for (const m of await new CentralStore(dataDir).list()) {
        process.stdout.write(JSON.stringify({
          documentId: m.documentId, received: m.received, conflicts: m.conflicts, versions: m.versions, status: m.status,
          statusReason: m.statusReason, receivedAt: m.receivedAt, lastReceivedAt: m.lastReceivedAt, bodySha256: m.bodySha256,
        }) + '\n');
      }
      return 0;
    }
    const num = (name: keyof typeof values, def: number, max: number): number | null => {
      const raw = values[name];
      const n = raw === undefined ? def : Number(raw);
      return typeof raw === 'boolean' || !Number.isFinite(n) || n < 0 || n > max ? null : n;
    };
    const tuning = {
      acceptAfterMs: num('accept-after-ms', DEFAULT_ACCEPT_AFTER_MS, 86_400_000), failRate: num('fail-rate', 0, 1),
      retryAfterSeconds: num('retry-after', 1, 86_400), resetRate: num('reset-rate', 0, 1), delayMs: num('delay-ms', 0, 600_000),
    };
    const badTuning = Object.entries(tuning).find(([, v]) => v === null);
    if (badTuning || tuning.failRate! + tuning.resetRate! > 1) {
      process.stderr.write('sohoa central: --fail-rate and --reset-rate are 0..1 (together at most 1), --delay-ms, --accept-after-ms and --retry-after non-negative numbers\n');
      return 2;
    }
    let reject: { match: RegExp; reason: string } | null = null;
    if (values['reject-match'] !== undefined) {
      try {
        reject = { match: new RegExp(values['reject-match'], 'u'), reason: values['reject-reason'] ?? 'Sai thể thức văn bản' };
      } catch (err) {
        process.stderr.write(`sohoa central: --reject-match is not a regular expression: ${(err as Error).message}\n`);
        return 2;
      }
    }
    const port = Number(values.port ?? ((cfg.central.url && new URL(cfg.central.url).port) || 8090));
    const maxMb = Number(values['max-mb'] ?? DEFAULT_BODY_LIMIT / 1024 / 1024);
    if (!Number.isInteger(port) || port < 0 || port > 65535 || !(maxMb > 0)) {
      process.stderr.write('sohoa central: --port must be 0–65535 and --max-mb a positive number\n');
      return 2;
    }
    const tokens = values.token ?? [cfg.central.deviceToken];
    const log = createLogger();
    const server = createCentralServer({
      dataDir,
      tokens,
      bodyLimit: Math.floor(maxMb * 1024 * 1024),
      log,
      acceptAfterMs: tuning.acceptAfterMs!,
      reject,
      faults: { failRate: tuning.failRate!, retryAfterSeconds: tuning.retryAfterSeconds!, resetRate: tuning.resetRate!, delayMs: tuning.delayMs! },
    });
    const { url } = await server.start(port, values.host ?? '127.0.0.1');
    process.stderr.write(`sohoa central: listening on ${url} (${tokens.length} device token(s))\n`);
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await server.stop();
    return 0;
  },
};

export default command;
