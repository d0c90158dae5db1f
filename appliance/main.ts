// `npm start` / systemd: the appliance service on the configured (or embedded default) parts.
import { loadConfig } from './config/config.js';
import { createLogger } from './log.js';
import { startAppliance } from './app.js';
import { installProcessGuard } from './service/process-guard.js';

const log = createLogger();
installProcessGuard(log); // unknown state (a rejection nobody handled): log fatal, exit, systemd restarts
const config = loadConfig();
const app = await startAppliance(config, { log });
log.info({ url: app.url }, `Sohoa đang chạy: mở ${app.url} trên màn hình cảm ứng`);
process.stdout.write(`\nSohoa: ${app.url}\n\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    app.stop().then(() => process.exit(0), (err: unknown) => {
      log.error({ err }, 'stop failed');
      process.exit(1);
    });
  });
}
