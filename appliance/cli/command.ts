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
 * The one stderr line of a failed command: the Vietnamese sentence with its code and detail, or
 * only the detail of an unexpected error (its sentence says nothing a technician can use).
 */
export function failureLine(command: string, err: unknown): string {
  const info = toErrorInfo(err);
  return `sohoa ${command}: ${info.code === 'internal' ? info.detail : `${info.message} (${info.code}: ${info.detail ?? ''})`}\n`;
}
