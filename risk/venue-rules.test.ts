// Venue margin rules: each figure against hand-derived closed forms (Aave's HF definition, Binance's bracket MM).
import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { InvalidInput } from '../core/errors.js'
import { aaveRule, compoundRule, deribitPmRule, exposedFactors, fallbackRule, gmxRule, lendingParamsOver, lendingRule, linearMargins, linearPerpRule, liquidationBuffer, lowestBufferAfter, pinEntryPrices, ruleFor, withParams, AAVE_DEFAULT_LENDING, DEFAULT_VENUE_RULES, type GmxRuleParams, type LinearPerpParams, type VenueMarginRule } from './venue-rules.js'
import { factorLiquidationDistance } from './liquidation-distance.js'
import type { MarketState, RiskAccount, RiskPosition } from './types.js'

const market: MarketState = { asOfMs: Date.UTC(2025, 11, 31), prices: { BTC: 60000, ETH: 3000, USD: 1 }, volSurfaces: {}, impliedVols: {} }

function perp(accountId: string, underlying: string, size: number, entryPrice: number | null): RiskPosition {
  return { id: `${accountId}-${underlying}`, accountId, size, entryPrice, instrument: { symbol: `${underlying}USDT`, kind: 'perpetual', underlying, inverse: false, expiryMs: null, strike: null, optionType: null } }
}
function account(id: string, venue: string, positions: RiskPosition[], balances: [string, number, string?][] = []): RiskAccount {
  return { id, venue, label: id, marginMode: null, positions, balances: balances.map(([asset, amount, basis]) => ({ accountId: id, asset, basisFactor: basis ?? null, amount })) }
}
/** Each exposed factor's nearest liquidating fall and rise under the rule (others fixed), by the engine's one search. */
function liquidationPrices(rule: VenueMarginRule, acct: RiskAccount, at: MarketState, params?: unknown): { factor: string; price: number }[] {
  if (rule.evaluate(acct, at, params).liquidated) return []
  return exposedFactors(acct).flatMap((factor) => {
    const d = factorLiquidationDistance(acct, at, factor, rule, params)
    return [d.down, d.up].flatMap((point) => (point ? [{ factor, price: point.price }] : []))
  })
}

