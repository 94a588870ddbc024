// Stress evaluation: per-account and book P&L are consistent, worst scenarios are named, unmoved factors reported.
import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { evaluateStress, priceVolGrid, widenScenarioSet } from './index.js'
import type { MarketState, RiskAccount, RiskPosition } from '../types.js'

const market: MarketState = { asOfMs: 0, prices: { BTC: 60000, ETH: 3000, SOL: 150 }, volSurfaces: {}, impliedVols: {} }
function perp(accountId: string, underlying: string, size: number): RiskPosition {
  return { id: `${accountId}-${underlying}`, accountId, size, entryPrice: null, instrument: { symbol: `${underlying}-PERP`, kind: 'perpetual', underlying, inverse: false, expiryMs: null, strike: null, optionType: null } }
}
const acct = (id: string, positions: RiskPosition[]): RiskAccount => ({ id, venue: 'binance', label: id, marginMode: null, balances: [], positions })

describe('evaluateStress', () => {
  test('a long on one venue and a short on another: each account’s P&L is size·P·move, the book’s their sum', () => {
    const a = acct('a', [perp('a', 'BTC', 2)])
    const b = acct('b', [perp('b', 'BTC', -1), perp('b', 'SOL', 100)])
    const grid = priceVolGrid(['BTC'], { factors: ['BTC', 'ETH'], jointDowns: [0.3] })
    const r = evaluateStress([a, b], market, { grid })
    const down = r.scenarios.find((s) => s.label === 'grid BTC −16% vol=')!
    expect(down.perAccount).toEqual([{ accountId: 'a', pnl: expect.closeTo(2 * 60000 * -0.16, 8) }, { accountId: 'b', pnl: expect.closeTo(-1 * 60000 * -0.16, 8) }])
    expect(down.bookPnl).toBeCloseTo(60000 * -0.16, 8)
    // SOL is not in the grid's factors: it is held at today's price and reported.
    expect(r.unmovedFactors.grid).toEqual(['SOL'])
    expect(r.worstPerAccount.find((w) => w.accountId === 'a')!.worst!.label).toBe('all crypto −30% vol+')
    expect(r.worstPerAccount.find((w) => w.accountId === 'b')!.worst!.label).toBe('grid BTC +16% vol+')
  })

  test('property: the book P&L is the sum of the accounts’ in every scenario', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 2, maxLength: 2 }), ([x, y]) => {
        const r = evaluateStress([acct('a', [perp('a', 'BTC', x!)]), acct('b', [perp('b', 'ETH', y!)])], market, { grid: priceVolGrid(['BTC', 'ETH'], { factors: ['BTC', 'ETH'] }) })
        for (const s of r.scenarios) expect(s.bookPnl).toBeCloseTo(s.perAccount[0]!.pnl + s.perAccount[1]!.pnl, 6)
      }),
      { numRuns: 50 },
    )
  })

  test('widening keeps the original moves and adds still factors', () => {
    const set = priceVolGrid(['BTC'], { factors: ['BTC'], jointDowns: [] })
    const wide = widenScenarioSet(set, ['ETH'])
    expect(wide.factors).toEqual(['BTC', 'ETH'])
    for (let s = 0; s < set.count; s++) {
      expect(wide.logReturns[2 * s]).toBe(set.logReturns[s])
      expect(wide.logReturns[2 * s + 1]).toBe(0)
    }
  })

  test('bad input names the field', () => {
    const grid = priceVolGrid(['BTC'], { factors: ['BTC'] })
    expect(() => evaluateStress([], market, { grid })).toThrow(/accounts/)
    expect(() => evaluateStress([acct('a', [])], market, {})).toThrow(/scenarioSets/)
    expect(() => evaluateStress([acct('a', [])], market, { grid: { ...grid, labels: [] } })).toThrow(/scenarioSets\.grid\.labels/)
  })
})
