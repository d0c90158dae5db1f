import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { Command } from './command.js';
import { createCentralServer, DEFAULT_BODY_LIMIT } from '../central/server.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../log.js';

const help = `sohoa central — run the reference central receiver (edXML over HTTP)

Implements the receiver contract the appliance uploads to:
  POST /edxml/v1/documents                      one edXML package (application/xml),
                                                headers Idempotency-Key and Authorization: Bearer
  GET  /edxml/v1/documents/{DocumentId}/status  the latest status package
  GET  /healthz                                 200 when up
Everything received is kept under the data folder (package, decoded attachments, status).
Runs until Ctrl+C (SIGINT) or SIGTERM.

Options:
  --port N          port to listen on (default: the port of central.url in the configuration, 8090)
  --host ADDR       address to listen on (default 127.0.0.1)
  --data-dir DIR    where to keep received packages (default <dataDir>/central)
  --token TOKEN     an accepted device token; repeat for several (default: central.deviceToken)
  --max-mb N        largest accepted package in MB (default ${DEFAULT_BODY_LIMIT / 1024 / 1024})

Examples:
  sohoa central
  sohoa central --port 9000 --data-dir /srv/central --token abc123 --token def456
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
        },
      }));
    } catch (err) {
      process.stderr.write(`sohoa central: ${(err as Error).message} (see sohoa central --help)\n`);
      return 2;
    }
    const cfg = loadConfig(process.env, { check: 'settings' });
    const port = Number(values.port ?? ((cfg.central.url && new URL(cfg.central.url).port) || 8090));
    const maxMb = Number(values['max-mb'] ?? DEFAULT_BODY_LIMIT / 1024 / 1024);
    if (!Number.isInteger(port) || port < 0 || port > 65535 || !(maxMb > 0)) {
      process.stderr.write('sohoa central: --port must be 0–65535 and --max-mb a positive number\n');
      return 2;
    }
    const tokens = values.token ?? [cfg.central.deviceToken];
    const log = createLogger();
    const server = createCentralServer({
      dataDir: resolve(values['data-dir'] ?? resolve(cfg.dataDir, 'central')),
      tokens,
      bodyLimit: Math.floor(maxMb * 1024 * 1024),
      log,
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
