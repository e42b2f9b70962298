/**
 * Logging: pino, JSON lines on stderr, one child logger per area (`fieldhub:<area>:<part>`).
 * Keys and tokens never go into a log line: log identities, not credentials.
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** The root logger; level from FIELDHUB_LOG_LEVEL (default `info`), `silent` to mute. */
export function createRootLogger(level = process.env.FIELDHUB_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
}

/** A child logger for `fieldhub:<area>`. */
export function childLogger(parent: Logger, area: string): Logger {
  return parent.child({ ns: `fieldhub:${area}` });
}

/** A logger that writes nothing (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
