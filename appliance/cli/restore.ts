import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { restoreBackup } from '../backup/restore.js';
import { loadConfig } from '../config/config.js';
import { toErrorInfo } from '../errors.js';

const help = `sohoa restore — put a backup made by "sohoa backup" back into a data folder

Checks every file of the archive against the SHA-256 in its manifest first: a damaged, cut-short
or altered archive is refused with the reason, and nothing is changed. Restores register/,
outbox/ and documents/ (signed PDFs); the register then continues numbering (số đến) after the
last number in the backup. Stop the appliance first (systemctl stop sohoa) and run as the sohoa
user, so the files belong to the service.

Refuses when the data folder already holds a register, queue or signed PDFs, unless --force:
those folders are then moved into <dataDir>/before-restore-<date-time>/ (never deleted).
Refuses too, unless --force, a backup whose audit log does not continue the chain this data
folder has kept in <dataDir>/audit-head.json (which a restore never replaces): an older backup
would silently take back the entries written since, another device's would replace the history.
The restore, and a rollback forced through, are written into the audit log ("sohoa audit verify").

Prints one JSON object: archive, dataDir, createdAt (when the backup was taken), files,
documents, lastArrivalNumber, movedAside, auditLog (continues, headSeq, archiveSeq), warnings,
ms. Exit status 0 on success, 1 when nothing was restored (reason on stderr), 2 for a usage error.

Options:
  --data-dir DIR   where to restore (default: dataDir of the configuration)
  --force          replace existing data (moved aside first)

Examples:
  sudo systemctl stop sohoa
  sudo -u sohoa SOHOA_CONFIG=/etc/sohoa/config.json npx sohoa restore /media/sohoa-usb/sohoa-backup-2025-03-05_12-00-00.tar.gz
  sohoa restore backup.tar.gz --data-dir /tmp/check-restore      # try a backup on a spare folder
  sohoa restore backup.tar.gz --force
`;

const command: Command = {
  name: 'restore',
  summary: 'restore a backup (verified against its manifest) into the data folder',
  help,
  async run(args) {
    let values;
    let positionals;
    try {
      ({ values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'data-dir': { type: 'string' }, force: { type: 'boolean' } } }));
    } catch (err) {
      process.stderr.write(`sohoa restore: ${(err as Error).message} (see sohoa restore --help)\n`);
      return 2;
    }
    if (positionals.length !== 1) {
      process.stderr.write('sohoa restore: give one backup archive (see sohoa restore --help)\n');
      return 2;
    }
    const dataDir = resolve(values['data-dir'] ?? loadConfig(process.env, { check: 'settings' }).dataDir);
    try {
      const res = await restoreBackup({ archive: positionals[0]!, dataDir, force: values.force ?? false });
      for (const w of res.warnings) process.stderr.write(`sohoa restore: warning: ${w}\n`);
      process.stdout.write(JSON.stringify(res, null, 2) + '\n');
      return 0;
    } catch (err) {
      const info = toErrorInfo(err);
      process.stderr.write(`sohoa restore: ${info.message} (${info.code}: ${info.detail ?? ''})\n`);
      return 1;
    }
  },
};

export default command;
