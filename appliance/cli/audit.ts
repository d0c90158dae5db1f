import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runReportingFailures, UsageError, type Command } from './command.js';
import { verifyAudit, type Finding, type VerifyReport } from '../audit/verify.js';
import { loadConfig } from '../config/config.js';

const help = `sohoa audit — check the audit log (nhật ký: who did what, when, to which document)

Usage:
  sohoa audit verify [--json] [--data-dir DIR] [--head FILE]…

Every entry of <dataDir>/register/audit.jsonl (and of its closed monthly files audit-YYYY-MM.jsonl)
carries its sequence number, the SHA-256 of the entry before it and its own; the last number and
hash are also kept in <dataDir>/audit-head.json, which a restore does not replace. "verify" walks
the whole chain across all files and names each thing wrong, with the entry number, file and line:
  edited      an entry changed (its content no longer matches its hash, or the link to it broke)
  deleted     entries missing from the middle or the start
  reordered   entries moved; duplicated: the same entry twice
  truncated   entries removed from the end (the chain stops before the kept head)
  replaced    the log is not the one the kept head recorded
  unreadable  a line that is not an entry; head: the head file missing or unreadable
Notices (a torn line set aside after a power cut, a restore with --force) are listed, not failures.
Safe while the appliance runs.

The chain has no secret key: whoever rewrites the whole tail and the head file alike is not seen
against this machine's head. Each daily backup carries the head of its day; --head FILE holds the
log against such a head too (taken out of a backup kept on another disk), which the log of any
later day must still contain.

Prints a summary in Vietnamese, or with --json one object: ok, entries, lastSeq, files, head,
problems, notices (each with kind, seq, file, line, message, detail). Exit status 0 when the chain
is intact, 1 when something is wrong, 2 for a usage error.

Options:
  --json           the report as JSON
  --data-dir DIR   the data folder to check (default: dataDir of the configuration)
  --head FILE      also check against this head file (audit-head.json of an older backup); repeatable

Examples:
  sohoa audit verify
  sudo -u sohoa SOHOA_CONFIG=/etc/sohoa/config.json npx sohoa audit verify --json
  sohoa audit verify --data-dir /tmp/check-restore        # a backup restored onto a spare folder
  tar -xzf /media/sohoa-usb/sohoa-backup-2025-03-05_12-00-00.tar.gz -C /tmp/b audit-head.json
  sohoa audit verify --head /tmp/b/audit-head.json         # the log still holds what it held that day
`;


function line(f: Finding): string {
  return `  - ${f.kind === 'notice' ? '' : `[${f.kind}] `}${f.message}`;
}

function summary(r: VerifyReport): string {
  const files = r.files.length ? ` trong ${r.files.length} tệp (${r.files.join(', ')})` : '';
  const head = r.head ? `; đầu chuỗi đã lưu: mục #${r.head.seq}` : '';
  const out = [r.ok
    ? `Nhật ký nguyên vẹn: ${r.entries} mục (#1–#${r.lastSeq})${files}${head}, khớp.`
    : `Nhật ký CÓ VẤN ĐỀ (${r.problems.length}): ${r.entries} mục, số lớn nhất #${r.lastSeq}${files}${head}.`];
  out.push(...r.problems.map(line));
  if (r.notices.length) out.push('Lưu ý:', ...r.notices.map(line));
  return out.join('\n') + '\n';
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, options: { json: { type: 'boolean' }, 'data-dir': { type: 'string' }, head: { type: 'string', multiple: true } },
  });
  if (positionals[0] !== 'verify' || positionals.length > 1) {
    throw new UsageError(positionals[0] ? `unknown action "${positionals.join(' ')}"` : 'say what to do: verify');
  }
  const dataDir = resolve(values['data-dir'] ?? loadConfig().dataDir);
  const report = await verifyAudit({ dir: join(dataDir, 'register'), headPath: join(dataDir, 'audit-head.json'), otherHeads: values.head ?? [] });
  process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : summary(report));
  return report.ok ? 0 : 1;
}

const command: Command = {
  name: 'audit',
  summary: 'check the audit log: hash chain, deleted, edited, reordered or truncated entries',
  help,
  run: runReportingFailures('audit', run),
};

export default command;
