// Daily candles from Binance spot's public klines endpoint (GET /api/v3/klines, no key), the source the stored
// history already comes from (`binance-spot`: <ASSET>USDT, USDT taken as USD). Only closed days are returned: the
// day still trading would change after it was stored, and stored days are never overwritten.
// Row format (Binance spot API docs, "Kline/Candlestick data"): [openTime, open, high, low, close, volume, closeTime,
// quoteVolume, trades, takerBuyBase, takerBuyQuote, ignore], prices and volumes as decimal strings.
import { VenueRejected } from '../core/errors.js'
import { getJson } from '../core/http/json-client.js'
import type { Candle } from './price-csv.js'

export const BINANCE_SPOT_SOURCE = 'binance-spot'
/** The endpoint's largest page. */
const PAGE = 1000
const DAY_MS = 86_400_000
const DECIMAL = /^\d+(\.\d+)?$/

export interface KlinesRequest {
  baseUrl: string
  /** Binance's symbol, e.g. BTCUSDT. */
  symbol: string
  /** The first UTC day wanted (YYYY-MM-DD); null: from the pair's listing. */
  fromDate: string | null
  now: Date
  timeoutMs: number
  signal?: AbortSignal
}

/** Binance answers an unknown pair with HTTP 400 and code −1121: the asset has no USDT market there. */
export class UnknownSymbol extends VenueRejected {
  constructor(readonly symbol: string) {
    super(`binance-spot: no ${symbol} market (Invalid symbol)`)
  }
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

function parseRow(row: unknown, symbol: string, i: number): { openTime: number; closeTime: number; candle: Candle } {
  const where = `binance-spot: ${symbol} kline ${i}`
  if (!Array.isArray(row) || row.length < 7) throw new VenueRejected(`${where} is not a kline row`)
  const [openTime, open, high, low, close, volume, closeTime] = row as unknown[]
  if (!Number.isSafeInteger(openTime) || (openTime as number) % DAY_MS !== 0) throw new VenueRejected(`${where}: open time ${String(openTime)} is not the start of a UTC day`)
  if (!Number.isSafeInteger(closeTime)) throw new VenueRejected(`${where}: close time ${String(closeTime)} is not a timestamp`)
  const fields = { open, high, low, close, volume }
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string' || !DECIMAL.test(value)) throw new VenueRejected(`${where}: ${name} ${JSON.stringify(value)} is not a decimal`)
  }
  return { openTime: openTime as number, closeTime: closeTime as number, candle: { date: isoDay(openTime as number), open: open as string, high: high as string, low: low as string, close: close as string, volume: volume as string } }
}

/**
 * The pair's closed daily candles from `fromDate` on, oldest first, paged a thousand at a time. An unknown pair is
 * an UnknownSymbol; a rate limit, a 5xx, a timeout or a cut-off answer a VenueUnavailable (retry later).
 */
export async function fetchDailyKlines(request: KlinesRequest): Promise<Candle[]> {
  const { baseUrl, symbol, now } = request
  const candles: Candle[] = []
  let startTime = request.fromDate === null ? 0 : Date.parse(`${request.fromDate}T00:00:00Z`)
  for (;;) {
    const url = new URL('/api/v3/klines', baseUrl)
    url.search = new URLSearchParams({ symbol, interval: '1d', startTime: String(startTime), limit: String(PAGE) }).toString()
    let answer: unknown
    try {
      answer = await getJson(url.toString(), { venue: BINANCE_SPOT_SOURCE, timeoutMs: request.timeoutMs, signal: request.signal, what: `reading ${symbol} daily klines`, weight: 2 })
    } catch (error) {
      if (error instanceof VenueRejected && /venue error code -1121\b/.test(error.message)) throw new UnknownSymbol(symbol)
      throw error
    }
    if (!Array.isArray(answer)) throw new VenueRejected(`binance-spot: ${symbol} klines: expected an array, got ${typeof answer}`)
    const rows = answer.map((row, i) => parseRow(row, symbol, candles.length + i))
    for (const row of rows) if (row.closeTime < now.getTime()) candles.push(row.candle)
    const last = rows[rows.length - 1]
    // A short page, or one reaching the day still open, is the end.
    if (!last || rows.length < PAGE || last.closeTime >= now.getTime()) return candles
    startTime = last.openTime + DAY_MS
  }
}
