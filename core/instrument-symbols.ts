// Reads an instrument from the name a venue or ccxt gives it (`BTC-PERPETUAL`, `BTC-28JUN24-70000-C`,
// `BTC/USDT:USDT`, `BTCUSD_PERP`, `BTC-USD-SWAP`), so users and the what-if API can speak each venue's language.
import { InvalidInput } from './errors.js'
import { canonicalAsset } from './assets.js'

export interface ParsedInstrument {
  symbol: string
  kind: 'spot' | 'perpetual' | 'future' | 'option'
  /** Canonical factor (`BTC`, `ETH`). */
  underlying: string
  quote: string
  settlement: string
  /** Coin-settled: P&L paid in the underlying. */
  inverse: boolean
  expiryMs: number | null
  strike: number | null
  optionType: 'call' | 'put' | null
}

const MONTHS: Record<string, number> = { JAN: 0, FEB: 1, MAR: 2, APR: 3, MAY: 4, JUN: 5, JUL: 6, AUG: 7, SEP: 8, OCT: 9, NOV: 10, DEC: 11 }
// Deribit, OKX and Bybit expire dated contracts at 08:00 UTC.
const EXPIRY_HOUR_UTC = 8

function parseDayMonthYear(text: string): number | null {
  const m = /^(\d{1,2})([A-Z]{3})(\d{2})$/.exec(text)
  if (!m || MONTHS[m[2]!] === undefined) return null
  return Date.UTC(2000 + Number(m[3]), MONTHS[m[2]!], Number(m[1]), EXPIRY_HOUR_UTC)
}

function parseYymmdd(text: string): number | null {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(text)
  if (!m) return null
  const month = Number(m[2]) - 1
  const day = Number(m[3])
  if (month < 0 || month > 11 || day < 1 || day > 31) return null
  return Date.UTC(2000 + Number(m[1]), month, day, EXPIRY_HOUR_UTC)
}

const QUOTES = ['USDT', 'USDC', 'FDUSD', 'BUSD', 'USD']

function build(symbol: string, kind: ParsedInstrument['kind'], base: string, quote: string, settlement: string, extra: Partial<ParsedInstrument> = {}): ParsedInstrument {
  return {
    symbol,
    kind,
    underlying: canonicalAsset(base).factor,
    quote,
    settlement,
    inverse: settlement === base,
    expiryMs: null,
    strike: null,
    optionType: null,
    ...extra,
  }
}

function optionParts(expiry: number | null, strike: string, type: string): Partial<ParsedInstrument> | null {
  if (expiry === null || !/^\d+(\.\d+)?$/.test(strike) || (type !== 'C' && type !== 'P')) return null
  return { expiryMs: expiry, strike: Number(strike), optionType: type === 'C' ? 'call' : 'put' }
}

/** ccxt's unified symbols: BASE/QUOTE, BASE/QUOTE:SETTLE, …-YYMMDD, …-YYMMDD-STRIKE-C|P. */
function parseCcxt(symbol: string): ParsedInstrument | null {
  const m = /^([A-Z0-9]+)\/([A-Z0-9]+)(?::([A-Z0-9]+)(?:-(\d{6})(?:-([\d.]+)-([CP]))?)?)?$/.exec(symbol)
  if (!m) return null
  const [, base, quote, settle, date, strike, type] = m as unknown as [string, string, string, string?, string?, string?, string?]
  if (!settle) return build(symbol, 'spot', base, quote, quote)
  if (!date) return build(symbol, 'perpetual', base, quote, settle)
  const expiry = parseYymmdd(date)
  if (expiry === null) return null
  if (!strike) return build(symbol, 'future', base, quote, settle, { expiryMs: expiry })
  const option = optionParts(expiry, strike, type!)
  return option ? build(symbol, 'option', base, quote, settle, option) : null
}

