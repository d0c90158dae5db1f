import { readFile } from 'node:fs/promises';
import type { Command } from './command.js';
import { loadConfig } from '../config/config.js';
import { pemToDerList } from '../sign/pem.js';
import { verifyPdf } from '../sign/verify.js';

const help = `sohoa verify — verify the signatures of a PDF

Usage:
  sohoa verify FILE.pdf [--trust CA.pem]

Prints one JSON object: "valid", "modifiedAfterSigning", "errors" and, for each signature, the
signer, SubFilter, signing time (/M), timestamp time (B-T), byte range, integrity (byte range,
digest, signature, timestamp), certificate validity at signing time, chain result, appearance.
Exit status 0 when every signature is valid and nothing was added after the last one, 1 for an
invalid or modified file, 2 for a usage error.

Options:
  --trust CA.pem   trust anchors (PEM, several allowed in one file); default: the configured
                   token.trustPath (the provisioned CA)

Examples:
  sohoa verify var/documents/2026-000123.pdf
  sohoa verify signed.pdf --trust /etc/sohoa/ca.pem
`;

const command: Command = {
  name: 'verify',
  summary: 'verify the signatures of a PDF',
  help,
  async run(args) {
    let file: string | undefined;
    let trust: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--trust') trust = args[++i];
      else if (a.startsWith('--')) {
        process.stderr.write(`sohoa verify: unknown option ${a} (see sohoa verify --help)\n`);
        return 2;
      } else file = a;
    }
    if (!file || (args.includes('--trust') && !trust)) {
      process.stderr.write('sohoa verify: give one PDF file (see sohoa verify --help)\n');
      return 2;
    }
    const trustPath = trust ?? loadConfig(process.env, { check: 'settings' }).token.trustPath;
    if (!trustPath) {
      process.stderr.write('sohoa verify: no trust anchors: give --trust CA.pem or set "token.trustPath" in the configuration\n');
      return 2;
    }
    let anchors: Uint8Array[];
    let pdf: Buffer;
    try {
      anchors = pemToDerList(await readFile(trustPath, 'utf8'));
      pdf = await readFile(file);
    } catch (err) {
      process.stderr.write(`sohoa verify: ${(err as Error).message}\n`);
      return 2;
    }
    const report = await verifyPdf(pdf, { trustAnchors: anchors });
    process.stdout.write(JSON.stringify({ file, ...report }, null, 2) + '\n');
    if (!report.valid) {
      const reasons = [...report.errors, ...report.signatures.flatMap((s) => s.errors)];
      process.stderr.write(`sohoa verify: ${file} is not valid: ${reasons.join('; ')}\n`);
      return 1;
    }
    return 0;
  },
};

export default command;
