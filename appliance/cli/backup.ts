import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { createBackup } from '../backup/backup.js';
import { loadConfig } from '../config/config.js';
import { toErrorInfo } from '../errors.js';

const help = `sohoa backup — back up the register, the upload queue and the signed PDFs

Writes one archive sohoa-backup-YYYY-MM-DD_HH-MM-SS.tar.gz (Vietnam time) into the backup folder:
the register (documents, counters, audit log), the outbox (packages and their state) and the
signed PDFs, with manifest.json (every file's SHA-256, documents per state, last số đến per year).
Safe while the appliance runs. The archive is checked by reading it back before it gets its
name; then only the newest N backups are kept. Never included: scans in progress (spool/, jobs/:
nothing of a secret document is kept), the development token, any PIN.
Daily runs: systemd/sohoa-backup.timer (README "Sao lưu / Backup").

Prints one JSON object: file, bytes, documents, files, lastArrivalNumber, removed (rotated-out
backups), warnings, ms. Exit status 0 on success, 1 when no backup was made (the folder is
missing, read-only or full: earlier backups stay as they were), 2 for a usage error.

Options:
  --to DIR    backup folder (default: backup.dir of the configuration, else <dataDir>/backup);
              it must exist, except the default one, which is created
  --keep N    how many backups to keep (default: backup.keep, 30)

Examples:
  sohoa backup
  sohoa backup --to /media/sohoa-usb --keep 60
  sudo -u sohoa SOHOA_CONFIG=/etc/sohoa/config.json npx sohoa backup
  tar -tzf /media/sohoa-usb/sohoa-backup-2025-03-05_12-00-00.tar.gz    # list it without Sohoa
`;

const command: Command = {
  name: 'backup',
  summary: 'back up the register, the upload queue and the signed PDFs into one verified archive',
  help,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { to: { type: 'string' }, keep: { type: 'string' } } }));
    } catch (err) {
      process.stderr.write(`sohoa backup: ${(err as Error).message} (see sohoa backup --help)\n`);
      return 2;
    }
    const cfg = loadConfig(process.env, { check: 'settings' });
    const keep = values.keep === undefined ? cfg.backup.keep : Number(values.keep);
    if (!Number.isInteger(keep) || keep < 1) {
      process.stderr.write('sohoa backup: --keep must be a whole number ≥ 1\n');
      return 2;
    }
    const dir = resolve(values.to ?? cfg.backup.dir);
    try {
      const res = await createBackup({ dataDir: cfg.dataDir, dir, keep, createDir: dir === resolve(cfg.dataDir, 'backup') });
      for (const w of res.warnings) process.stderr.write(`sohoa backup: warning: ${w}\n`);
      process.stdout.write(JSON.stringify(res, null, 2) + '\n');
      return 0;
    } catch (err) {
      const info = toErrorInfo(err);
      process.stderr.write(`sohoa backup: ${info.message} (${info.code}: ${info.detail ?? ''})\n`);
      return 1;
    }
  },
};

export default command;
