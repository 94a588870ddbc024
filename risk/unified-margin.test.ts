// The unified book: revaluation, exposures and netting, unified margin, stress, liquidation and capital efficiency.
import path from 'node:path'
import { readdirSync } from 'node:fs'
import { beforeAll, describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { alignHistories, readCandlesCsv } from '../market/price-csv.js'
import { sharedDataPath } from '../test/support/shared-data.js'
import { expectedShortfall, valueAtRisk } from './measures.js'
import { revaluePortfolio } from './revaluation.js'
import { computeExposures } from './exposures.js'
import { computeUnifiedMargin } from './unified-margin.js'
import { aaveRule, linearPerpRule } from './venue-rules.js'
import { factorLiquidationDistance } from './liquidation-distance.js'
import { capitalEfficiency } from './capital-efficiency.js'
import { normalQuantile } from '../quant/normal.js'
import { DataUnavailable, InvalidInput } from '../core/errors.js'
import { DEFAULT_FHS_PARAMS } from './scenarios/fhs.js'
import type { MarketState, PriceHistory, RiskAccount, RiskPosition, ScenarioSet } from './types.js'

const market: MarketState = { asOfMs: Date.UTC(2025, 11, 31), prices: { BTC: 60000, ETH: 3000, USD: 1 }, volSurfaces: {}, impliedVols: {} }

function perp(accountId: string, underlying: string, size: number, entryPrice: number | null = null, inverse = false): RiskPosition {
  return { id: `${accountId}-${underlying}`, accountId, size, entryPrice, instrument: { symbol: `${underlying}-PERP`, kind: 'perpetual', underlying, inverse, expiryMs: null, strike: null, optionType: null } }
}
function account(id: string, venue: string, positions: RiskPosition[], balances: [string, number][] = []): RiskAccount {
  return { id, venue, label: id, marginMode: null, positions, balances: balances.map(([asset, amount]) => ({ accountId: id, asset, basisFactor: null, amount })) }
}

/** A deterministic Gaussian sample (Box–Muller over a small LCG) for closed-form checks. */
function gaussianScenarios(n: number, sigmas: [number, number], rho: number): ScenarioSet {
  let seed = 42
  const uniform = () => ((seed = (seed * 1664525 + 1013904223) % 4294967296) + 0.5) / 4294967296
  const out = new Float64Array(n * 2)
  for (let s = 0; s < n; s++) {
    const u = Math.sqrt(-2 * Math.log(uniform()))
    const v = 2 * Math.PI * uniform()
    const z1 = u * Math.cos(v)
    const z2 = u * Math.sin(v)
    out[2 * s] = sigmas[0] * z1
    out[2 * s + 1] = sigmas[1] * (rho * z1 + Math.sqrt(1 - rho * rho) * z2)
  }
  return { factors: ['BTC', 'ETH'], count: n, logReturns: out, volShifts: null, labels: Array.from({ length: n }, (_, i) => String(i)) }
}

describe('revaluation', () => {
  test('two-asset normal VaR matches the analytic z·√(wΣw) (small moves, many scenarios)', () => {
    // w = (+60,000, −30,000) USD, σ = (1 %, 1.2 %), ρ = 0.8: σ_p² = 0.36e8·1e-4 + 0.09e8·1.44e-4 − 2·0.8·6e4·3e4·1.2e-4.
    const scenarios = gaussianScenarios(200_000, [0.01, 0.012], 0.8)
    const book = [account('a', 'binance', [perp('a', 'BTC', 1), perp('a', 'ETH', -10)])]
    const pnl = revaluePortfolio(book, market, scenarios).book
    const sigmaP = Math.sqrt(60000 ** 2 * 1e-4 + 30000 ** 2 * 1.44e-4 - 2 * 0.8 * 60000 * 30000 * 0.01 * 0.012)
    expect(valueAtRisk(pnl, 0.99) / (-normalQuantile(0.01) * sigmaP)).toBeCloseTo(1, 1.5)
  })

  test('an inverse perpetual’s USD P&L is size·(P1 − P0): Q·(1/P0 − 1/P1) coin × P1', () => {
    const set: ScenarioSet = { factors: ['BTC'], count: 1, logReturns: Float64Array.of(Math.log(0.84)), volShifts: null, labels: ['−16 %'] }
    const pnl = revaluePortfolio([account('d', 'deribit', [perp('d', 'BTC', 0.314538364, null, true)])], { ...market, prices: { BTC: 65666.19 } }, set).book[0]!
    const q = 0.314538364 * 65666.19
    const coin = q * (1 / 65666.19 - 1 / (65666.19 * 0.84))
    expect(pnl).toBeCloseTo(coin * 65666.19 * 0.84, 6)
    // The same coin P&L Deribit publishes for this position at −16 %: −0.059912069333 BTC.
    expect(coin).toBeCloseTo(-0.059912069333, 11)
  })

  test('ES of a combined book never exceeds the sum of its parts on one scenario set', () => {
    const scenarios = gaussianScenarios(2_000, [0.03, 0.04], 0.6)
    fc.assert(
      fc.property(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -50, max: 50, noNaN: true }), (b1, e1, b2, e2) => {
        const a = account('a', 'x', [perp('a', 'BTC', b1), perp('a', 'ETH', e1)])
        const b = account('b', 'y', [perp('b', 'BTC', b2), perp('b', 'ETH', e2)])
        const esA = expectedShortfall(revaluePortfolio([a], market, scenarios).book, 0.975)
        const esB = expectedShortfall(revaluePortfolio([b], market, scenarios).book, 0.975)
        const esAB = expectedShortfall(revaluePortfolio([a, b], market, scenarios).book, 0.975)
        expect(esAB).toBeLessThanOrEqual(esA + esB + 1e-6 * (1 + Math.abs(esA) + Math.abs(esB)))
      }),
      { numRuns: 60 },
    )
  })
})

