// The ccxt error mapping shared by the CEX connectors: status and headers decide before ccxt's class does.
import ccxt from 'ccxt'
import { describe, expect, test } from '@jest/globals'
import { InvalidInput, Unauthorized, VenueRejected, VenueUnavailable } from '../core/errors.js'
import { mapCcxtError, retryAfterMs, shareThrottler } from './ccxt-errors.js'

const context = { venue: 'bybit', what: 'reading the positions', secrets: ['SECRETKEY'], status: null, headers: undefined }

describe('Retry-After', () => {
  test('reads delta-seconds and HTTP dates (RFC 9110 §10.2.3), and nothing else', () => {
    expect(retryAfterMs({ 'retry-after': '7' })).toBe(7000)
    expect(retryAfterMs({ 'Retry-After': '0' })).toBe(0)
    const now = Date.parse('2026-11-25T10:00:00Z')
    expect(retryAfterMs({ 'retry-after': 'Wed, 25 Nov 2026 10:00:30 GMT' }, now)).toBe(30_000)
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeNull()
    expect(retryAfterMs(undefined)).toBeNull()
  })
})

describe('mapCcxtError', () => {
  test('429 and 418 are rate limits with the wait the venue asked for, whatever class ccxt chose', () => {
    for (const status of [429, 418]) {
      const error = mapCcxtError(new ccxt.ExchangeError('bybit {"retCode":10006}'), { ...context, status, headers: { 'retry-after': '12' } })
      expect(error).toBeInstanceOf(VenueUnavailable)
      expect((error as VenueUnavailable).retryAfterMs).toBe(12_000)
    }
  })

  test('a maintenance window is a transient fault, not a refusal', () => {
    const error = mapCcxtError(new ccxt.OnMaintenance('deribit {"error":{"code":13028,"message":"temporarily_unavailable"}}'), context)
    expect(error).toBeInstanceOf(VenueUnavailable)
    expect(error.message).toMatch(/maintenance/)
  })

  test('a 5xx is transient even when ccxt read a refusal from the body', () => {
    expect(mapCcxtError(new ccxt.ExchangeError('okx 503'), { ...context, status: 503 })).toBeInstanceOf(VenueUnavailable)
  })

  test('a bad key is Unauthorized and the secret never reaches the message', () => {
    const error = mapCcxtError(new ccxt.AuthenticationError('bybit GET https://api.bybit.com/v5?api_key=SECRETKEY&sign=abc invalid key SECRETKEY'), context)
    expect(error).toBeInstanceOf(Unauthorized)
    expect(error.message).not.toContain('SECRETKEY')
  })

  test('a refusal is VenueRejected; an unusable payload is the venue’s fault, not the user’s input', () => {
    expect(mapCcxtError(new ccxt.BadSymbol('no such symbol'), context)).toBeInstanceOf(VenueRejected)
    const payload = mapCcxtError(new InvalidInput('positions[0].size', 'is not a number'), context)
    expect(payload).toBeInstanceOf(VenueRejected)
    expect(payload.message).toContain('positions[0].size')
  })
})

describe('shared throttle', () => {
  test('every instance of one exchange paces with the same throttler; another exchange keeps its own', () => {
    const accounts = [new ccxt.okx({ enableRateLimit: true }), new ccxt.okx({ enableRateLimit: true })]
    const other = new ccxt.deribit({ enableRateLimit: true })
    expect(accounts[0]!.throttler).not.toBe(accounts[1]!.throttler)
    for (const exchange of [...accounts, other]) shareThrottler(exchange)
    expect(accounts[0]!.throttler).toBe(accounts[1]!.throttler)
    expect(other.throttler).not.toBe(accounts[0]!.throttler)
  })
})
