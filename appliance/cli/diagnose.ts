import { parseArgs } from 'node:util';
import { diagnose } from '../support/diagnose.js';
import { failureLine, type Command } from './command.js';

const help = `sohoa diagnose — one archive for the province's help desk (gói chẩn đoán)

Usage:
  sohoa diagnose --out FILE.tar.gz | DIR [--no-selftest]

Writes one .tar.gz (into DIR as sohoa-diagnose-<host>-<time>.tar.gz when DIR is a folder) with:
versions (Sohoa, Node, tesseract, SANE, the PKCS#11 module and its own description), the
configuration as "sohoa config show" prints it (secrets masked) and "config check", the last day
of the service's log (journalctl -u sohoa; a note when there is no journald), device probes
(scanimage -L; tokens and slots, never logging in), register and queue counts by state, disk
space, and the result of "sohoa selftest" (the token PIN from SOHOA_TOKEN_PIN, else that step
says no PIN was given). No PIN, credential or key is inside: the device credential and any PIN in
the environment are also scrubbed from every file. Every tool runs with a time limit.
Exit status 0 when the archive was written (whatever it found), 1 otherwise, 2 for a usage error.

Examples:
  sudo -u sohoa SOHOA_CONFIG=/etc/sohoa/config.json npx sohoa diagnose --out /media/usb
  npx sohoa diagnose --out /tmp/laocai-vp.tar.gz --no-selftest
`;

const command: Command = {
  name: 'diagnose',
  summary: "one .tar.gz for the help desk: versions, masked configuration, a day of logs, device probes, counts, selftest",
  help,
  async run(args) {
    let values;
    try {
      values = parseArgs({ args, options: { out: { type: 'string' }, 'no-selftest': { type: 'boolean' } } }).values;
    } catch (err) {
      process.stderr.write(`sohoa diagnose: ${(err as Error).message} (see sohoa diagnose --help)\n`);
      return 2;
    }
    if (!values.out) {
      process.stderr.write('sohoa diagnose: say where the archive goes: --out FILE.tar.gz or --out DIR (see sohoa diagnose --help)\n');
      return 2;
    }
    try {
      const r = await diagnose({ out: values.out, selftest: !values['no-selftest'] });
      process.stdout.write(`Đã ghi gói chẩn đoán ${r.path} (${Math.ceil(r.bytes / 1024)} KB, ${r.files.length} tệp): gửi tệp này cho bộ phận hỗ trợ.\n`);
      return 0;
    } catch (err) {
      process.stderr.write(failureLine('diagnose', err));
      return 1;
    }
  },
};

export default command;