describe('exposures and netting', () => {
  test('WETH collateral on Aave nets against an ETH short on Binance', () => {
    const aave = account('aave', 'aave-v3', [], [['ETH', 2], ['USD', -1500]])
    const binance = account('bin', 'binance', [perp('bin', 'ETH', -1.5)], [['USD', 20000]])
    const eth = computeExposures([aave, binance], market).find((e) => e.factor === 'ETH')!
    expect(eth.netUnits).toBeCloseTo(0.5, 12)
    expect(eth.netUsd).toBeCloseTo(1500, 9)
    expect(eth.grossUsd).toBeCloseTo(3.5 * 3000, 9)
  })

  test('netting is order-independent', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('BTC', 'ETH'), fc.double({ min: -100, max: 100, noNaN: true })), { minLength: 1, maxLength: 8 }), (legs) => {
        const accounts = legs.map(([u, size], i) => account(`a${i}`, i % 2 ? 'binance' : 'okx', [perp(`a${i}`, u, size)]))
        const forward = computeExposures(accounts, market).map((e) => [e.factor, e.netUnits])
        const reversed = computeExposures([...accounts].reverse(), market).map((e) => [e.factor, e.netUnits])
        forward.forEach(([f, n], i) => {
          expect(reversed[i]![0]).toBe(f)
          expect(reversed[i]![1] as number).toBeCloseTo(n as number, 9)
        })
      }),
    )
  })
})

