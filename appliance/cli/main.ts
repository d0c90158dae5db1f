import { configFailureLines, type Command } from './command.js';
import { installCliGuard, unexpectedLine } from '../service/process-guard.js';

// an error no command handled: one line on stderr, not a stack trace
installCliGuard();

// The `sohoa` command line. Each command lives in its own module and is loaded only when used,
// so `sohoa central` does not pay for the OCR engine.
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  extract: { summary: 'OCR and field extraction of a document (page images or PDF), or a whole folder with --batch', load: async () => (await import('./extract.js')).default },
  central: { summary: 'run the reference central receiver (edXML over HTTP)', load: async () => (await import('./central.js')).default },
  selftest: { summary: "technician's check: scan, OCR, extract, sign, deliver on the configured parts", load: async () => (await import('./selftest.js')).default },
  sign: { summary: 'sign a PDF with the agency token', load: async () => (await import('./sign.js')).default },
  verify: { summary: 'verify the signatures of a PDF', load: async () => (await import('./verify.js')).default },
  backup: { summary: 'back up the register, the upload queue and the signed PDFs into one verified archive', load: async () => (await import('./backup.js')).default },
  restore: { summary: 'restore a backup (verified against its manifest) into the data folder', load: async () => (await import('./restore.js')).default },
  audit: { summary: 'check the audit log: hash chain, deleted, edited, reordered or truncated entries', load: async () => (await import('./audit.js')).default },
  config: { summary: 'check the configuration (config check), show it with its sources (config show), list every setting (config keys)', load: async () => (await import('./config.js')).default },
  provision: { summary: 'guided set-up: agency, central system, token, seal, office hours, scanner, accounts, then selftest', load: async () => (await import('./provision.js')).default },
  diagnose: { summary: 'one .tar.gz for the help desk: versions, masked configuration, a day of logs, device probes, counts, selftest', load: async () => (await import('./diagnose.js')).default },
  queue: { summary: 'the upload queue of the running service: counts, retry, hold, release, export for hand delivery', load: async () => (await import('./queue.js')).default },
  pages: { summary: 'page cleanup alone: orientation, skew, blank pages, small legible output (--json)', load: async () => (await import('./pages.js')).default },
  'separator-sheet': { summary: 'a printable QR separator sheet (PDF) to put between documents of a stack', load: async () => (await import('./separator-sheet.js')).default },
  submit: { summary: 'hand page images or a PDF to the running service: extract, register, sign, queue; prints the register entry', load: async () => (await import('./submit.js')).default },
  users: { summary: 'the people who may use the desk: list, add, remove, reset-pin', load: async () => (await import('./users.js')).default },
};

const usage = `sohoa — the Sohoa appliance's command line

Usage: sohoa <command> [options]

Commands:
${Object.entries(commands).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`).join('\n')}

Run "sohoa <command> --help" for a command's options and examples.
The appliance service itself starts with "npm start" (or the systemd unit sohoa.service).
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return name ? 0 : 2;
  }
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`sohoa: unknown command "${name}" (see sohoa --help)\n`);
    return 2;
  }
  const cmd = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(cmd.help.endsWith('\n') ? cmd.help : cmd.help + '\n');
    return 0;
  }
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    // Every command refuses a configuration with mistakes, and says each one on its own line.
    const config = configFailureLines('', err);
    if (config) {
      process.stderr.write(config);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(unexpectedLine(err));
    process.exitCode = 1;
  },
);
