import { type DestinationStream, type Level, type Logger, pino } from 'pino';

export type { Logger };

/** Levels LOG_LEVEL accepts, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * LOG_LEVEL from the environment (`info` when unset or empty; letter case ignored).
 * @throws Error naming LOG_LEVEL and the accepted values when it is anything else (the server
 *   must not start on a setting it would silently ignore).
 */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const raw = env.LOG_LEVEL?.trim().toLowerCase();
  if (!raw) return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(raw)) return raw as LogLevel;
  throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`);
}

// Fields that must never reach a log line, wherever they turn up (an error object carrying
// its request options, a future call site logging a body): replaced by "[redacted]".
const REDACT = [
  'password',
  'token',
  'authorization',
  'cookie',
  '*.password',
  '*.token',
  '*.authorization',
  '*.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
];

/**
 * The server's logger: one JSON object per line, `{"level":"info","time":"2026-…Z","pid":…,
 * "hostname":…,"msg":…, …fields}` — level as its name (not pino's number) and time as ISO
 * 8601 UTC, so `jq` and journald readers need no lookup table. Writes synchronously to
 * stdout unless `destination` is given (tests pass a stream to read the lines back).
 *
 * @example
 *   const log = createLogger({ level: logLevelFromEnv() });
 *   log.info({ port: 8080 }, 'listening');
 */
export function createLogger(
  options: { level?: LogLevel; destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label as Level }) },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** A logger that writes nothing: the default of createApp, so in-process tests stay quiet. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
