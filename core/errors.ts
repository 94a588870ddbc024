// The small error vocabulary every layer speaks; the API maps each kind once to a GraphQL extensions.code.

export type ErrorCode =
  | 'VENUE_UNAVAILABLE'
  | 'VENUE_REJECTED'
  | 'DATA_UNAVAILABLE'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'LIMIT_EXCEEDED'
  | 'INTERNAL'

export abstract class CrossmarginError extends Error {
  abstract readonly code: ErrorCode
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** The venue could not be reached or answered with a transient failure; safe to retry (after `retryAfterMs`). */
export class VenueUnavailable extends CrossmarginError {
  readonly code = 'VENUE_UNAVAILABLE' as const
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The venue answered, but refused the request or sent something we cannot use; retrying will not help. */
export class VenueRejected extends CrossmarginError {
  readonly code = 'VENUE_REJECTED' as const
}

/**
 * Data an answer needs is missing or unusable: a factor's price or history, an option's implied vol, a series with
 * nothing in it. Nobody's input is wrong; the answer waits for the data. `detail` says what is missing and why, in
 * words a user can act on; `at` is where in the engine's own arguments it was found (for logs and tests, never shown
 * as if it were the caller's field).
 */
export class DataUnavailable extends CrossmarginError {
  readonly code = 'DATA_UNAVAILABLE' as const
  readonly at: string | null
  constructor(
    readonly detail: string,
    options?: { at?: string; cause?: unknown },
  ) {
    super(options?.at ? `${options.at}: ${detail}` : detail, options)
    this.at = options?.at ?? null
  }
}

/** Input from a user, a config file or a caller is wrong; `field` names what. Never used for missing data. */
export class InvalidInput extends CrossmarginError {
  readonly code = 'INVALID_INPUT' as const
  constructor(
    readonly field: string,
    /** What is wrong with the field, without its name (so a caller can re-home the field under its own path). */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${detail}`, options)
  }
}

export class NotFound extends CrossmarginError {
  readonly code = 'NOT_FOUND' as const
}

/** Missing or bad credentials: an API key the venue rejects, or a caller without access. */
export class Unauthorized extends CrossmarginError {
  readonly code = 'UNAUTHORIZED' as const
}

/** The caller asked for more than a limit allows (request size, rate, number of accounts); the message names the limit. */
export class LimitExceeded extends CrossmarginError {
  readonly code = 'LIMIT_EXCEEDED' as const
}

export class Internal extends CrossmarginError {
  readonly code = 'INTERNAL' as const
}

export function isCrossmarginError(error: unknown): error is CrossmarginError {
  return error instanceof CrossmarginError
}

/** A message safe to store or show: the error's own message, never its stack or a request's headers. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}