describe('unified margin on real history', () => {
  let history: PriceHistory
  beforeAll(() => {
    const dir = sharedDataPath('prices')
    history = alignHistories(Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('-1d.csv')).map((f) => [f.split('-')[0]!, readCandlesCsv(path.join(dir, f))])))
  })
  const asOfDate = '2025-12-31'
  const btcMarket: MarketState = { ...market, prices: { BTC: 87000, ETH: 2970, USD: 1 } }

  test('a lone position’s margin grows with its size (and is homogeneous without liquidity add-ons)', () => {
    const one = computeUnifiedMargin({ accounts: [account('a', 'binance', [perp('a', 'BTC', 1)])], market: btcMarket, history, asOfDate })
    const two = computeUnifiedMargin({ accounts: [account('a', 'binance', [perp('a', 'BTC', 2)])], market: btcMarket, history, asOfDate })
    expect(two.initialMargin).toBeGreaterThan(one.initialMargin)
    expect(two.initialMargin / one.initialMargin).toBeCloseTo(2, 9)
    expect(one.es975).toBeGreaterThan(one.var99 * 0.9)
    expect(one.components.map((c) => c.name)).toEqual(['es975', 'var99', 'stress', 'floor', 'liquidityAddOn', 'concentrationAddOn'])
  })

  test('a hedge across venues needs far less than its legs apart', () => {
    const long = account('a', 'binance', [perp('a', 'BTC', 1)])
    const short = account('b', 'okx', [perp('b', 'BTC', -1)])
    const hedged = computeUnifiedMargin({ accounts: [long, short], market: btcMarket, history, asOfDate })
    expect(hedged.initialMargin).toBeLessThan(1e-6)
  })

  test('the 12 Mar 2020 replay moves a BTC long by the day’s close-to-close move', () => {
    const result = computeUnifiedMargin({ accounts: [account('a', 'binance', [perp('a', 'BTC', 1)])], market: btcMarket, history, asOfDate })
    const crash = result.stressScenarios.find((s) => s.name.startsWith('Black Thursday'))!
    // BTC closed 7934.52 → 4800.00 that day (../shared/data/prices/SOURCES.md).
    expect(crash.bookPnl).toBeCloseTo(87000 * (4800 / 7934.52 - 1), 6)
    expect(crash.kind).toBe('crash')
  })

  test('the liquidity add-on follows the square-root law', () => {
    const adv = 1e9
    const r = computeUnifiedMargin({ accounts: [account('a', 'binance', [perp('a', 'BTC', 100)])], market: btcMarket, history, asOfDate, params: { averageDailyVolumeUsd: { BTC: adv } } })
    const r4 = computeUnifiedMargin({ accounts: [account('a', 'binance', [perp('a', 'BTC', 400)])], market: btcMarket, history, asOfDate, params: { averageDailyVolumeUsd: { BTC: adv } } })
    // cost ∝ |X|^1.5: four times the size costs eight times as much.
    expect(r4.liquidityAddOn / r.liquidityAddOn).toBeCloseTo(8, 9)
  })

  test('concentration: a net position above 5 % of open interest pays (share − 5 %)·|X|·σ', () => {
    const small = computeUnifiedMargin({ accounts: [account('a', 'binance', [perp('a', 'BTC', 10)])], market: btcMarket, history, asOfDate, params: { openInterestUsd: { BTC: 1e8 } } })
    expect(small.concentrationAddOn).toBe(0)
    const big = computeUnifiedMargin({ accounts: [account('a', 'binance', [perp('a', 'BTC', 200)])], market: btcMarket, history, asOfDate, params: { openInterestUsd: { BTC: 1e8 } } })
    // 200 BTC = 17.4 M USD = 17.4 % of OI: (0.174 − 0.05) × 17.4 M × σ_daily, σ_daily between 1 % and 6 %.
    const x = 200 * 87000
    expect(big.concentrationAddOn / ((x / 1e8 - 0.05) * x)).toBeGreaterThan(0.01)
    expect(big.concentrationAddOn / ((x / 1e8 - 0.05) * x)).toBeLessThan(0.06)
  })

  test('a USDC balance loses its depeg in the March 2023 replay, through its basis factor', () => {
    const usdc: RiskAccount = { id: 'u', venue: 'aave-v3', label: 'u', marginMode: null, positions: [perp('u', 'BTC', 0.001)], balances: [{ accountId: 'u', asset: 'USD', basisFactor: 'USDC-USD', amount: 1_000_000 }] }
    const result = computeUnifiedMargin({ accounts: [usdc], market: btcMarket, history, asOfDate })
    const depeg = result.stressScenarios.find((s) => s.kind === 'crash' && s.name.includes('USDC'))!
    // USDC at 0.88 (the documented trough): −12 % of 1,000,000, plus the tiny BTC leg's move those two days.
    const btcLeg = depeg.bookPnl + 120_000
    expect(Math.abs(btcLeg)).toBeLessThan(0.001 * 87000 * 0.2)
  })

  test('bad input is refused naming the field', () => {
    expect(() => computeUnifiedMargin({ accounts: [account('a', 'binance', [perp('a', 'BTC', NaN)])], market: btcMarket, history, asOfDate })).toThrow(/accounts\[0\]\.positions\[0\]\.size/)
    expect(() => computeUnifiedMargin({ accounts: [account('a', 'binance', [perp('a', 'BTC', 1)])], market: { ...btcMarket, prices: {} }, history, asOfDate })).toThrow(/no price for BTC/)
    expect(() => computeUnifiedMargin({ accounts: [], market: btcMarket, history, asOfDate })).toThrow(/accounts/)
    expect(() => computeUnifiedMargin({ accounts: [account('a', 'x', [perp('a', 'BTC', 1)])], market: btcMarket, history: { dates: [], factors: [], closes: [] }, asOfDate })).toThrow(/history/)
  })

  test('missing data is DataUnavailable saying what is missing; a parameter only the caller chose stays InvalidInput', () => {
    const long = [account('a', 'binance', [perp('a', 'BTC', 1)])]
    const noPrice = () => computeUnifiedMargin({ accounts: long, market: { ...btcMarket, prices: {} }, history, asOfDate })
    expect(noPrice).toThrow(DataUnavailable)
    expect(noPrice).toThrow(expect.objectContaining({ code: 'DATA_UNAVAILABLE', detail: 'no price for BTC' }))
    expect(() => computeUnifiedMargin({ accounts: long, market: btcMarket, history: { dates: [], factors: [], closes: [] }, asOfDate })).toThrow(DataUnavailable)
    // Before 2018 there is no history in the scenario window: nothing to margin on.
    expect(() => computeUnifiedMargin({ accounts: long, market: btcMarket, history, asOfDate: '2017-01-01' })).toThrow(DataUnavailable)
    expect(() => computeUnifiedMargin({ accounts: long, market: btcMarket, history, asOfDate, params: { fhs: { ...DEFAULT_FHS_PARAMS, lambda: 1.5 } } })).toThrow(InvalidInput)
  })
})

