// The process logger: pino, with every path that could carry a credential redacted before it is written.
import { pino, type Logger, type DestinationStream } from 'pino'

export type { Logger }

/** Keys that never reach a log line, at any depth pino can address. */
export const REDACTED_PATHS = [
  'apiKey', 'secret', 'password', 'credentials', 'privateKey', 'token', 'signature',
  '*.apiKey', '*.secret', '*.password', '*.credentials', '*.privateKey', '*.token', '*.signature',
  '*.*.apiKey', '*.*.secret', '*.*.password', '*.*.credentials',
  'headers.authorization', 'headers["x-mbx-apikey"]', 'headers["x-api-key"]', '*.headers.authorization',
]

export function createLogger(options: { level?: string; name?: string } = {}, destination?: DestinationStream): Logger {
  return pino(
    {
      name: options.name ?? 'crossmargin',
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  )
}

/** A logger that writes nothing, for tests and pure callers that must be given one. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
