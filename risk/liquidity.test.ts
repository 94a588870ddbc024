// Liquidity from a book. The recorded book is Deribit's public/get_order_book answer for the BTC-15JAN21-28000-C
// option on 2020-12-31 (../shared/data/venue-responses/deribit/public-get_order_book.option-BTC-15JAN21-28000-C.json):
// prices in BTC per contract, sizes in contracts. No recorded Binance or Hyperliquid book exists in venue-responses,
// so this is the one real book at hand; the walk does not care what the levels price.
//   bids 0.0895 × 23.4, 0.051 × 0.5, 0.001 × 1;  asks 0.0955 × 0.5, 0.108 × 1, 0.12 × 1, 0.121 × 2.1, 0.25 × 12
import { describe, expect, test } from '@jest/globals'
import { readSharedJson } from '../test/support/shared-data.js'
import { DEFAULT_IMPACT_COEFFICIENT, depthWithin, midPrice, unwindCost, type OrderBook } from './liquidity.js'

const recorded = readSharedJson<{ bids: [number, number][]; asks: [number, number][] }>('venue-responses', 'deribit', 'public-get_order_book.option-BTC-15JAN21-28000-C.json')
const deribit: OrderBook = { bids: recorded.bids, asks: recorded.asks }

describe('unwindCost through the recorded Deribit book', () => {
  test('the mid is halfway between the best bid and ask: (0.0895 + 0.0955) / 2 = 0.0925', () => {
    expect(midPrice(deribit)).toBeCloseTo(0.0925, 15)
  })

  test('selling 24 contracts costs the hand sum of the bids walked: 23.4×0.003 + 0.5×0.0415 + 0.1×0.0915 = 0.1001 BTC', () => {
    const result = unwindCost(deribit, 24)
    expect(result.cost).toBeCloseTo(0.1001, 12)
    expect(result.walked).toEqual({ quantity: 24, cost: result.cost, levels: 3 })
    expect(result.beyondBook).toEqual({ quantity: 0, cost: 0, reason: null })
  })

  test('buying back a short of 4 costs the hand sum of the asks walked: 0.5×0.003 + 1×0.0155 + 1×0.0275 + 1.5×0.0285 = 0.08725 BTC', () => {
    expect(unwindCost(deribit, -4).cost).toBeCloseTo(0.08725, 12)
  })

  test('past the visible bids no level fills better than the last one: 5.1 more at 0.0915 below mid', () => {
    // All 24.9 bids walked (0.0702 + 0.02075 + 1×0.0915 = 0.18245), then 5.1 at the last level's distance, since
    // the square-root law (σ 4 % a day over the 159.6 contracts the recorded day traded) stays below it.
    const result = unwindCost(deribit, 30, { dailyVolatility: 0.04, dailyVolume: 159.6, coefficient: DEFAULT_IMPACT_COEFFICIENT })
    expect(result.walked.cost).toBeCloseTo(0.18245, 12)
    expect(result.beyondBook.quantity).toBeCloseTo(5.1, 12)
    expect(result.beyondBook.cost).toBeCloseTo(5.1 * 0.0915, 12)
    expect(result.cost).toBeCloseTo(0.18245 + 0.46665, 12)
  })

  test('past the visible book with nothing to extrapolate from, the cost is null with the reason, and the walk is still shown', () => {
    const result = unwindCost(deribit, 30)
    expect(result.cost).toBeNull()
    expect(result.walked.cost).toBeCloseTo(0.18245, 12)
    expect(result.beyondBook.cost).toBeNull()
    expect(result.beyondBook.reason).toMatch(/past the visible book, and no daily volatility and volume/)
  })

  test('nothing to unwind costs nothing', () => {
    expect(unwindCost(deribit, 0)).toMatchObject({ cost: 0, walked: { quantity: 0, cost: 0, levels: 0 } })
  })
})

describe('the square-root law past a thin book', () => {
  // Mid 100, one level a side 0.1 % away. σ 4 % a day, V 10,000 a day, Y 1: impact 0.04·√(q/10,000) = 0.0004·√q
  // reaches the last level's 0.1 % at q = (0.001 / 0.0004)² = 6.25.
  const thin: OrderBook = { bids: [[99.9, 1]], asks: [[100.1, 1]] }
  const impact = { dailyVolatility: 0.04, dailyVolume: 10_000, coefficient: 1 }

  test('unwinding 100: 1 walked at 0.1, then 0.1 % of 100 per unit to q = 6.25, then ∫ 100·0.0004·√q dq to 100', () => {
    // 0.1 + 100·0.001·5.25 + 100·(2/3)·0.0004·(100^1.5 − 6.25^1.5) = 0.1 + 0.525 + 26.25
    const result = unwindCost(thin, 100, impact)
    expect(result.beyondBook.cost).toBeCloseTo(0.525 + 26.25, 9)
    expect(result.cost).toBeCloseTo(26.875, 9)
  })

  test('the cost grows with size, faster than linearly once the law binds', () => {
    const costs = [10, 100, 1_000].map((q) => unwindCost(thin, -q, impact).cost!)
    expect(costs[1]! / costs[0]!).toBeGreaterThan(10)
    expect(costs[2]! / costs[1]!).toBeGreaterThan(10)
  })

  test('a one-sided book has no mid and is refused', () => {
    expect(() => unwindCost({ bids: [[99, 1]], asks: [] }, 1)).toThrow(/one-sided book \(1 bids, 0 asks\) has no mid/)
  })
})

describe('depthWithin', () => {
  test('the recorded option book holds nothing within ±2 % of its mid: its spread alone is 6.5 % of the mid', () => {
    expect(depthWithin(deribit, 0.02)).toEqual({ bid: 0, ask: 0 })
  })

  test('levels at the band’s edge count, and a side whose visible levels all sit inside the band is null, not an undercount', () => {
    const book: OrderBook = { bids: [[99.9, 10], [99.5, 20], [99, 30]], asks: [[100.1, 10], [100.5, 20]] }
    // ±0.5 % of 100: bids 99.9×10 + 99.5×20 = 2989 (99 is past the edge); every ask is inside.
    expect(depthWithin(book, 0.005)).toEqual({ bid: expect.closeTo(2989, 9), ask: null })
  })
})
