// Liquidation distances against closed forms: lone linear positions, Aave collateral, joint directions, and a
// real crash (12 Mar 2020 from the Binance daily closes in ../shared/data/prices).
import path from 'node:path'
import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { alignHistories, readCandlesCsv } from '../market/price-csv.js'
import { sharedDataPath } from '../test/support/shared-data.js'
import { factorLiquidationDistance, liquidationDistances, liquidationScaleAlongDirection } from './liquidation-distance.js'
import { aaveRule, linearPerpRule, LINEAR_PERP_DEFAULTS } from './venue-rules.js'
import { crashReplays, DEFAULT_CRASH_EVENTS } from './stress/index.js'
import type { MarketState, RiskAccount, RiskPosition } from './types.js'

const market: MarketState = { asOfMs: Date.UTC(2025, 11, 31), prices: { BTC: 60000, ETH: 3000, USD: 1 }, volSurfaces: {}, impliedVols: {} }

function perp(accountId: string, underlying: string, size: number, entryPrice: number | null): RiskPosition {
  return { id: `${accountId}-${underlying}`, accountId, size, entryPrice, instrument: { symbol: `${underlying}USDT`, kind: 'perpetual', underlying, inverse: false, expiryMs: null, strike: null, optionType: null } }
}
function account(id: string, venue: string, positions: RiskPosition[], balances: [string, number][] = []): RiskAccount {
  return { id, venue, label: id, marginMode: null, positions, balances: balances.map(([asset, amount]) => ({ accountId: id, asset, basisFactor: null, amount })) }
}

describe('per factor', () => {
  test('a lone long liquidates at (S·P0 − E0)/(S·(1 − m)); the move is that over P0 minus one', () => {
    // Binance-like: E0 + S(P − P0) = m·S·P with m = 0.4 % (BTC tier 1).
    const acct = account('b', 'binance', [perp('b', 'BTC', 1, null)], [['USD', 12000]])
    const d = factorLiquidationDistance(acct, market, 'BTC', linearPerpRule)
    const price = (60000 - 12000) / (1 - 0.004)
    expect(d.status).toBe('liquidates')
    expect(d.down!.price).toBeCloseTo(price, 6)
    expect(d.nearest).toMatchObject({ side: 'down' })
    expect(d.nearest!.move).toBeCloseTo(price / 60000 - 1, 12)
    expect(d.up).toBeNull()
  })

  test('an Aave account liquidates where amount·P·LT = debt', () => {
    const acct = account('a', 'aave-v3', [], [['ETH', 10], ['USD', -20000]])
    const d = factorLiquidationDistance(acct, market, 'ETH', aaveRule)
    expect(d.down!.price).toBeCloseTo(20000 / (10 * 0.83), 7)
  })

  test('borrowing ETH against USDC liquidates on an ETH rise: P* = collateral·LT / units borrowed', () => {
    const acct = account('a', 'aave-v3', [], [['USD', 10000], ['ETH', -2]])
    const d = factorLiquidationDistance(acct, market, 'ETH', aaveRule)
    expect(d.down).toBeNull()
    expect(d.up!.price).toBeCloseTo((10000 * 0.78) / 2, 7)
  })

  test('"none" when no move of the factor alone within −99 % … +1,000 % liquidates', () => {
    // Fully funded long: P* = (P0 − E0)/(1 − m) < 0.
    const acct = account('b', 'binance', [perp('b', 'BTC', 1, 60000)], [['USD', 70000]])
    expect(factorLiquidationDistance(acct, market, 'BTC', linearPerpRule)).toMatchObject({ status: 'none', nearest: null, down: null, up: null })
  })

  test('an account already past its line is reported as such', () => {
    const acct = account('b', 'binance', [perp('b', 'BTC', 1, 80000)], [['USD', 15000]])
    expect(factorLiquidationDistance(acct, market, 'BTC', linearPerpRule).status).toBe('already-liquidated')
  })

  test('property: the found price matches the closed form for any lone long or short', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 20, noNaN: true }), fc.boolean(), fc.double({ min: 0.02, max: 0.9, noNaN: true }), fc.double({ min: 0.001, max: 0.05, noNaN: true }), (units, long, equityShare, m) => {
        const size = long ? units : -units
        const e0 = equityShare * units * 60000
        const params = { ...LINEAR_PERP_DEFAULTS, symbols: { BTC: { initialRate: 0.1, maintenanceRate: m } } }
        const acct = account('b', 'binance', [perp('b', 'BTC', size, 60000)], [['USD', e0]])
        const closed = long ? (units * 60000 - e0) / (units * (1 - m)) : (e0 + units * 60000) / (units * (1 + m))
        fc.pre(e0 > m * units * 60000 && closed > 600 && closed < 660000)
        const d = factorLiquidationDistance(acct, market, 'BTC', linearPerpRule(params))
        expect(d.nearest!.price / closed - 1).toBeLessThan(1e-9)
        expect(closed / d.nearest!.price - 1).toBeLessThan(1e-9)
      }),
      { numRuns: 200 },
    )
  })
})