describe('lending rule (Aave-like health factor)', () => {
  test('HF is Σ collateral·LT over debt, and the lone collateral liquidates at debt/(amount·LT)', () => {
    // Aave v3 defines HF = Σ collateral_i·LT_i / total debt (Aave v3 technical paper, §"Health factor").
    const acct = account('a', 'aave-v3', [], [['ETH', 2], ['USD', -3000]])
    const r = aaveRule.evaluate(acct, market)
    expect(r.metric).toEqual({ kind: 'healthFactor', value: (2 * 3000 * 0.83) / 3000, liquidationAt: 1 })
    expect(r.equity).toBe(6000 - 3000)
    // IM and MM are the equity the venue makes you keep: Σ c·(1 − LTV) and Σ c·(1 − LT).
    expect(r.initialMargin).toBeCloseTo(6000 * (1 - 0.805), 9)
    expect(r.maintenanceMargin).toBeCloseTo(6000 * (1 - 0.83), 9)
    expect(liquidationBuffer(r)).toBeCloseTo(6000 * 0.83 - 3000, 9)
    expect(r.liquidated).toBe(false)
    const [eth] = liquidationPrices(aaveRule, acct, market)
    expect(eth!.factor).toBe('ETH')
    expect(eth!.price).toBeCloseTo(3000 / (2 * 0.83), 7)
  })

  test('two collaterals: ETH alone liquidates where 2·P·0.83 + 1·60000·0.78 = debt', () => {
    const acct = account('a', 'aave-v3', [], [['ETH', 2], ['BTC', 0.1], ['USD', -7000]])
    const eth = liquidationPrices(aaveRule, acct, market).find((p) => p.factor === 'ETH')!
    expect(eth.price).toBeCloseTo((7000 - 0.1 * 60000 * 0.78) / (2 * 0.83), 7)
    const btc = liquidationPrices(aaveRule, acct, market).find((p) => p.factor === 'BTC')!
    expect(btc.price).toBeCloseTo((7000 - 2 * 3000 * 0.83) / (0.1 * 0.78), 6)
  })

  test('a depegging stablecoin collateral counts at its basis price', () => {
    // 10,000 USDC at LT 0.78 against 1 ETH of debt: HF = 10000·b·0.78 / 3000, liquidation at b = 3000/7800.
    const acct = account('a', 'aave-v3', [], [['USD', 10000, 'USDC-USD'], ['ETH', -1]])
    const r = aaveRule.evaluate(acct, { ...market, prices: { ...market.prices, 'USDC-USD': 0.88 } })
    expect(r.metric.value).toBeCloseTo((10000 * 0.88 * 0.78) / 3000, 12)
    const basis = liquidationPrices(aaveRule, acct, market).find((p) => p.factor === 'USDC-USD')!
    expect(basis.price).toBeCloseTo(3000 / 7800, 9)
  })

  test('parameters passed to evaluate replace the rule’s own', () => {
    const acct = account('a', 'aave-v3', [], [['ETH', 1], ['USD', -1000]])
    const r = aaveRule.evaluate(acct, market, { assets: { ETH: { ltv: 0.9, lt: 0.93 } }, other: { ltv: 0.5, lt: 0.6 } })
    expect(r.metric.value).toBeCloseTo(0.93 * 3, 12)
    expect(() => aaveRule.evaluate(acct, market, { assets: { ETH: { ltv: 0.95, lt: 0.9 } }, other: { ltv: 0.5, lt: 0.6 } })).toThrow(/params\.assets\.ETH/)
  })

  test('Compound III (cUSDCv3 launch factors): liquidatable when Σ collateral·liquidateCF < debt; supplied base is not collateral', () => {
    // comet deployments/mainnet/usdc/configuration.json: WETH borrowCF 0.82, liquidateCF 0.90. 1 WETH against 1,500
    // USDC borrowed: Comet's liquidity is 3000·0.9 − 1500 = 1200; it goes negative below 1500 / 0.9 = 1666.67.
    const acct = account('c', 'compound-v3', [], [['ETH', 1], ['USD', -1500]])
    const r = compoundRule.evaluate(acct, market)
    expect(r.venue).toBe('compound-v3')
    expect(liquidationBuffer(r)).toBeCloseTo(3000 * 0.9 - 1500, 9)
    expect(r.initialMargin).toBeCloseTo(3000 * (1 - 0.82), 9)
    expect(liquidationPrices(compoundRule, acct, market)).toEqual([{ factor: 'ETH', price: expect.closeTo(1500 / 0.9, 6) }])
    // Supplied USDC is Comet's base: it earns interest but backs nothing (and cannot sit beside a borrow).
    expect(compoundRule.evaluate(account('c', 'compound-v3', [], [['USD', 5000]]), market).maintenanceMargin).toBe(5000)
    expect(ruleFor('compound-v3')).toBe(compoundRule)
  })

  test('an account’s own factors over the defaults, fixed with withParams: e-mode ETH at LT 0.93, switched-off BTC at 0', () => {
    const own = lendingParamsOver(AAVE_DEFAULT_LENDING, { ETH: { ltv: 0.9, lt: 0.93 }, BTC: { ltv: 0, lt: 0 } })
    expect(own.assets.LINK).toEqual(AAVE_DEFAULT_LENDING.assets.LINK)
    const acct = account('a', 'aave-v3', [], [['ETH', 2], ['BTC', 1], ['USD', -3000]])
    const r = withParams(aaveRule, own).evaluate(acct, market)
    // The BTC counts for equity but not as collateral: HF = 2·3000·0.93 / 3000, ETH liquidates at 3000 / (2·0.93).
    expect(r.metric.value).toBeCloseTo(1.86, 12)
    expect(liquidationPrices(withParams(aaveRule, own), acct, market).find((p) => p.factor === 'ETH')!.price).toBeCloseTo(3000 / 1.86, 6)
    expect(liquidationPrices(withParams(aaveRule, own), acct, market).find((p) => p.factor === 'BTC')).toBeUndefined()
    expect(withParams(aaveRule, undefined)).toBe(aaveRule)
  })

  test('no debt: HF is infinite and nothing liquidates', () => {
    const acct = account('a', 'aave-v3', [], [['ETH', 1]])
    const r = aaveRule.evaluate(acct, market)
    expect(r.metric.value).toBe(Infinity)
    expect(r.liquidated).toBe(false)
    expect(liquidationPrices(aaveRule, acct, market)).toEqual([])
  })
})