/** Deribit: BTC-PERPETUAL, BTC_USDC-PERPETUAL, BTC-28JUN24, BTC-28JUN24-70000-C. */
function parseDashed(symbol: string): ParsedInstrument | null {
  const parts = symbol.split('-')
  const head = parts[0]!
  const [base, linearQuote] = head.includes('_') ? (head.split('_') as [string, string]) : [head, null]
  const settle = linearQuote ?? base
  const quote = linearQuote ?? 'USD'
  if (parts.length === 2 && parts[1] === 'PERPETUAL') return build(symbol, 'perpetual', base, quote, settle)
  if (parts.length === 2) {
    const expiry = parseDayMonthYear(parts[1]!)
    return expiry === null ? null : build(symbol, 'future', base, quote, settle, { expiryMs: expiry })
  }
  if (parts.length === 4) {
    const option = optionParts(parseDayMonthYear(parts[1]!), parts[2]!, parts[3]!)
    return option ? build(symbol, 'option', base, quote, settle, option) : null
  }
  return null
}

/** OKX: BTC-USDT-SWAP, BTC-USD-SWAP, BTC-USD-240628, BTC-USD-240628-70000-C, BTC-USDT (spot). dYdX: BTC-USD (perp). */
function parseOkxOrDydx(symbol: string, venue: string): ParsedInstrument | null {
  const parts = symbol.split('-')
  const [base, quote] = parts as [string, string]
  if (!quote || !QUOTES.includes(quote)) return null
  const settle = quote === 'USD' ? base : quote
  if (parts.length === 2) {
    // dYdX markets are USDC-margined perpetuals named BASE-USD; OKX's BASE-QUOTE is spot.
    return venue === 'dydx-v4' ? build(symbol, 'perpetual', base, 'USD', 'USDC') : build(symbol, 'spot', base, quote, quote)
  }
  if (parts.length === 3 && parts[2] === 'SWAP') return build(symbol, 'perpetual', base, quote, settle)
  if (parts.length === 3) {
    const expiry = parseYymmdd(parts[2]!)
    return expiry === null ? null : build(symbol, 'future', base, quote, settle, { expiryMs: expiry })
  }
  if (parts.length === 5) {
    const option = optionParts(parseYymmdd(parts[2]!), parts[3]!, parts[4]!)
    return option ? build(symbol, 'option', base, quote, settle, option) : null
  }
  return null
}

/** Binance/Bybit native: BTCUSDT (linear perp), BTCUSD_PERP / BTCUSD (inverse perp), BTCUSDT_240628, BTCUSD_240628. */
function parseConcatenated(symbol: string): ParsedInstrument | null {
  const m = /^([A-Z0-9]+?)(USDT|USDC|FDUSD|BUSD|USD)(?:_(PERP|\d{6}))?$/.exec(symbol)
  if (!m) return null
  const [, base, quote, suffix] = m as unknown as [string, string, string, string?]
  const settle = quote === 'USD' ? base : quote
  if (!suffix || suffix === 'PERP') return build(symbol, 'perpetual', base, quote, settle)
  const expiry = parseYymmdd(suffix)
  return expiry === null ? null : build(symbol, 'future', base, quote, settle, { expiryMs: expiry })
}

/** Parses `symbol` as `venue` names it; throws InvalidInput naming `field` when it cannot. */
export function parseInstrumentSymbol(venue: string, symbol: string, field = 'instrument'): ParsedInstrument {
  const s = symbol.trim().toUpperCase()
  let parsed: ParsedInstrument | null = null
  if (s.includes('/')) parsed = parseCcxt(s)
  else if (venue === 'hyperliquid' && /^[A-Z0-9]+$/.test(s)) parsed = build(s, 'perpetual', s, 'USD', 'USDC')
  else if (venue === 'okx' || venue === 'dydx-v4') parsed = parseOkxOrDydx(s, venue)
  else if (s.includes('-')) parsed = parseDashed(s)
  else parsed = parseConcatenated(s)
  if (!parsed) {
    throw new InvalidInput(field, `"${symbol}" is not an instrument name ${venue} uses (e.g. BTC-PERPETUAL, BTC-28JUN24-70000-C, BTC/USDT:USDT, BTCUSDT)`)
  }
  return parsed
}
