// Capital efficiency: Σ venue IM against unified IM, idle collateral within withdrawable limits, and the
// rebalancing plan's amounts against closed forms of each venue's target (HF, margin ratio).
import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { capitalEfficiency } from './capital-efficiency.js'
import { aaveRule, linearPerpRule } from './venue-rules.js'
import type { MarketState, RiskAccount, RiskPosition } from './types.js'

const market: MarketState = { asOfMs: Date.UTC(2025, 11, 31), prices: { BTC: 60000, ETH: 3000, USD: 1 }, volSurfaces: {}, impliedVols: {} }

function perp(accountId: string, underlying: string, size: number, entryPrice: number | null): RiskPosition {
  return { id: `${accountId}-${underlying}`, accountId, size, entryPrice, instrument: { symbol: `${underlying}USDT`, kind: 'perpetual', underlying, inverse: false, expiryMs: null, strike: null, optionType: null } }
}
function account(id: string, venue: string, positions: RiskPosition[], balances: [string, number][] = []): RiskAccount {
  return { id, venue, label: id, marginMode: null, positions, balances: balances.map(([asset, amount]) => ({ accountId: id, asset, basisFactor: null, amount })) }
}

describe('the user story: move USDC from Bybit to Aave before Aave liquidates you', () => {
  // Aave: 35 ETH at 3,000 (LT 0.83) against 78,000 USD of debt: HF = 87,150 / 78,000 = 1.1173.
  // Bybit: a 2 BTC long at 60,000 on 80,000 USD: MM = 0.4 % × 120,000 = 480, IM = 5 % = 6,000.
  const aave = account('aave', 'aave-v3', [], [['ETH', 35], ['USD', -78000]])
  const amount = (1.5 * 78000 - 35 * 3000 * 0.83) / 0.78 // 38,269.23
  const bybit = account('bybit', 'bybit', [perp('bybit', 'BTC', 2, 60000)], [['USD', 80000]])

  test('the amount is what lifts HF to 1.5: (1.5·debt − Σ c·LT) / LT_USDC', () => {
    const r = capitalEfficiency([aave, bybit], market, 10000, { withdrawable: { bybit: 70000 } })
    const [step] = r.rebalancing
    expect(step).toMatchObject({ fromAccountId: 'bybit', toAccountId: 'aave', asset: 'USDC' })
    expect(step!.amountUsd).toBeCloseTo(amount, 6)
    expect(r.rebalancing).toHaveLength(1)
    expect(r.unresolved).toEqual([])
    expect(step!.reason).toMatch(/aave-v3 health factor 1\.117 misses its target ≥ 1\.50 \(ETH −10\.5 % liquidates it\)/)
    // Effect: Aave's ETH liquidation price falls from 78,000/(35·0.83) to (78,000 − 0.78·X)/(35·0.83).
    const eth = step!.effect.find((e) => e.accountId === 'aave' && e.factor === 'ETH')!
    expect(eth.before).toBeCloseTo(78000 / (35 * 0.83), 6)
    expect(eth.after).toBeCloseTo((78000 - 0.78 * amount) / (35 * 0.83), 6)
    // Bybit's BTC liquidation price rises: (S·P0 − E)/(S(1 − m)) with E falling by X.
    const btc = step!.effect.find((e) => e.accountId === 'bybit' && e.factor === 'BTC')!
    expect(btc.before).toBeCloseTo((120000 - 80000) / (2 * 0.996), 6)
    expect(btc.after).toBeCloseTo((120000 - (80000 - amount)) / (2 * 0.996), 6)
    const hf = step!.metrics.find((m) => m.accountId === 'aave')!
    expect(hf.after.value).toBeCloseTo(1.5, 9)
  })

  test('within withdrawable limits: what the venue lets go is all that moves, and the rest is reported', () => {
    const r = capitalEfficiency([aave, bybit], market, 10000, { withdrawable: { bybit: 30000 } })
    expect(r.rebalancing).toHaveLength(1)
    expect(r.rebalancing[0]!.amountUsd).toBeCloseTo(30000, 9)
    expect(r.unresolved).toHaveLength(1)
    expect(r.unresolved[0]!.shortfallUsd).toBeCloseTo(amount - 30000, 6)
    expect(r.perAccount.find((a) => a.accountId === 'bybit')!.idleUsd).toBeCloseTo(30000, 9)
  })
})

