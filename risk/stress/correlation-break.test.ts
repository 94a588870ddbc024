// Correlation breaks: the moves, and what they do to hedged books (closed-form P&L).
import { describe, expect, test } from '@jest/globals'
import { correlationBreaks, evaluateStress } from './index.js'
import type { MarketState, RiskAccount, RiskPosition } from '../types.js'

const factors = ['BTC', 'ETH', 'SOL', 'WBTC-BTC', 'STETH-ETH', 'USDC-USD']
const move = (set: ReturnType<typeof correlationBreaks>, label: RegExp, factor: string) => {
  const s = set.labels.findIndex((l) => label.test(l))
  expect(s).toBeGreaterThanOrEqual(0)
  return Math.expm1(set.logReturns[s * set.factors.length + set.factors.indexOf(factor)]!)
}

function perp(accountId: string, underlying: string, size: number): RiskPosition {
  return { id: `${accountId}-${underlying}`, accountId, size, entryPrice: null, instrument: { symbol: `${underlying}-PERP`, kind: 'perpetual', underlying, inverse: false, expiryMs: null, strike: null, optionType: null } }
}

describe('correlationBreaks', () => {
  test('hedges fail both ways, ETH decouples, basis and pegs break with the documented defaults', () => {
    const set = correlationBreaks(factors)
    expect(move(set, /^hedge fails: alts/, 'SOL')).toBeCloseTo(-0.25, 14)
    expect(move(set, /^hedge fails: alts/, 'BTC')).toBeCloseTo(0.1, 14)
    expect(move(set, /^hedge fails: BTC/, 'BTC')).toBeCloseTo(-0.2, 14)
    expect(move(set, /^hedge fails: BTC/, 'ETH')).toBeCloseTo(0.05, 14)
    expect(move(set, /^ETH decouples/, 'ETH')).toBeCloseTo(-0.2, 14)
    expect(move(set, /^ETH decouples/, 'BTC')).toBe(0)
    expect(move(set, /^basis blow-out/, 'WBTC-BTC')).toBeCloseTo(-0.05, 14)
    expect(move(set, /^basis blow-out/, 'STETH-ETH')).toBeCloseTo(-0.07, 14)
    expect(move(set, /^stablecoin depeg/, 'USDC-USD')).toBeCloseTo(-0.12, 14)
    expect(move(set, /^crash with basis/, 'ETH')).toBeCloseTo(-0.2, 14)
    expect(move(set, /^crash with basis/, 'STETH-ETH')).toBeCloseTo(-0.07, 14)
  })

  test('a long SOL / short BTC book in equal USD loses N·(0.25 + 0.10) when the hedge fails', () => {
    const market: MarketState = { asOfMs: 0, prices: { BTC: 60000, SOL: 150, ETH: 3000 }, volSurfaces: {}, impliedVols: {} }
    const acct: RiskAccount = { id: 'h', venue: 'binance', label: 'h', marginMode: null, balances: [], positions: [perp('h', 'SOL', 400), perp('h', 'BTC', -1)] }
    const result = evaluateStress([acct], market, { 'correlation-break': correlationBreaks(['BTC', 'ETH', 'SOL']) })
    const fail = result.scenarios.find((s) => s.label.startsWith('hedge fails: alts'))!
    expect(fail.bookPnl).toBeCloseTo(60000 * -0.25 - 60000 * 0.1, 8)
    expect(result.worstForBook!.label).toBe(fail.label)
  })

  test('parameters override the defaults; bad ones name the field', () => {
    const set = correlationBreaks(factors, { basis: { 'WBTC-BTC': -0.1 }, stablecoinDepeg: -0.03 })
    expect(move(set, /^basis blow-out/, 'WBTC-BTC')).toBeCloseTo(-0.1, 14)
    expect(move(set, /^stablecoin depeg/, 'USDC-USD')).toBeCloseTo(-0.03, 14)
    expect(() => correlationBreaks(factors, { altDown: 1.2 })).toThrow(/params\.altDown/)
    expect(() => correlationBreaks(factors, { stablecoinDepeg: 0.1 })).toThrow(/params\.stablecoinDepeg/)
    expect(() => correlationBreaks([])).toThrow(/factors/)
  })
})
