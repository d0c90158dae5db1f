import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runReportingFailures, UsageError, type Command } from './command.js';
import { separatorSheetPdf } from '../pages/separator.js';

const help = `sohoa separator-sheet — a printable separator sheet (PDF, A4)

Usage:
  sohoa separator-sheet --out FILE.pdf

Print it on white paper at 100 % and put it between two documents of a stack: Sohoa starts a new
document after it and keeps the sheet out of the documents. The sheet carries two QR codes saying
SOHOA:SEPARATOR:1 (made with Debian's qrencode, read from scans with zbarimg); one is enough.

Examples:
  sohoa separator-sheet --out to-phan-cach.pdf
`;

const command: Command = {
  name: 'separator-sheet',
  summary: 'a printable QR separator sheet (PDF) to put between documents of a stack',
  help,
  run: runReportingFailures('separator-sheet', async (args) => {
    const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
    if (!values.out) throw new UsageError('--out FILE.pdf is required');
    const out = resolve(values.out);
    await writeFile(out, await separatorSheetPdf());
    process.stdout.write(`${out}\n`);
    return 0;
  }),
};

export default command;