describe('linear perpetual rule (Binance-like margin ratio)', () => {
  test('a lone long: MM = m·notional, margin ratio = MM / margin balance, liquidation at (S·P0 − E0)/(S·(1 − m))', () => {
    // At P: E0 + S(P − P0) = m·S·P  ⇒  P* = (S·P0 − E0) / (S·(1 − m)).
    const acct = account('b', 'binance', [perp('b', 'BTC', 0.5, 60000)], [['USD', 4000]])
    const r = linearPerpRule.evaluate(acct, market)
    expect(r.maintenanceMargin).toBeCloseTo(0.5 * 60000 * 0.004, 9)
    expect(r.initialMargin).toBeCloseTo(0.5 * 60000 * 0.05, 9)
    expect(r.metric).toEqual({ kind: 'marginRatio', value: (0.5 * 60000 * 0.004) / 4000, liquidationAt: 1 })
    expect(liquidationPrices(linearPerpRule, acct, market)).toHaveLength(1)
    expect(liquidationPrices(linearPerpRule, acct, market)[0]!.price).toBeCloseTo((0.5 * 60000 - 4000) / (0.5 * (1 - 0.004)), 6)
  })

  test('a lone short liquidates above: (E0 + |S|·P0)/(|S|·(1 + m))', () => {
    const acct = account('b', 'binance', [perp('b', 'ETH', -10, 3000)], [['USD', 5000]])
    expect(liquidationPrices(linearPerpRule, acct, market)[0]!.price).toBeCloseTo((5000 + 10 * 3000) / (10 * (1 + 0.005)), 6)
  })

  test('brackets: MM = notional·rate − cum in the bracket the notional falls in, continuous at the boundary', () => {
    // Two brackets with Binance's continuity rule cum₂ = cap₁·(m₂ − m₁).
    const params: LinearPerpParams = { symbols: { BTC: { initialRate: 0.02, maintenanceRate: 0.004, brackets: [{ notionalCap: 50000, maintenanceRate: 0.004, maintenanceAmount: 0 }, { notionalCap: 1e9, maintenanceRate: 0.005, maintenanceAmount: 50000 * 0.001 }] } }, other: { initialRate: 0.05, maintenanceRate: 0.01 } }
    const s = params.symbols.BTC!
    expect(linearMargins(s, 50000).maintenanceMargin).toBeCloseTo(200, 9)
    expect(linearMargins(s, 50000 * (1 + 1e-12)).maintenanceMargin).toBeCloseTo(200, 6)
    expect(linearMargins(s, 120000).maintenanceMargin).toBeCloseTo(120000 * 0.005 - 50, 9)
    // 2 BTC long (notional 120,000 in bracket 2): E0 + S(P − P0) = S·P·m₂ − cum  ⇒  P* = (S·P0 − E0 − cum)/(S(1 − m₂)).
    const acct = account('b', 'binance', [perp('b', 'BTC', 2, 60000)], [['USD', 30000]])
    const expected = (2 * 60000 - 30000 - 50) / (2 * (1 - 0.005))
    expect(2 * expected).toBeGreaterThan(50000) // still in bracket 2 there
    expect(liquidationPrices(linearPerpRule(params), acct, market)[0]!.price).toBeCloseTo(expected, 6)
  })

  test('an isolated position is liquidated on its own margin, the cross book on what the balances keep beyond it', () => {
    // 20,000 USD of balances, 5,000 of it the isolated margin of an ETH short (10 at 3,000, MM 2 %); a cross BTC long
    // (1 at 60,000, MM 1 %). Cross: 15,000 + (P − 60,000) = 0.01·P ⇒ P = 45,000 / 0.99.
    // Isolated: 5,000 − 10·(P − 3,000) = 0.02·10·P ⇒ P = 35,000 / 10.2. Pooled, BTC would go at 35,800 / 0.99 (with ETH's MM).
    const params: LinearPerpParams = { symbols: { BTC: { initialRate: 0.1, maintenanceRate: 0.01 }, ETH: { initialRate: 0.1, maintenanceRate: 0.02 } }, other: { initialRate: 0.1, maintenanceRate: 0.01 }, isolated: { ETHUSDT: { margin: 5000 } } }
    const acct = account('h', 'hyperliquid', [perp('h', 'BTC', 1, 60000), perp('h', 'ETH', -10, 3000)], [['USD', 20000]])
    const r = linearPerpRule(params).evaluate(acct, market)
    expect(r.equity).toBeCloseTo(20000, 9)
    expect(liquidationPrices(linearPerpRule(params), acct, market).find((l) => l.factor === 'BTC')!.price).toBeCloseTo(45000 / 0.99, 6)
    expect(liquidationPrices(linearPerpRule(params), acct, market).find((l) => l.factor === 'ETH')!.price).toBeCloseTo(35000 / 10.2, 6)
    // MM is the equity at which the first part goes: the isolated buffer (5,000 − 600) is below the cross (15,000 − 600).
    expect(r.maintenanceMargin).toBeCloseTo(20000 - 4400, 9)
    expect(r.liquidated).toBe(false)
    expect(() => linearPerpRule(params).evaluate(acct, market, { ...params, isolated: { ETHUSDT: { margin: Number.NaN } } })).toThrow(/params\.isolated\.ETHUSDT\.margin/)
  })

  test('a position without entry price carries no unrealised P&L until pinned at today’s price', () => {
    const acct = account('b', 'binance', [perp('b', 'BTC', 1, null)], [['USD', 5000]])
    expect(linearPerpRule.evaluate(acct, { ...market, prices: { ...market.prices, BTC: 50000 } }).equity).toBe(5000)
    const pinned = pinEntryPrices(acct, market)
    expect(pinned.positions[0]!.entryPrice).toBe(60000)
    expect(acct.positions[0]!.entryPrice).toBeNull() // input not mutated
    expect(linearPerpRule.evaluate(pinned, { ...market, prices: { ...market.prices, BTC: 50000 } }).equity).toBe(5000 - 10000)
  })

  test('options are refused, naming the position', () => {
    const option: RiskPosition = { ...perp('b', 'BTC', 1, 100), instrument: { symbol: 'BTC-C', kind: 'option', underlying: 'BTC', inverse: false, expiryMs: 1, strike: 1, optionType: 'call' } }
    expect(() => linearPerpRule.evaluate(account('b', 'binance', [option]), market)).toThrow(/positions\[0\]\.instrument\.kind/)
  })
})

