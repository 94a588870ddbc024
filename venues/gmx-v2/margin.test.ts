// GMX v2's liquidation rule against closed forms: the liquidation price of gmx-interface's getLiquidationPrice
// (sdk/src/utils/positions.ts, the formula GMX's own UI shows, for the cases where it is exact) and the same algebra
// solved by hand where the contract values pending impact and funding at the liquidation price; and, at every
// computed price, the remainder of PositionUtils.isPositionLiquidatable standing exactly on the threshold.
import { describe, expect, test } from '@jest/globals'
import { Decimal } from '../../core/decimal.js'
import { atIndexPrice, calculateGmxAccount, calculateGmxPosition, liquidationCheck, liquidationPrice, maintenanceMarginUsd, remainingCollateralUsd, type GmxPositionInput } from './margin.js'

const d = (x: string | number) => new Decimal(x)
const one = (x: string | number) => ({ min: d(x), max: d(x) })

/** An ETH long of 10,000 USD for 6.25 ETH (entry 1,600), 100x to open, liquidated below 0.5 % of size. */
function ethLong(overrides: Partial<GmxPositionInput> = {}): GmxPositionInput {
  return {
    isLong: true,
    sizeInUsd: d(10000),
    sizeInTokens: d('6.25'),
    collateralAmount: d(1),
    pendingImpactAmount: d(0),
    collateralMovesWithIndex: true,
    indexPrice: one('1739.495434083952'),
    collateralPrice: one('1739.495434083952'),
    closingPriceImpactUsd: d(-4),
    closingFeeUsd: d(6),
    borrowingFeeUsd: d('12.5'),
    fundingFeeAmount: d(0),
    params: { minCollateralFactor: d('0.01'), minCollateralFactorForLiquidation: d('0.005'), maxPositionImpactFactorForLiquidations: d('0.001'), minCollateralUsd: d(1) },
    ...overrides,
  }
}

/** The remainder at a price, less the threshold: zero at the liquidation price. */
const gapAt = (p: GmxPositionInput, price: Decimal) => remainingCollateralUsd(atIndexPrice(p, price)).minus(maintenanceMarginUsd(p))

describe('GMX v2 remaining collateral (PositionUtils.isPositionLiquidatable)', () => {
  test('is collateral + P&L + capped impact − fees, valued at the min price for a long', () => {
    // 1 ETH × 1,739.495434083952 + (6.25 × 1,739.495434083952 − 10,000) − 4 − 6 − 12.5.
    const p = ethLong({ indexPrice: { min: d('1739.495434083952'), max: d(1800) } })
    expect(remainingCollateralUsd(p).toFixed()).toBe(d('1739.495434083952').plus(d('6.25').mul('1739.495434083952').minus(10000)).minus('22.5').toFixed())
  })

  test('a short is valued at the max price', () => {
    const p = ethLong({ isLong: false, collateralMovesWithIndex: false, collateralAmount: d(2000), collateralPrice: one(1), indexPrice: { min: d(1700), max: d(1710) }, closingPriceImpactUsd: d(0) })
    // 2,000 + (10,000 − 6.25 × 1,710) − 6 − 12.5.
    expect(remainingCollateralUsd(p).toFixed()).toBe('1294')
  })

  test('positive price impact is not counted', () => {
    const withGain = ethLong({ closingPriceImpactUsd: d(20) })
    const without = ethLong({ closingPriceImpactUsd: d(0) })
    expect(remainingCollateralUsd(withGain).toFixed()).toBe(remainingCollateralUsd(without).toFixed())
  })

  test('negative impact is floored at −size × MAX_POSITION_IMPACT_FACTOR_FOR_LIQUIDATIONS', () => {
    // −400 of impact on 10,000 at a 0.1 % floor counts as −10.
    const deep = ethLong({ closingPriceImpactUsd: d(-400) })
    expect(remainingCollateralUsd(ethLong({ closingPriceImpactUsd: d(0) })).minus(remainingCollateralUsd(deep)).toFixed()).toBe('10')
  })

  test('pending impact is valued at the min price when a gain, at the max when owed', () => {
    const range = { min: d(1700), max: d(1710) }
    const owed = ethLong({ closingPriceImpactUsd: d(0), pendingImpactAmount: d('-0.002'), indexPrice: range, collateralPrice: range })
    const base = ethLong({ closingPriceImpactUsd: d(0), indexPrice: range, collateralPrice: range })
    expect(remainingCollateralUsd(base).minus(remainingCollateralUsd(owed)).toFixed()).toBe('3.42') // 0.002 × 1,710
  })

  test('the funding fee is owed in collateral tokens, at the collateral’s min price', () => {
    const p = ethLong({ fundingFeeAmount: d('0.0012'), collateralPrice: { min: d(1730), max: d(1750) }, collateralMovesWithIndex: false })
    const q = ethLong({ fundingFeeAmount: d(0), collateralPrice: { min: d(1730), max: d(1750) }, collateralMovesWithIndex: false })
    expect(remainingCollateralUsd(q).minus(remainingCollateralUsd(p)).toFixed()).toBe('2.076') // 0.0012 × 1,730
  })
})

