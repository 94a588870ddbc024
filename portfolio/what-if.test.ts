// applyWhatIf over plain risk inputs: each case's expected numbers are the trade arithmetic worked by hand.
import { describe, expect, test } from '@jest/globals'
import type { RiskAccount } from '../risk/types.js'
import type { RiskContext } from './risk-context.js'
import { applyWhatIf } from './what-if.js'

const perp = { symbol: 'BTC-PERPETUAL', kind: 'perpetual' as const, underlying: 'BTC', inverse: true, expiryMs: null, strike: null, optionType: null }
function base(): RiskContext {
  const deribit: RiskAccount = { id: 'd', venue: 'deribit', label: 'd', marginMode: null, balances: [{ accountId: 'd', asset: 'BTC', basisFactor: null, amount: 1 }], positions: [{ id: 'p', accountId: 'd', instrument: perp, size: 1, entryPrice: 60_000 }] }
  const binance: RiskAccount = { id: 'b', venue: 'binance', label: 'b', marginMode: null, balances: [{ accountId: 'b', asset: 'USD', basisFactor: 'USDT-USD', amount: 50_000 }], positions: [] }
  return {
    accounts: [deribit, binance],
    market: { asOfMs: 0, prices: { BTC: 60_000, USD: 1 }, volSurfaces: {}, impliedVols: {} },
    history: { dates: [], factors: [], closes: [] } as unknown as RiskContext['history'],
    asOfDate: '2025-12-31',
    priceTimes: { BTC: 0 },
    reported: { d: { initialMargin: 100 }, b: { initialMargin: 200 } },
  }
}
const trade = (size: number, price: number | null = null, instrument = 'BTC-PERPETUAL', accountId = 'd') => ({ accountId, instrument, size, price })

describe('applyWhatIf', () => {
  test('adding to a position averages its entry: 1 @ 60,000 + 1 @ 62,000 = 2 @ 61,000', () => {
    const { after } = applyWhatIf(base(), [trade(1, 62_000)], [])
    expect(after.accounts[0]!.positions).toEqual([expect.objectContaining({ size: 2, entryPrice: 61_000 })])
  })

  test('a reduction keeps the entry, a flip opens the rest at the trade price, a full close removes the position', () => {
    expect(applyWhatIf(base(), [trade(-0.4, 65_000)], []).after.accounts[0]!.positions[0]).toMatchObject({ size: 0.6, entryPrice: 60_000 })
    expect(applyWhatIf(base(), [trade(-3, 61_000)], []).after.accounts[0]!.positions[0]).toMatchObject({ size: -2, entryPrice: 61_000 })
    expect(applyWhatIf(base(), [trade(-1)], []).after.accounts[0]!.positions).toEqual([])
  })

  test('spot settles at once: 0.5 BTC bought at 60,000 is +0.5 BTC and −30,000 USDT', () => {
    const { after } = applyWhatIf(base(), [trade(0.5, null, 'BTC/USDT', 'b')], [])
    const balances = after.accounts[1]!.balances
    expect(balances.find((x) => x.asset === 'BTC')!.amount).toBe(0.5)
    expect(balances.find((x) => x.asset === 'USD')!.amount).toBe(20_000)
  })

  test('an inverse option’s premium is paid in coin: 2 calls at 1,200 USD with BTC at 60,000 cost 0.04 BTC', () => {
    const { after } = applyWhatIf(base(), [trade(2, 1_200, 'BTC-27MAR26-100000-C')], [])
    expect(after.accounts[0]!.balances.find((x) => x.asset === 'BTC')!.amount).toBeCloseTo(1 - 0.04, 12)
    expect(after.accounts[0]!.positions.find((p) => p.instrument.kind === 'option')).toMatchObject({ size: 2, entryPrice: 1_200 })
  })

  test('a transfer moves collateral; touched accounts lose their reported figures, others keep them, the input is untouched', () => {
    const input = base()
    const { after, touched } = applyWhatIf(input, [], [{ fromAccountId: 'b', toAccountId: null, asset: 'USDT', amount: 40_000 }])
    expect(after.accounts[1]!.balances[0]!.amount).toBe(10_000)
    expect([...touched]).toEqual(['b'])
    expect(after.reported).toEqual({ d: { initialMargin: 100 } })
    expect(input.accounts[1]!.balances[0]!.amount).toBe(50_000)
  })

  test('errors name the line: unknown account, zero size, an option with no premium, an empty transfer', () => {
    expect(() => applyWhatIf(base(), [trade(1, null, 'BTC-PERPETUAL', 'x')], [])).toThrow(/trades\[0\]\.accountId/)
    expect(() => applyWhatIf(base(), [trade(0)], [])).toThrow(/trades\[0\]\.size/)
    expect(() => applyWhatIf(base(), [trade(1, null, 'BTC-27MAR26-100000-C')], [])).toThrow(/trades\[0\]\.price: an option trade needs its premium/)
    expect(() => applyWhatIf(base(), [], [{ fromAccountId: null, toAccountId: null, asset: 'USDC', amount: 1 }])).toThrow(/transfers\[0\]\.toAccountId/)
  })
})