describe('fallback rule and rule lookup', () => {
  test('fixed fractions of gross notional', () => {
    const acct = account('x', 'unknown', [perp('x', 'BTC', 1, 60000), perp('x', 'ETH', -10, 3000)], [['USD', 20000]])
    const r = ruleFor('unknown').evaluate(acct, market)
    expect(r.initialMargin).toBeCloseTo(0.1 * 90000, 9)
    expect(r.maintenanceMargin).toBeCloseTo(0.05 * 90000, 9)
    expect(r.metric.value).toBeCloseTo(4500 / 20000, 12)
    expect(fallbackRule({ initialFraction: 0.2, maintenanceFraction: 0.1 }).evaluate(acct, market).initialMargin).toBeCloseTo(18000, 9)
    expect(() => fallbackRule({ initialFraction: 0.1, maintenanceFraction: 0.2 })).toThrow(InvalidInput)
  })

  test('each known venue maps to a rule carrying its own name', () => {
    for (const [venue, rule] of Object.entries(DEFAULT_VENUE_RULES)) expect(rule.venue).toBe(venue)
    expect(ruleFor('nowhere')).toBe(fallbackRule)
  })

  test('bad input names the field', () => {
    expect(() => linearPerpRule.evaluate(account('b', 'binance', [perp('b', 'BTC', NaN, 1)]), market)).toThrow(/positions\[0\]\.size/)
    expect(() => aaveRule.evaluate(account('a', 'aave-v3', [], [['DOGE', 1]]), market)).toThrow(/balances\[0\]\.asset/)
    expect(() => lendingRule({ assets: {}, other: { ltv: 0.5, lt: 1.2 } })).toThrow(/params\.assets\.other/)
  })
})

