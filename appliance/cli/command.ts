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