describe('liquidation distance and capital efficiency', () => {
  test('a lone linear long liquidates at (S·P − E)/(S·(1 − m)) (closed form)', () => {
    // Equity E = 5,000 USDT + unrealised; maintenance m = 0.4 % for BTC. At P': E + S(P' − P0) = m·S·P'.
    const acct = account('a', 'binance', [perp('a', 'BTC', 1, 60000)], [['USD', 5000]])
    const expected = (1 * 60000 - 5000) / (1 * (1 - 0.004))
    expect(factorLiquidationDistance(acct, market, 'BTC', linearPerpRule).nearest!.price).toBeCloseTo(expected, 4)
  })

  test('an Aave account with one collateral liquidates where amount·P·LT = debt', () => {
    const acct = account('v', 'aave-v3', [], [['ETH', 2], ['USD', -3000]])
    expect(factorLiquidationDistance(acct, market, 'ETH', aaveRule).nearest!.price).toBeCloseTo(3000 / (2 * 0.83), 4)
  })

  test('collateral moves from a slack venue to the one nearest liquidation, and the sum of venue IMs is compared', () => {
    const aave = account('aave', 'aave-v3', [], [['ETH', 2], ['USD', -4500]])
    const binance = account('bin', 'binance', [perp('bin', 'BTC', 0.1, 60000)], [['USD', 50000]])
    const result = capitalEfficiency([aave, binance], market, 1000, { targetHealthFactor: 1.5 })
    expect(result.sumOfVenueInitialMargins).toBeGreaterThan(0)
    expect(result.freed).toBeCloseTo(result.sumOfVenueInitialMargins - 1000, 9)
    const [step] = result.rebalancing
    expect(step).toMatchObject({ fromAccountId: 'bin', toAccountId: 'aave', asset: 'USDC' })
    // HF 2·3000·0.83/4500 = 1.107; reaching 1.5 needs (1.5·4500 − 4980)/0.78 = 2,269.23 USD of stable collateral.
    expect(step!.amountUsd).toBeCloseTo((1.5 * 4500 - 2 * 3000 * 0.83) / 0.78, 6)
    // Its effect: Aave's ETH liquidation price falls from 4500/(2·0.83) to (4500 − 0.78·X)/(2·0.83).
    const aaveEth = step!.effect.find((e) => e.accountId === 'aave' && e.factor === 'ETH')!
    expect(aaveEth.before).toBeCloseTo(4500 / 1.66, 4)
    expect(aaveEth.after).toBeCloseTo((4500 - 0.78 * step!.amountUsd) / 1.66, 4)
    const donorBtc = step!.effect.find((e) => e.accountId === 'bin' && e.factor === 'BTC')!
    expect(donorBtc.after === null || donorBtc.before === null || donorBtc.after > donorBtc.before).toBe(true)
  })
})

