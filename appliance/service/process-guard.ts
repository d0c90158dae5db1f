import { toErrorInfo } from '../errors.js';
import type { Logger } from '../log.js';

// The last line of defence. A promise rejected with nobody listening, or an exception nobody
// caught, means some piece of state is now unknown (a job half-moved, a queue without its worker):
// the service logs it (fatal, with the error) and exits non-zero, and systemd starts it again from
// what is on disk (everything is fsync'd before it is acknowledged). The failures the desk knows —
// one page's OCR, one document's extraction, signing or delivery — are handled where they happen
// and never come here.

/** Exit status for "state unknown" (sysexits EX_SOFTWARE): systemd's Restart=on-failure restarts it. */
export const EXIT_UNKNOWN_STATE = 70;

/** Installs the service's handlers; returns their removal (tests). */
export function installProcessGuard(log: Logger, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  let down = false;
  const fatal = (what: string, err: unknown): void => {
    if (down) return;
    down = true;
    // pino flushes its stdout buffer synchronously on process exit
    log.fatal({ err }, `${what}: state unknown, exiting for systemd to restart the service`);
    exit(EXIT_UNKNOWN_STATE);
  };
  const onRejection = (reason: unknown): void => fatal('unhandled promise rejection', reason);
  const onException = (err: Error): void => fatal('uncaught exception', err);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}

/**
 * The one stderr line of a `sohoa` command that failed unexpectedly, instead of a stack trace:
 * the Vietnamese sentence, then the English detail a technician can search for. SOHOA_DEBUG=1
 * prints the stack as well.
 */
export function unexpectedLine(err: unknown): string {
  const info = toErrorInfo(err);
  const detail = (info.detail ?? '').split('\n')[0];
  return info.code === 'internal'
    ? `sohoa: lỗi không mong muốn / unexpected error: ${detail}\n`
    : `sohoa: ${info.message} (${info.code}: ${detail})\n`;
}

/** The CLI's handlers: one line on stderr (see unexpectedLine), exit status EXIT_UNKNOWN_STATE. */
export function installCliGuard(): void {
  const fail = (err: unknown): void => {
    process.stderr.write(unexpectedLine(err));
    if (process.env.SOHOA_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exit(EXIT_UNKNOWN_STATE);
  };
  process.on('unhandledRejection', fail);
  process.on('uncaughtException', fail);
}