describe('along a direction', () => {
  test('scale t with P0·exp(t·r) = P*: t = ln(P*/P0)/r', () => {
    const acct = account('b', 'binance', [perp('b', 'BTC', 1, 60000)], [['USD', 9000]])
    const price = (60000 - 9000) / (1 - 0.004)
    const r = Math.log(0.7)
    const d = liquidationScaleAlongDirection(acct, market, { label: 'BTC −30 %, ETH −40 %', factors: ['BTC', 'ETH'], logReturns: [r, Math.log(0.6)] }, linearPerpRule)
    expect(d.status).toBe('liquidates')
    expect(d.scale).toBeCloseTo(Math.log(price / 60000) / r, 10)
    expect(d.movesAtScale[0]!.move).toBeCloseTo(price / 60000 - 1, 10)
    expect(liquidationScaleAlongDirection(acct, market, { label: 'up', factors: ['BTC'], logReturns: [0.1] }, linearPerpRule).status).toBe('none')
  })

  test('the 12 Mar 2020 replay liquidates a 5× BTC long at t = ln(P*/P0) / ln(4800/7934.52)', () => {
    // Closes from ../shared/data/prices/BTC-USD-1d.csv (SOURCES.md spot check: 7934.52 → 4800.00 on 2020-03-12).
    const history = alignHistories({ BTC: readCandlesCsv(sharedDataPath('prices', 'BTC-USD-1d.csv')), ETH: readCandlesCsv(path.join(sharedDataPath('prices'), 'ETH-USD-1d.csv')) })
    const replays = crashReplays(history, DEFAULT_CRASH_EVENTS)
    const acct = account('b', 'binance', [perp('b', 'BTC', 1, 60000)], [['USD', 60000 / 5]])
    // The replay's row for that day: every factor's move then, as a direction.
    const s = replays.labels.findIndex((label) => /12 Mar 2020/.test(label))
    const F = replays.factors.length
    const direction = { label: replays.labels[s]!, factors: replays.factors, logReturns: replays.logReturns.slice(s * F, (s + 1) * F) }
    const t = liquidationScaleAlongDirection(acct, market, direction, linearPerpRule).scale!
    const price = (60000 - 12000) / (1 - 0.004)
    expect(t).toBeCloseTo(Math.log(price / 60000) / Math.log(4800 / 7934.52), 9)
    expect(t).toBeLessThan(1) // that day would have liquidated it
  })
})

describe('per account', () => {
  test('every exposed factor is searched, the nearest is named, and the direction applied', () => {
    const aave = account('a', 'aave-v3', [], [['ETH', 10], ['BTC', 0.5], ['USD', -25000]])
    const [r] = liquidationDistances([aave], market, { direction: { label: 'crash', factors: ['BTC', 'ETH'], logReturns: [Math.log(0.8), Math.log(0.7)] } })
    expect(r!.factors.map((f) => f.factor)).toEqual(['BTC', 'ETH'])
    // ETH alone: 10·P·0.83 + 0.5·60000·0.78 = 25000; BTC alone: 0.5·P·0.78 + 10·3000·0.83 = 25000 (below 0: none).
    expect(r!.factors[1]!.down!.price).toBeCloseTo((25000 - 0.5 * 60000 * 0.78) / (10 * 0.83), 6)
    expect(r!.factors[0]!.status).toBe('none')
    expect(r!.nearest!.factor).toBe('ETH')
    expect(r!.today.metric.kind).toBe('healthFactor')
    // Along the direction, t solves 10·3000·0.7^t·0.83 + 0.5·60000·0.8^t·0.78 = 25000.
    const t = r!.alongDirection!.scale!
    expect(10 * 3000 * Math.pow(0.7, t) * 0.83 + 0.5 * 60000 * Math.pow(0.8, t) * 0.78).toBeCloseTo(25000, 6)
  })

  test('bad search limits are refused naming the option', () => {
    expect(() => liquidationDistances([], market, { maxDown: 1.5 })).toThrow(/options\.maxDown/)
  })
})