describe('GMX v2 liquidation check reasons, in the contract’s order', () => {
  test('below MIN_COLLATERAL_USD first', () => {
    // 100 USD of size needs 0.5 USD for leverage but 5 USD by MIN_COLLATERAL_USD; 3 USD remain.
    const p = ethLong({ sizeInUsd: d(100), sizeInTokens: d('0.0625'), collateralAmount: d(3), collateralMovesWithIndex: false, collateralPrice: one(1), indexPrice: one(1600), closingPriceImpactUsd: d(0), closingFeeUsd: d(0), borrowingFeeUsd: d(0), params: { ...ethLong().params, minCollateralUsd: d(5) } })
    expect(liquidationCheck(p)).toMatchObject({ liquidatable: true, reason: 'min collateral' })
  })

  test('then a remainder at or below zero (reachable when MIN_COLLATERAL_USD is 0 and nothing is left)', () => {
    // 18.5 USDC against 18.5 USD of fees at the entry price: exactly 0 remains, which is not below 0.
    const p = ethLong({ collateralAmount: d('18.5'), closingPriceImpactUsd: d(0), collateralMovesWithIndex: false, collateralPrice: one(1), indexPrice: one(1600), params: { ...ethLong().params, minCollateralUsd: d(0) } })
    expect(liquidationCheck(p)).toMatchObject({ liquidatable: true, reason: '< 0' })
  })

  test('then below size × MIN_COLLATERAL_FACTOR_FOR_LIQUIDATION', () => {
    // 10,000 at 0.5 % needs 50; 40 remain (collateral 62.5, no P&L at entry, 22.5 of costs).
    const p = ethLong({ collateralAmount: d('62.5'), collateralMovesWithIndex: false, collateralPrice: one(1), indexPrice: one(1600), closingPriceImpactUsd: d(-4) })
    expect(liquidationCheck(p)).toMatchObject({ liquidatable: true, reason: 'min collateral for leverage' })
    expect(liquidationCheck(p).remainingCollateralUsd.toFixed()).toBe('40')
  })
})

