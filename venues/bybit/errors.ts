// What Bybit says in its answers beyond the shared ccxt mapping: a rate limit in the body (retCode 10006 with HTTP
// 200) whose end is in the X-Bapi-Limit-Reset-Timestamp header, server errors and restarts (10016, 10000) that ccxt
// reads as refusals, and the IP ban (HTTP 403 "access too frequent") that lasts 10 minutes.
// Sources: https://bybit-exchange.github.io/docs/v5/rate-limit · https://bybit-exchange.github.io/docs/v5/error
import { z } from 'zod'
import { VenueUnavailable } from '../../core/errors.js'

/** Bybit's documented IP ban after "403, access too frequent": wait at least 10 minutes. */
export const BYBIT_IP_BAN_MS = 10 * 60 * 1000

/** retCodes that mean "the service is not serving now": 10000 server timeout, 10016 server error or restarting. */
const TRANSIENT_RET_CODES = new Set([10000, 10016])
const RATE_LIMIT_RET_CODES = new Set([10006, 10018])

export interface BybitFailedAnswer {
  status: number | null
  /** The raw body of the failed answer, when one arrived. */
  body: string | undefined
  headers: Record<string, string> | undefined
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value
  return undefined
}

/** What a failed answer's body may say; a field of another type is as good as absent. */
const FailedBodySchema = z.looseObject({ retCode: z.number().optional().catch(undefined), time: z.number().optional().catch(undefined) })

function readBody(body: string | undefined): { retCode?: number; time?: number } | null {
  if (!body) return null
  try {
    const parsed = FailedBodySchema.safeParse(JSON.parse(body))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/**
 * Milliseconds until Bybit's per-UID limit resets, from X-Bapi-Limit-Reset-Timestamp. Measured against the
 * answer's own server time when it has one, so a skewed local clock does not shorten or stretch the wait.
 */
export function bybitResetWaitMs(answer: BybitFailedAnswer, now = Date.now()): number | null {
  const reset = Number(header(answer.headers, 'x-bapi-limit-reset-timestamp'))
  if (!Number.isFinite(reset) || reset <= 0) return null
  const serverTime = readBody(answer.body)?.time
  const base = typeof serverTime === 'number' && Number.isFinite(serverTime) ? serverTime : now
  return Math.max(0, reset - base)
}

/** Re-reads a mapped error with what only Bybit's answer says; returns `error` unchanged when there is nothing more. */
export function refineBybitError(error: Error, answer: BybitFailedAnswer, what: string): Error {
  const retCode = readBody(answer.body)?.retCode
  if (retCode !== undefined && RATE_LIMIT_RET_CODES.has(retCode)) {
    const wait = bybitResetWaitMs(answer) ?? (error instanceof VenueUnavailable ? error.retryAfterMs : null)
    return new VenueUnavailable(`bybit rate-limited ${what} (retCode ${retCode}); its limit resets in ${wait ?? 'an unknown number of'} ms`, wait, { cause: error })
  }
  if (retCode !== undefined && TRANSIENT_RET_CODES.has(retCode)) {
    return new VenueUnavailable(`bybit is restarting or failing during ${what} (retCode ${retCode}); try again later`, null, { cause: error })
  }
  if (answer.status === 403 && !(error instanceof VenueUnavailable && error.retryAfterMs !== null)) {
    return new VenueUnavailable(`bybit refused ${what} with HTTP 403: an IP rate-limit ban, lifted after 10 minutes`, BYBIT_IP_BAN_MS, { cause: error })
  }
  return error
}
