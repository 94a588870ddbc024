// Daily OHLCV candles from CSV (`date,open,high,low,close,volume`), and their alignment onto one calendar for the
// risk engine. Prices stay decimal strings for storage; closes are also parsed to float64 for the engine.
import { readFileSync } from 'node:fs'
import { InvalidInput } from '../core/errors.js'
import type { PriceHistory } from '../risk/types.js'

export interface Candle {
  date: string
  open: string
  high: string
  low: string
  close: string
  volume: string
}

const NUMBER = /^\d+(\.\d+)?$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

export function parseCandlesCsv(text: string, source: string): Candle[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '')
  const header = lines[0]?.trim()
  if (header !== 'date,open,high,low,close,volume') throw new InvalidInput(`${source}:1`, `expected header "date,open,high,low,close,volume", got "${header}"`)
  const candles: Candle[] = []
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',').map((c) => c.trim())
    const where = `${source}:${i + 1}`
    if (cells.length !== 6) throw new InvalidInput(where, `expected 6 columns, got ${cells.length}`)
    const [date, open, high, low, close, volume] = cells as [string, string, string, string, string, string]
    if (!DATE.test(date)) throw new InvalidInput(`${where}.date`, `"${date}" is not YYYY-MM-DD`)
    for (const [name, value] of Object.entries({ open, high, low, close, volume })) {
      if (!NUMBER.test(value)) throw new InvalidInput(`${where}.${name}`, `"${value}" is not a non-negative decimal`)
    }
    if (Number(close) <= 0) throw new InvalidInput(`${where}.close`, 'must be positive')
    if (candles.length > 0 && date <= candles[candles.length - 1]!.date) throw new InvalidInput(`${where}.date`, `${date} is not after the previous row`)
    candles.push({ date, open, high, low, close, volume })
  }
  return candles
}

export function readCandlesCsv(file: string): Candle[] {
  return parseCandlesCsv(readFileSync(file, 'utf8'), file)
}

/** The UTC calendar day after `date` (YYYY-MM-DD). */
export function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/**
 * Puts every factor's closes on one daily calendar from the earliest first date to the latest last date.
 * A factor has NaN before its first candle; a missing day inside its history is an error (no silent filling).
 */
export function alignHistories(series: Record<string, Candle[]>): PriceHistory {
  const factors = Object.keys(series).sort()
  if (factors.length === 0) throw new InvalidInput('series', 'needs at least one factor')
  let start = '9999-12-31'
  let end = '0000-01-01'
  for (const f of factors) {
    const c = series[f]!
    if (c.length === 0) throw new InvalidInput(`series.${f}`, 'has no candles')
    if (c[0]!.date < start) start = c[0]!.date
    if (c[c.length - 1]!.date > end) end = c[c.length - 1]!.date
  }
  const dates: string[] = []
  for (let d = start; d <= end; d = nextDay(d)) dates.push(d)
  const index = new Map(dates.map((d, i) => [d, i]))
  const closes = factors.map((f) => {
    const out = new Float64Array(dates.length).fill(NaN)
    const candles = series[f]!
    for (const c of candles) out[index.get(c.date)!] = Number(c.close)
    const first = index.get(candles[0]!.date)!
    const last = index.get(candles[candles.length - 1]!.date)!
    for (let i = first; i <= last; i++) if (Number.isNaN(out[i]!)) throw new InvalidInput(`series.${f}`, `has no close on ${dates[i]}`)
    return out
  })
  return { dates, factors, closes }
}