describe('GMX v2 rule (isolated positions)', () => {
  // GMX v2 liquidates a position when collateral + P&L − costs < max(sizeInUsd × minCollateralFactorForLiquidation,
  // MIN_COLLATERAL_USD) (MarketUtils / PositionUtils.isPositionLiquidatable). Here: size 10,000 USD (5 ETH at 2,000),
  // 1,000 USDC collateral, 10 USD of fees held fixed, factor 0.005 → maintenance 50 USD; minCollateralFactor 0.01 →
  // initial 100 USD; MIN_COLLATERAL_USD 1 (GMX's Arbitrum setting).
  const at2000: MarketState = { ...market, prices: { ...market.prices, ETH: 2000 } }
  const symbol = 'ETH/USD [WETH-USDC]'
  const side = (isLong: boolean, collateralAsset = 'USD', collateralAmount = 1000) => ({ symbol, isLong, collateralAsset, collateralAmount, fixedCostsUsd: 10 })
  const gmxPerp = (size: number, entry = 2000) => ({ ...perp('g', 'ETH', size, entry), instrument: { ...perp('g', 'ETH', size, entry).instrument, symbol } })
  const markets = { [symbol]: { minCollateralFactor: 0.01, minCollateralFactorForLiquidation: 0.005 } }
  const params = (positions: ReturnType<typeof side>[], storedBalances: GmxRuleParams['storedBalances'] = []): GmxRuleParams => ({ positions, markets, minCollateralUsd: 1, storedBalances })
  // The account as stored: the long's 1,000 USDC collateral.
  const storedLong = account('g', 'gmx-v2', [gmxPerp(5)], [['USD', 1000]])

  test('a lone long liquidates where 1000 + 5·(P − 2000) − 10 = 50, at 1,812; a lone short at 2,188', () => {
    const long = gmxRule.evaluate(storedLong, at2000, params([side(true)], storedLong.balances))
    expect(long.equity).toBeCloseTo(990, 9)
    expect(long.maintenanceMargin).toBeCloseTo(50, 9)
    expect(long.initialMargin).toBeCloseTo(100, 9)
    expect(liquidationPrices(gmxRule, storedLong, at2000, params([side(true)], storedLong.balances))).toEqual([{ factor: 'ETH', price: expect.closeTo(1812, 6) }])
    expect(liquidationPrices(gmxRule, account('g', 'gmx-v2', [gmxPerp(-5)]), at2000, params([side(false)]))).toEqual([{ factor: 'ETH', price: expect.closeTo(2188, 6) }])
  })

  test('isolated, not pooled: a long and a short of one market each keep their own liquidation price', () => {
    const both = account('g', 'gmx-v2', [gmxPerp(5), gmxPerp(-5)])
    const r = gmxRule.evaluate(both, at2000, params([side(true), side(false)]))
    // Pooled, the hedge could never be liquidated by ETH alone; isolated, the first position goes at either price.
    expect(liquidationPrices(gmxRule, both, at2000, params([side(true), side(false)])).map((l) => l.price)).toEqual([expect.closeTo(1812, 6), expect.closeTo(2188, 6)])
    // Equity 990 + 990; both buffers 940: MM is the equity at which the first goes, 1980 − 940.
    expect(r.maintenanceMargin).toBeCloseTo(1040, 9)
    expect(r.liquidated).toBe(false)
    expect(gmxRule.evaluate(both, { ...at2000, prices: { ...at2000.prices, ETH: 1800 } }, params([side(true), side(false)])).liquidated).toBe(true)
  })

  test('collateral in the index token moves with it: 0.5 ETH backing 5 ETH long liquidates at 10,060 / 5.5', () => {
    // 0.5·P + 5·(P − 2000) − 10 = 50.
    expect(liquidationPrices(gmxRule, account('g', 'gmx-v2', [gmxPerp(5)]), at2000, params([side(true, 'ETH', 0.5)]))).toEqual([{ factor: 'ETH', price: expect.closeTo(10_060 / 5.5, 6) }])
  })

  test('collateral a what-if moves in or out goes to the position: +500 USDC moves liquidation to 1,712, −300 to 1,872', () => {
    const withBalance = (usd: number) => ({ ...storedLong, balances: [{ ...storedLong.balances[0]!, amount: usd }] })
    const stored = params([side(true)], storedLong.balances)
    // 1500 + 5·(P − 2000) − 10 = 50 → P = 2000 − 1440 / 5; 700 + 5·(P − 2000) − 10 = 50 → P = 2000 − 640 / 5.
    const deposit = gmxRule.evaluate(withBalance(1500), at2000, stored)
    expect(deposit.equity).toBeCloseTo(1490, 9)
    expect(deposit.maintenanceMargin).toBeCloseTo(50, 9)
    expect(liquidationPrices(gmxRule, withBalance(1500), at2000, stored)).toEqual([{ factor: 'ETH', price: expect.closeTo(1712, 6) }])
    expect(liquidationPrices(gmxRule, withBalance(700), at2000, stored)).toEqual([{ factor: 'ETH', price: expect.closeTo(1872, 6) }])
    // Moved ETH counts at the ETH price: 0.25 ETH in is 500 USD at 2,000, and moves with ETH: 1000 + 0.25·P + 5·(P − 2000) − 10 = 50, P = 9,060 / 5.25.
    const withEth = { ...storedLong, balances: [...storedLong.balances, { accountId: 'g', asset: 'ETH', basisFactor: null, amount: 0.25 }] }
    expect(liquidationPrices(gmxRule, withEth, at2000, stored)).toEqual([{ factor: 'ETH', price: expect.closeTo(9060 / 5.25, 6) }])
  })

  test('a what-if trade resizes a position at its new size in USD: 7 ETH (14,000 USD) keeps 70, liquidates at 2,000 − 920 / 7', () => {
    const resized = { ...storedLong, positions: [gmxPerp(7)] }
    const r = gmxRule.evaluate(resized, at2000, params([side(true)], storedLong.balances))
    // GMX's sizeInUsd grows by the added size at its price: 5·2000 + 2·2000; MM = 0.005 × 14,000, IM = 0.01 × 14,000.
    expect(r.maintenanceMargin).toBeCloseTo(70, 9)
    expect(r.initialMargin).toBeCloseTo(140, 9)
    expect(liquidationPrices(gmxRule, resized, at2000, params([side(true)], storedLong.balances))).toEqual([{ factor: 'ETH', price: expect.closeTo(2000 - 920 / 7, 6) }])
  })

  test('a what-if position in a known market has no collateral of its own until collateral is moved in', () => {
    const hedged = { ...storedLong, positions: [gmxPerp(5), gmxPerp(-5)] }
    // The new short: buffer 0 − 50, so it would go at once.
    expect(gmxRule.evaluate(hedged, at2000, params([side(true)], storedLong.balances)).liquidated).toBe(true)
    // 1,000 USDC moved in lifts the short past the long: buffers −50 and 940 level at (890 + 1000) / 2 = 945.
    const funded = gmxRule.evaluate({ ...hedged, balances: [{ ...storedLong.balances[0]!, amount: 2000 }] }, at2000, params([side(true)], storedLong.balances))
    expect(funded.liquidated).toBe(false)
    expect(funded.equity).toBeCloseTo(1990, 9)
    expect(funded.maintenanceMargin).toBeCloseTo(1990 - 945, 9)
  })

  test('moved collateral is spread to keep the nearest position furthest from liquidation (water-filling)', () => {
    // Buffers 10, 40, 100. +50 lifts 10 and 40 to (10 + 40 + 50) / 2 = 50; +500 lifts all to 650 / 3.
    expect(lowestBufferAfter([100, 10, 40], 50)).toBeCloseTo(50, 12)
    expect(lowestBufferAfter([100, 10, 40], 500)).toBeCloseTo(650 / 3, 12)
    // −30 and −70 come off the largest without reaching 10; −150 takes all three to (150 − 150) / 3 = 0.
    expect(lowestBufferAfter([100, 10, 40], -30)).toBe(10)
    expect(lowestBufferAfter([100, 10, 40], -70)).toBe(10)
    expect(lowestBufferAfter([100, 10, 40], -150)).toBeCloseTo(0, 12)
    expect(lowestBufferAfter([], 5)).toBe(Infinity)
  })

  test('a position in a market with no factors (an account described in a request) leaves the fallback fractions', () => {
    const acct = account('g', 'gmx-v2', [gmxPerp(5)], [['USD', 1000]])
    const r = gmxRule.evaluate(acct, at2000)
    expect(r.venue).toBe('gmx-v2')
    expect(r.maintenanceMargin).toBeCloseTo(0.05 * 5 * 2000, 9)
    expect(ruleFor('gmx-v2')).toBe(gmxRule)
    expect(() => gmxRule.evaluate(acct, at2000, params([{ ...side(true), collateralAmount: -1 }]))).toThrow(/params\.positions\[0\]\.collateralAmount/)
    expect(() => gmxRule.evaluate(acct, at2000, { ...params([side(true)]), markets: { [symbol]: { minCollateralFactor: 0.001, minCollateralFactorForLiquidation: 0.005 } } })).toThrow(/params\.markets/)
  })
})

