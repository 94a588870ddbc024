// Options valued on their forward (MarketState.forwardRatios): closed forms that hold whatever the volatility.
import { describe, expect, test } from '@jest/globals'
import { prepareBook, revaluePrepared } from './revaluation.js'
import { computeExposures } from './exposures.js'
import type { MarketState, RiskAccount } from './types.js'

const expiryMs = Date.UTC(2026, 11, 25, 8)
const asOfMs = Date.UTC(2026, 10, 25, 8)
const option = (symbol: string, optionType: 'call' | 'put', strike: number, size = 1) => ({
  id: symbol, accountId: 'a', size, entryPrice: null, instrument: { symbol, kind: 'option' as const, underlying: 'BTC', inverse: true, expiryMs, strike, optionType },
})
const account: RiskAccount = { id: 'a', venue: 'deribit', label: 'a', marginMode: null, balances: [], positions: [option('C', 'call', 90_000), option('P', 'put', 90_000)] }
const market = (ratio?: number): MarketState => ({
  asOfMs, prices: { BTC: 95_000 }, volSurfaces: {}, impliedVols: { C: 0.55, P: 0.55, DEEP: 0.55 },
  ...(ratio === undefined ? {} : { forwardRatios: { C: ratio, P: ratio, DEEP: ratio } }),
})

describe('options on their forward', () => {
  test('put–call parity on the forward: call − put = F − K with F = index × ratio (Black-76, no discounting)', () => {
    const book = prepareBook([account], market(1.0022), ['BTC'])
    const [call, put] = book.options
    expect(call!.valueNow - put!.valueNow).toBeCloseTo(95_000 * 1.0022 - 90_000, 6)
    // Without a ratio the index is the forward.
    const flat = prepareBook([account], market(), ['BTC'])
    expect(flat.options[0]!.valueNow - flat.options[1]!.valueNow).toBeCloseTo(5_000, 6)
  })

  test('in a scenario the forward moves with the index: a long call and short put are a forward, P&L = ratio × ΔS', () => {
    const synthetic: RiskAccount = { ...account, positions: [option('C', 'call', 90_000), option('P', 'put', 90_000, -1)] }
    const book = prepareBook([synthetic], market(1.0022), ['BTC'])
    const result = revaluePrepared(book, { factors: ['BTC'], count: 1, logReturns: Float64Array.of(Math.log(0.8)), volShifts: null, labels: ['−20 %'] })
    expect(result.book[0]).toBeCloseTo(1.0022 * 95_000 * -0.2, 6)
  })

  test('delta in the factor’s units is the forward delta × ratio: a deep call moves ratio units per unit of index', () => {
    const deep: RiskAccount = { ...account, positions: [option('DEEP', 'call', 1_000)] }
    const btc = computeExposures([deep], market(1.0022)).find((e) => e.factor === 'BTC')!
    expect(btc.netUnits).toBeCloseTo(1.0022, 9)
  })

  test('a bad ratio names the position', () => {
    expect(() => prepareBook([account], market(0), ['BTC'])).toThrow(/positions\[0\]\.forwardRatio/)
  })
})
