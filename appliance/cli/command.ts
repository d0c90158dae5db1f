import { toErrorInfo } from '../errors.js';

// A `sohoa` sub-command: thin wrapper over the same stages the appliance runs.
export interface Command {
  name: string;
  /** One line for `sohoa --help`. */
  summary: string;
  /** Full help text with examples, printed by `sohoa <name> --help`. */
  help: string;
  /** Returns the process exit code. Prints its result on stdout, reasons on stderr. */
  run(args: string[]): Promise<number>;
}

/**
 * A configuration the loader refused (ConfigError, recognised by name so that this module does not
 * load the schema): every problem on its own line, as `sohoa config check` prints them.
 */
export function configFailureLines(command: string, err: unknown): string | undefined {
  const e = err as { name?: string; file?: string; problems?: { message: string }[] };
  if (e?.name !== 'ConfigError' || !Array.isArray(e.problems)) return undefined;
  return `sohoa${command ? ` ${command}` : ''}: cấu hình ${e.file || 'mặc định'} không hợp lệ (xem: sohoa config check ${e.file ?? ''}):\n` +
    e.problems.map((p) => `  - ${p.message}\n`).join('');
}

/**
 * The one stderr line of a failed command: the Vietnamese sentence with its code and detail, or
 * only the detail of an unexpected error (its sentence says nothing a technician can use).
 */
export function failureLine(command: string, err: unknown): string {
  const config = configFailureLines(command, err);
  if (config) return config;
  const info = toErrorInfo(err);
  return `sohoa ${command}: ${info.code === 'internal' ? info.detail : `${info.message} (${info.code}: ${info.detail ?? ''})`}\n`;
}

/** A command line the command cannot act on: exit 2 and a pointer to its --help. */
export class UsageError extends Error {}

/**
 * The run() of a command whose body throws for every failure: a usage mistake (UsageError or
 * node:util parseArgs' own) exits 2 pointing at --help, anything else prints its failure line, exit 1.
 */
export function runReportingFailures(command: string, body: (args: string[]) => Promise<number>): (args: string[]) => Promise<number> {
  return async (args) => {
    try {
      return await body(args);
    } catch (err) {
      if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
        process.stderr.write(`sohoa ${command}: ${(err as Error).message} (see sohoa ${command} --help)\n`);
        return 2;
      }
      process.stderr.write(failureLine(command, err));
      return 1;
    }
  };
}
