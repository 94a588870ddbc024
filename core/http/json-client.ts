// JSON over HTTP for venues with plain REST/info APIs (Hyperliquid, dYdX's indexer): a deadline on every call,
// and the venue's failures turned into the error vocabulary (429 and 5xx retryable, with Retry-After).
import { VenueRejected, VenueUnavailable } from '../errors.js'
import { requestBudgets } from './request-budget.js'

export interface JsonRequestOptions {
  venue: string
  timeoutMs: number
  signal?: AbortSignal
  /** What the call is for, named in errors ("reading the clearinghouse state"). */
  what: string
  /** The request's weight where the venue weighs requests (Hyperliquid's info types), else 1. */
  weight?: number
}

function retryAfterMs(value: string | null): number | null {
  if (!value) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return seconds * 1000
  const at = Date.parse(value)
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : null
}

/** One call's answer body, after the venue's failures were turned into errors (429/418 and 5xx retryable). */
export async function requestText(url: string, init: RequestInit, options: JsonRequestOptions): Promise<string> {
  // Wait for the venue's shared budget before the deadline starts: a queue behind other accounts is not the
  // venue being slow.
  await requestBudgets.for(options.venue)?.acquire(options.weight ?? 1, options.signal)
  const deadline = AbortSignal.timeout(options.timeoutMs)
  const signals = [options.signal, init.signal, deadline].filter((s): s is AbortSignal => s != null)
  const signal = signals.length > 1 ? AbortSignal.any(signals) : deadline
  let response: Response
  try {
    response = await fetch(url, { ...init, signal })
  } catch (error) {
    const timedOut = deadline.aborted
    throw new VenueUnavailable(`${options.venue}: ${timedOut ? `no answer within ${options.timeoutMs} ms` : 'unreachable'} while ${options.what}`, null, { cause: error })
  }
  let text: string
  try {
    text = await response.text()
  } catch (error) {
    throw new VenueUnavailable(`${options.venue}: the answer broke off while ${options.what}`, null, { cause: error })
  }
  if (response.status === 429 || response.status === 418) {
    throw new VenueUnavailable(`${options.venue}: rate-limited (HTTP ${response.status}) while ${options.what}`, retryAfterMs(response.headers.get('retry-after')))
  }
  if (response.status >= 500) throw new VenueUnavailable(`${options.venue}: HTTP ${response.status} while ${options.what}`, retryAfterMs(response.headers.get('retry-after')))
  // The body is not quoted: the URL may be one a caller chose, and an internal service's answer must not travel back
  // to them in an error. A venue's numeric error code is kept (it says what kind of refusal, and carries nothing else).
  if (response.status >= 400) throw new VenueRejected(`${options.venue}: HTTP ${response.status} while ${options.what}${venueErrorCode(text)}`)
  return text
}

/** A body that must be JSON: one that is not (cut off, an HTML error page) is a transient failure. */
export function parseJsonAnswer(text: string, options: Pick<JsonRequestOptions, 'venue' | 'what'>): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new VenueUnavailable(`${options.venue}: malformed JSON while ${options.what}`)
  }
}

async function requestJson(url: string, init: RequestInit, options: JsonRequestOptions): Promise<unknown> {
  return parseJsonAnswer(await requestText(url, init, options), options)
}

export function postJson(url: string, body: unknown, options: JsonRequestOptions): Promise<unknown> {
  return requestJson(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, options)
}

export function getJson(url: string, options: JsonRequestOptions): Promise<unknown> {
  return requestJson(url, { method: 'GET', headers: { accept: 'application/json' } }, options)
}

/** ", venue error code N" when the body is JSON with a numeric `code` (Binance's -2015, OKX's "50001"), else nothing. */
function venueErrorCode(text: string): string {
  try {
    const code = (JSON.parse(text) as { code?: unknown }).code
    return (typeof code === 'number' || (typeof code === 'string' && /^-?\d{1,8}$/.test(code))) ? `, venue error code ${code}` : ''
  } catch {
    return ''
  }
}