describe('sums, idle collateral and targets', () => {
  test('Σ venue IM against the unified IM; idle = equity − IM bounded by withdrawable', () => {
    const aave = account('aave', 'aave-v3', [], [['ETH', 10], ['USD', -10000]])
    const bin = account('bin', 'binance', [perp('bin', 'BTC', 1, 60000)], [['USD', 20000]])
    const r = capitalEfficiency([aave, bin], market, 5000, { withdrawable: { aave: 1000 } })
    const aaveIm = 30000 * (1 - 0.805)
    const binIm = 60000 * 0.05
    expect(r.sumOfVenueInitialMargins).toBeCloseTo(aaveIm + binIm, 9)
    expect(r.freed).toBeCloseTo(aaveIm + binIm - 5000, 9)
    expect(r.perAccount[0]!.idleUsd).toBe(1000) // equity − IM = 20,000 − 5,850, but Aave lets 1,000 go
    expect(r.perAccount[1]!.idleUsd).toBeCloseTo(20000 - binIm, 9)
    expect(r.perAccount[1]!.rule.marginRatio).toBeCloseTo(240 / 20000, 12)
    expect(r.perAccount[0]!.rule.healthFactor).toBeCloseTo((30000 * 0.83) / 10000, 12)
  })

  test('a margin-ratio account below target gets 2·MM − equity (ratio ≤ 50 %), from a donor that keeps its own target', () => {
    // Receiver: 10 BTC long, entry 60,000, 3,000 USD: MM = 0.4 % × 600,000 = 2,400, ratio 80 %.
    const hot = account('hot', 'binance', [perp('hot', 'BTC', 10, 60000)], [['USD', 3000]])
    // Donor: 1 ETH short on 3,000 USD: IM 150, MM 15 — it can give min(E − IM, E − 2·MM) = 2,850.
    const cold = account('cold', 'okx', [perp('cold', 'ETH', -1, 3000)], [['USD', 3000]])
    const r = capitalEfficiency([hot, cold], market, 0)
    expect(r.perAccount[0]!.shortfallUsd).toBeCloseTo(2 * 2400 - 3000, 9)
    expect(r.perAccount[1]!.spareUsd).toBeCloseTo(3000 - 150, 9)
    expect(r.rebalancing[0]!.amountUsd).toBeCloseTo(1800, 9)
    expect(r.rebalancing[0]!.reason).toMatch(/binance margin ratio 80\.0 % misses its target ≤ 50 %/)
  })

  test('the receiver nearest liquidation is served first', () => {
    const near = account('near', 'aave-v3', [], [['ETH', 10], ['USD', -24000]]) // ETH −3.6 % liquidates
    const far = account('far', 'aave-v3', [], [['ETH', 10], ['USD', -20000]]) // ETH −19.7 %
    const donor = account('donor', 'binance', [], [['USD', 5000]])
    const r = capitalEfficiency([far, near, donor], market, 0, { rules: { 'aave-v3': aaveRule, binance: linearPerpRule } })
    expect(r.rebalancing[0]!.toAccountId).toBe('near')
    expect(r.unresolved.map((u) => u.accountId)).toContain('far')
  })

  test('bad targets and withdrawable amounts are refused naming the option', () => {
    expect(() => capitalEfficiency([], market, 0, { targetHealthFactor: 0.9 })).toThrow(/options\.targetHealthFactor/)
    expect(() => capitalEfficiency([], market, 0, { withdrawable: { a: -1 } })).toThrow(/options\.withdrawable\.a/)
    expect(() => capitalEfficiency([], market, NaN)).toThrow(/unifiedInitialMargin/)
  })
})

describe('invariants of the plan', () => {
  test('donors never give more than withdrawable nor drop below IM or target; served receivers reach the target', () => {
    fc.assert(
      fc.property(fc.double({ min: 5000, max: 29000, noNaN: true }), fc.double({ min: 0, max: 50000, noNaN: true }), fc.double({ min: 0, max: 60000, noNaN: true }), (debt, donorCash, withdrawable) => {
        const aave = account('aave', 'aave-v3', [], [['ETH', 10], ['USD', -debt]])
        const donor = account('donor', 'binance', [perp('donor', 'BTC', 0.5, 60000)], [['USD', donorCash]])
        const r = capitalEfficiency([aave, donor], market, 0, { withdrawable: { donor: withdrawable } })
        const given = r.rebalancing.filter((x) => x.fromAccountId === 'donor').reduce((s, x) => s + x.amountUsd, 0)
        expect(given).toBeLessThanOrEqual(withdrawable + 1e-6)
        const after = { ...donor, balances: [...donor.balances, { accountId: 'donor', asset: 'USD', basisFactor: null, amount: -given }] }
        const d = linearPerpRule.evaluate(after, market)
        if (given > 0) {
          expect(d.equity - d.initialMargin).toBeGreaterThanOrEqual(-1e-6)
          expect(0.5 * d.equity - d.maintenanceMargin).toBeGreaterThanOrEqual(-1e-6)
        }
        if (given > 0 && r.unresolved.length === 0) {
          const served = { ...aave, balances: [...aave.balances, { accountId: 'aave', asset: 'USD', basisFactor: null, amount: given }] }
          expect(aaveRule.evaluate(served, market).metric.value).toBeGreaterThanOrEqual(1.5 - 1e-9)
        }
      }),
      { numRuns: 100 },
    )
  })
})
