// `npm start` / systemd: the appliance service on the configured (or embedded default) parts.
import { loadConfig } from './config/config.js';
import { createLogger } from './log.js';
import { startAppliance } from './app.js';
import { SystemdNotifier, notifySettingsFromEnv } from './service/systemd-notify.js';

const log = createLogger();
// Under systemd (Type=notify): watchdog pings from now on, READY=1 once everything answers.
const systemd = new SystemdNotifier(notifySettingsFromEnv(process.env, log), log);
systemd.start();
const config = loadConfig();
const app = await startAppliance(config, { log });
log.info({ url: app.url }, `Sohoa đang chạy: mở ${app.url} trên màn hình cảm ứng`);
process.stdout.write(`\nSohoa: ${app.url}\n\n`);
systemd.ready(`Đang phục vụ tại ${app.url}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    systemd.stopping();
    app.stop().then(() => process.exit(0), (err: unknown) => {
      log.error({ err }, 'stop failed');
      process.exit(1);
    });
  });
}
