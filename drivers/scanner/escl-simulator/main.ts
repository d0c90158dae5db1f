import { parseArgs } from 'node:util';
import { createLogger } from '../../../appliance/log.js';
import { EsclSimulator } from './simulator.js';

// Standalone: node dist/drivers/scanner/escl-simulator/main.js --port 8091 --pages DIR [--ppm 30]
// (a real process: tests stop and restart it to play a scanner unplugged mid-batch)

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8091' },
    host: { type: 'string', default: '127.0.0.1' },
    pages: { type: 'string' },
    ppm: { type: 'string', default: '0' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write('escl-simulator [--port 8091] [--host 127.0.0.1] [--pages DIR] [--ppm N]\n'
    + '  DIR: one subfolder of page images per document; each scan job feeds the next document.\n'
    + '  N: feeder speed in pages per minute (0 = as fast as asked).\n');
  process.exit(0);
}
const sim = new EsclSimulator({ port: Number(values.port), host: values.host, pagesDir: values.pages, pagesPerMinute: Number(values.ppm) || undefined, log: createLogger() });
const { url } = await sim.start();
process.stderr.write(`eSCL simulator at ${url}\n`);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void sim.stop().then(() => process.exit(0), () => process.exit(1)));
