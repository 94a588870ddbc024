// The small error vocabulary every layer speaks; the API maps each kind once to a GraphQL extensions.code.

export type ErrorCode =
  | 'VENUE_UNAVAILABLE'
  | 'VENUE_REJECTED'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
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

/** Input from a user, a config file or a caller is wrong; `field` names what. */
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
