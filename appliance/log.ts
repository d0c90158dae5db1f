import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout (journald keeps them). Secrets are redacted by key wherever they appear. */
export function createLogger(level: string = process.env.SOHOA_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { app: 'sohoa' },
    redact: {
      paths: ['pin', '*.pin', 'body.pin', 'req.body.pin', 'headers.authorization', '*.headers.authorization',
        'deviceToken', '*.deviceToken', '*.*.deviceToken'],
      censor: '[redacted]',
    },
  });
}

/** A logger that writes nothing: for CLI commands whose stdout is their JSON result. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
