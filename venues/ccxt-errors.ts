// What every ccxt-based connector does with a failed call: turn ccxt's error classes, the HTTP status and the
// Retry-After header into the error vocabulary, with no secret in the message. ccxt's errors carry neither the
// status nor the headers, so `watchResponses` records them from the exchange as each response arrives.
import ccxt, { type Exchange } from 'ccxt'
import { isCrossmarginError, Unauthorized, VenueRejected, VenueUnavailable } from '../core/errors.js'
import { scrubSecrets } from './cex-credentials.js'
import { venueFault } from './venue-faults.js'

/** The last HTTP answer ccxt saw on one exchange instance. */
export interface LastResponse {
  status: number | null
}

/** Wraps the exchange's error hook so the last response's HTTP status is known when a call fails. */
export function watchResponses(exchange: Exchange): LastResponse {
  const last: LastResponse = { status: null }
  const handleErrors = exchange.handleErrors.bind(exchange)
  exchange.handleErrors = (...args: Parameters<Exchange['handleErrors']>) => {
    last.status = args[0]
    return handleErrors(...args)
  }
  return last
}

/** Retry-After in milliseconds (delta-seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(headers: Record<string, string> | undefined, now = Date.now()): number | null {
  const value = headers?.['retry-after'] ?? headers?.['Retry-After']
  if (value === undefined) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const at = Date.parse(value)
  return Number.isFinite(at) ? Math.max(0, at - now) : null
}

export interface CcxtCallContext {
  venue: string
  /** What was being done, for the message ("reading the positions"). */
  what: string
  secrets: string[]
  status: number | null
  headers: Record<string, string> | undefined
}

/** ccxt's error (or a payload check's) as the error vocabulary; the key and secret never reach a message. */
export function mapCcxtError(error: unknown, c: CcxtCallContext): Error {
  const { venue, what, status } = c
  // Already in the vocabulary (a payload check built here, from no secret); a payload check's refusal is the venue's.
  if (isCrossmarginError(error)) return venueFault(venue, error, what)
  const message = scrubSecrets(error instanceof Error ? error.message : String(error), c.secrets)
  // 429 is "too many requests"; Binance answers 418 once an IP keeps going after a 429 (an automated ban).
  if (status === 429 || status === 418) return new VenueUnavailable(`${venue} rate-limited ${what} (HTTP ${status}): ${message}`, retryAfterMs(c.headers))
  if (error instanceof ccxt.OnMaintenance) return new VenueUnavailable(`${venue} is in maintenance during ${what}: ${message}`, retryAfterMs(c.headers))
  // A 5xx is the venue's trouble whatever error class ccxt read from the body: retry later.
  if (status !== null && status >= 500) return new VenueUnavailable(`${venue} answered HTTP ${status} during ${what}: ${message}`, retryAfterMs(c.headers))
  if (error instanceof ccxt.AuthenticationError || error instanceof ccxt.PermissionDenied || error instanceof ccxt.AccountSuspended) {
    return new Unauthorized(`${venue} rejected the API key during ${what}: ${message}`)
  }
  // Venues also rate-limit with a 200 and an error code in the body (Bybit 10006, OKX 50011).
  if (error instanceof ccxt.RateLimitExceeded || error instanceof ccxt.DDoSProtection) return new VenueUnavailable(`${venue} rate-limited ${what}: ${message}`, retryAfterMs(c.headers))
  if (error instanceof ccxt.BadResponse || error instanceof ccxt.NullResponse || error instanceof SyntaxError) {
    return new VenueUnavailable(`${venue} sent a malformed answer during ${what}: ${message}`)
  }
  if (error instanceof ccxt.NetworkError) return new VenueUnavailable(`${venue} unreachable during ${what}: ${message}`)
  if (error instanceof ccxt.ExchangeError) return new VenueRejected(`${venue} refused ${what}: ${message}`)
  return new VenueUnavailable(`${venue} failed during ${what}: ${message}`)
}

/** A ccxt exchange with what a connector needs to report its failures. */
export interface CcxtClient<E extends Exchange = Exchange> {
  exchange: E
  /** Strings that must never appear in an error message. */
  secrets: string[]
  lastResponse: LastResponse
}

// ccxt paces each exchange instance on its own (per-endpoint costs, enableRateLimit), but every account has its own
// instance while the venue counts per IP: one throttler per exchange id makes all accounts of a venue share it.
const sharedThrottlers = new Map<string, unknown>()

/** Makes this instance pace its requests with every other instance of the same exchange in the process. */
export function shareThrottler(exchange: Exchange): void {
  const shared = sharedThrottlers.get(exchange.id)
  if (shared === undefined) sharedThrottlers.set(exchange.id, exchange.throttler)
  else exchange.throttler = shared
}

/** Runs one ccxt call on the venue's shared throttle, mapping any failure through `mapCcxtError`. */
export async function callCcxt<T>(venue: string, client: CcxtClient, what: string, work: () => Promise<T>): Promise<T> {
  shareThrottler(client.exchange)
  client.lastResponse.status = null
  try {
    return await work()
  } catch (error) {
    // ccxt keeps the last response's headers on the exchange (Retry-After lives there, not on the error).
    const headers = client.exchange.last_response_headers
    throw mapCcxtError(error, { venue, what, secrets: client.secrets, status: client.lastResponse.status, headers })
  }
}