describe('GMX v2 liquidation price', () => {
  test('a long backed by USDC: gmx-interface’s closed form (liquidation collateral − remaining + size) / tokens', () => {
    // getLiquidationPrice, non-equivalent tokens, long: remaining = collateralUsd + impact − pending fees − closing fee
    // = 200 − 1.5 − 0.9 − 0.6 = 197; P = (5 − 197 + 1,000) / 0.625 = 1,292.8.
    const p = ethLong({
      sizeInUsd: d(1000), sizeInTokens: d('0.625'), collateralAmount: d(200), collateralMovesWithIndex: false, collateralPrice: one(1),
      closingPriceImpactUsd: d('-1.5'), closingFeeUsd: d('0.6'), borrowingFeeUsd: d('0.4'), fundingFeeAmount: d('0.5'),
      params: { ...ethLong().params, maxPositionImpactFactorForLiquidations: d('0.01') },
    })
    expect(liquidationPrice(p)!.toFixed()).toBe('1292.8')
    expect(gapAt(p, d('1292.8')).toFixed()).toBe('0')
  })

  test('a short backed by USDC: (remaining + size − liquidation collateral) / tokens', () => {
    // 2,000 USDC at 0.99 less 1.5 USDC funding, 30,000 for 0.46875 BTC, impact −15, fees 26.75, threshold 120:
    // P = (1,998.5 × 0.99 − 15 − 26.75 + 30,000 − 120) / 0.46875.
    const p: GmxPositionInput = {
      isLong: false, sizeInUsd: d(30000), sizeInTokens: d('0.46875'), collateralAmount: d(2000), pendingImpactAmount: d(0), collateralMovesWithIndex: false,
      indexPrice: one(61500), collateralPrice: one('0.99'), closingPriceImpactUsd: d(-15), closingFeeUsd: d(18), borrowingFeeUsd: d('8.75'), fundingFeeAmount: d('1.5'),
      params: { minCollateralFactor: d('0.01'), minCollateralFactorForLiquidation: d('0.004'), maxPositionImpactFactorForLiquidations: d('0.002'), minCollateralUsd: d(1) },
    }
    const expected = d('1998.5').mul('0.99').minus(15).minus('26.75').plus(30000).minus(120).div('0.46875')
    expect(liquidationPrice(p)!.toFixed()).toBe(expected.toFixed())
    expect(gapAt(p, expected).abs().toNumber()).toBeLessThan(1e-12)
  })

  test('an ETH long backed by WETH: gmx-interface’s (size + liquidation collateral − impact + fees) / (tokens + collateral)', () => {
    // (10,000 + 50 + 4 + 18.5) / (6.25 + 1) = 1,389.3103448…
    const p = ethLong()
    const expected = d('10072.5').div('7.25')
    expect(liquidationPrice(p)!.toFixed()).toBe(expected.toFixed())
  })

  test('pending impact and funding are valued at the liquidation price, as the contract values them then', () => {
    // remaining(P) = (1 − 0.0012)·P + 6.25·P − 10,000 + (−4.1 − 0.002·P) − 18.5 = 50
    // ⇒ P = (10,000 + 50 + 18.5 + 4.1) / (1 − 0.0012 + 6.25 − 0.002) = 10,072.6 / 7.2468.
    const p = ethLong({ closingPriceImpactUsd: d('-4.1'), pendingImpactAmount: d('-0.002'), fundingFeeAmount: d('0.0012') })
    const expected = d('10072.6').div('7.2468')
    expect(liquidationPrice(p)!.toFixed()).toBe(expected.toFixed())
    // The impact there (−4.1 − 2.78 = −6.88) is inside the 10 USD floor, so this is the piece that holds.
    expect(gapAt(p, expected).abs().toNumber()).toBeLessThan(1e-12)
  })

  test('past the impact floor the floor holds instead', () => {
    // Floor 0.05 % × 10,000 = 5 < 6.88: remaining(P) = 7.2488·P − 10,000 − 5 − 18.5 = 50.
    const p = ethLong({ closingPriceImpactUsd: d('-4.1'), pendingImpactAmount: d('-0.002'), fundingFeeAmount: d('0.0012'), params: { ...ethLong().params, maxPositionImpactFactorForLiquidations: d('0.0005') } })
    const expected = d('10073.5').div('7.2488')
    expect(liquidationPrice(p)!.toFixed()).toBe(expected.toFixed())
  })

  test('at the liquidation price the position is exactly at the threshold; a cent beyond it is liquidatable', () => {
    const cases = [
      ethLong({ closingPriceImpactUsd: d('-4.1'), pendingImpactAmount: d('-0.002'), fundingFeeAmount: d('0.0012') }),
      ethLong({ isLong: false, collateralAmount: d(2500), collateralMovesWithIndex: false, collateralPrice: one('0.9997') }),
    ]
    for (const p of cases) {
      const price = liquidationPrice(p)!
      expect(gapAt(p, price).abs().toNumber()).toBeLessThan(1e-12)
      const worse = p.isLong ? price.minus('0.01') : price.plus('0.01')
      const better = p.isLong ? price.plus('0.01') : price.minus('0.01')
      expect(liquidationCheck(atIndexPrice(p, worse))).toMatchObject({ liquidatable: true, reason: 'min collateral for leverage' })
      expect(liquidationCheck(atIndexPrice(p, better)).liquidatable).toBe(false)
    }
  })

  test('a short backed by more of the index token than it is short has no liquidation price', () => {
    // 10 ETH backing a 6.25 ETH short: a rise adds more collateral value than it loses; at 0 the 10,000 remain.
    expect(liquidationPrice(ethLong({ isLong: false, collateralAmount: d(10) }))).toBeNull()
  })
})

describe('GMX v2 account figures', () => {
  test('add up per position; the margin ratio is the worst position’s threshold over its remainder', () => {
    const a = calculateGmxPosition(ethLong())
    const b = calculateGmxPosition(ethLong({ collateralAmount: d('0.1') }))
    const account = calculateGmxAccount([a, b])
    expect(account.equityUsd.toFixed()).toBe(a.remainingCollateralUsd.plus(b.remainingCollateralUsd).toFixed())
    expect(account.maintenanceMarginUsd.toFixed()).toBe('100')
    expect(account.initialMarginUsd.toFixed()).toBe('200')
    expect(account.worstMarginRatio!.toFixed()).toBe(d(50).div(b.remainingCollateralUsd).toFixed())
  })

  test('a position already under water leaves the ratio unknown, not made up', () => {
    const gone = calculateGmxPosition(ethLong({ collateralAmount: d(0), collateralMovesWithIndex: false, collateralPrice: one(1), indexPrice: one(1500) }))
    expect(gone.liquidatable).toBe(true)
    expect(calculateGmxAccount([gone]).worstMarginRatio).toBeNull()
  })
})