describe('Deribit portfolio-margin adapter', () => {
  test('reproduces Deribit’s published example: MM 0.050274504784 BTC (within 1e-9 BTC), reported in USD at the index', () => {
    // Source: Deribit private/simulate_portfolio example (venues/deribit/margin.test.ts): BTC-PERPETUAL 0.314538364 and
    // BTC-28JUN24 −0.001187534 at index 65,666.19, timestamp 1718619740501. The adapter prices the future at the
    // index (Deribit used its mark 67,371.75), which moves MM by 3e-10 BTC.
    const inverse = (id: string, symbol: string, kind: 'perpetual' | 'future', size: number, expiryMs: number | null): RiskPosition => ({ id, accountId: 'd', size, entryPrice: null, instrument: { symbol, kind, underlying: 'BTC', inverse: true, expiryMs, strike: null, optionType: null } })
    const acct = account('d', 'deribit', [inverse('p', 'BTC-PERPETUAL', 'perpetual', 0.314538364, null), inverse('f', 'BTC-28JUN24', 'future', -0.001187534, Date.UTC(2024, 5, 28, 8))], [['BTC', 1]])
    const r = deribitPmRule.evaluate(acct, { asOfMs: 1718619740501, prices: { BTC: 65666.19 }, volSurfaces: {}, impliedVols: {} })
    expect(Math.abs(r.maintenanceMargin / 65666.19 - 0.050274504784)).toBeLessThan(1e-9)
    expect(r.currency).toBe('USD')
    expect(r.equity).toBeCloseTo(65666.19, 9)
    expect(() => deribitPmRule.evaluate(account('d', 'deribit', [perp('d', 'SOL', 1, 100)]), { ...market, prices: { SOL: 100 } })).toThrow(/positions\[0\]\.instrument/)
  })
})

