// `npm start` / systemd: the appliance service on the configured (or demo) parts.
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { createLogger } from './log.js';
import { startAppliance } from './app.js';
import { SystemdNotifier, notifySettingsFromEnv } from './service/systemd-notify.js';
import { installProcessGuard } from './service/process-guard.js';

/** Exit status of a configuration the service refuses (EX_CONFIG): systemd need not retry it. */
const EXIT_CONFIG = 78;

// Everything the service writes (page images from the scanner, OCR scratch, signed PDFs, the audit
// log) is for the service alone: files 0600, folders 0700, also what other tools write for it.
process.umask(0o077);
const log = createLogger();
installProcessGuard(log); // unknown state (a rejection nobody handled): log fatal, exit, systemd restarts
// Under systemd (Type=notify): watchdog pings from now on, READY=1 once everything answers.
const systemd = new SystemdNotifier(notifySettingsFromEnv(process.env, log), log);
systemd.start();
let config: Config;
try {
  config = loadConfig(process.env, { warn: (w) => log.warn({ key: w.key }, w.message) });
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  log.fatal({ configFile: err.file, problems: err.problems }, 'Cấu hình không hợp lệ: Sohoa không khởi động');
  process.stderr.write(`Sohoa không khởi động: cấu hình ${err.file || 'mặc định'} không hợp lệ.\n${err.problems.map((p) => `  - ${p.message}\n`).join('')}` +
    `Sửa tệp rồi kiểm tra lại bằng: sohoa config check ${err.file}\n`);
  process.exit(EXIT_CONFIG);
}
// A long start-up step (the register indexing 100 000 documents after an upgrade) keeps asking
// systemd for 30 s more, so TimeoutStartSec= stops only a start that is stuck.
const app = await startAppliance(config, { log, starting: (status) => systemd.extendStart(30, status) });
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