describe('invariants', () => {
  test('the contract every rule keeps: liquidated ⇔ equity ≤ maintenance margin (when something is owed)', () => {
    fc.assert(
      fc.property(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: 100, max: 100000, noNaN: true }), fc.double({ min: 20000, max: 100000, noNaN: true }), (size, cash, price) => {
        fc.pre(Math.abs(size) > 1e-6)
        const acct = account('b', 'binance', [perp('b', 'BTC', size, 60000)], [['USD', cash]])
        const r = linearPerpRule.evaluate(acct, { ...market, prices: { ...market.prices, BTC: price } })
        expect(r.liquidated).toBe(r.equity <= r.maintenanceMargin)
      }),
    )
  })

  test('a higher collateral price never lowers the health factor', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 100, noNaN: true }), fc.double({ min: 1, max: 1e6, noNaN: true }), fc.double({ min: 100, max: 5000, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (eth, debt, p, up) => {
        const acct = account('a', 'aave-v3', [], [['ETH', eth], ['USD', -debt]])
        const a = aaveRule.evaluate(acct, { ...market, prices: { ...market.prices, ETH: p } }).metric.value
        const b = aaveRule.evaluate(acct, { ...market, prices: { ...market.prices, ETH: p * (1 + up) } }).metric.value
        expect(b).toBeGreaterThanOrEqual(a)
      }),
    )
  })
})
