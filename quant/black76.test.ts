import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { readSharedJson } from '../test/support/shared-data.js'
import { black76Greeks, black76Price, impliedVolBlack76, inverseBlack76Greeks, inverseBlack76Price } from './black76.js'
import { normalCdf, normalQuantile } from './normal.js'

describe('standard normal', () => {
  test('matches tabulated values to 1e-15', () => {
    // Values from Abramowitz & Stegun table 26.1 / any high-precision evaluation of Φ.
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 15)
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 15)
    expect(normalCdf(0)).toBe(0.5)
    // Deep tail keeps relative precision: Φ(−8) = 6.220960574271784e-16.
    expect(normalCdf(-8) / 6.220960574271784e-16).toBeCloseTo(1, 12)
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12)
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874040841, 12)
  })
})

describe('Black-76', () => {
  test("Hull's crude-oil futures put: F = K = 20, r = 9 %, T = 4 months, σ = 25 % → 1.12", () => {
    // Hull, Options, Futures and Other Derivatives, "Black's model" worked example (put on futures = 1.12).
    expect(black76Price(20, 20, 4 / 12, 0.25, 'put', Math.exp(-0.09 * (4 / 12)))).toBeCloseTo(1.1166, 4)
  })

  test('put-call parity: C − P = D·(F − K) for any inputs', () => {
    fc.assert(
      fc.property(fc.double({ min: 10, max: 1e5, noNaN: true }), fc.double({ min: 0.2, max: 5, noNaN: true }), fc.double({ min: 0.001, max: 3, noNaN: true }), fc.double({ min: 0.01, max: 3, noNaN: true }), (forward, moneyness, t, vol) => {
        const strike = forward * moneyness
        const discount = 0.97
        const parity = black76Price(forward, strike, t, vol, 'call', discount) - black76Price(forward, strike, t, vol, 'put', discount)
        expect(parity).toBeCloseTo(discount * (forward - strike), 6 - Math.log10(forward))
      }),
    )
  })

  test('greeks equal finite differences of the price', () => {
    const [F, K, T, v] = [30000, 32000, 0.25, 0.7]
    const g = black76Greeks(F, K, T, v, 'call')
    const h = 1e-2
    expect(g.delta).toBeCloseTo((black76Price(F + h, K, T, v, 'call') - black76Price(F - h, K, T, v, 'call')) / (2 * h), 6)
    expect(g.gamma).toBeCloseTo((black76Price(F + 10, K, T, v, 'call') - 2 * black76Price(F, K, T, v, 'call') + black76Price(F - 10, K, T, v, 'call')) / 100, 8)
    expect(g.vega).toBeCloseTo((black76Price(F, K, T, v + 1e-6, 'call') - black76Price(F, K, T, v - 1e-6, 'call')) / 2e-6, 2)
    expect(g.theta).toBeCloseTo(-(black76Price(F, K, T + 1e-6, v, 'call') - black76Price(F, K, T - 1e-6, v, 'call')) / 2e-6, 1)
  })

  test("Deribit's own greeks for BTC-15JAN21-28000-C (recorded order book) are reproduced", () => {
    // Recorded public/get_order_book: underlying 29153.69, mark_iv 87.2 %, delta 0.62396, vega 22.57564 (USD per
    // vol point), theta −64.77785 (USD per day), mark price 0.09096156 BTC; expiry 15 Jan 2021 08:00 UTC.
    const book = readSharedJson<{ underlying_price: number; timestamp: number; mark_iv: number; mark_price: number; greeks: { delta: number; vega: number; theta: number } }>('venue-responses', 'deribit', 'public-get_order_book.option-BTC-15JAN21-28000-C.json')
    const t = (Date.UTC(2021, 0, 15, 8) - book.timestamp) / (365 * 86_400_000)
    const g = black76Greeks(book.underlying_price, 28000, t, book.mark_iv / 100, 'call')
    expect(g.delta).toBeCloseTo(book.greeks.delta, 5)
    expect(g.vega / 100).toBeCloseTo(book.greeks.vega, 3)
    expect(g.theta / 365).toBeCloseTo(book.greeks.theta, 2)
    // The coin premium agrees to ~1e-4 BTC (Deribit's mark uses its own clock and rate conventions).
    expect(inverseBlack76Price(book.underlying_price, 28000, t, book.mark_iv / 100, 'call')).toBeCloseTo(book.mark_price, 3)
  })

  test('inverse delta is the USD delta less the coin premium', () => {
    const g = inverseBlack76Greeks(30000, 30000, 0.1, 0.6, 'call')
    const h = 1
    const coin = (f: number) => inverseBlack76Price(f, 30000, 0.1, 0.6, 'call')
    expect(g.delta).toBeCloseTo(((coin(30000 + h) - coin(30000 - h)) / (2 * h)) * 30000, 6)
  })

  test('implied vol round-trips the price', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 2, noNaN: true }), fc.double({ min: 0.02, max: 2, noNaN: true }), fc.double({ min: 0.05, max: 2.5, noNaN: true }), fc.constantFrom('call' as const, 'put' as const), (moneyness, t, vol, type) => {
        const price = black76Price(100, 100 * moneyness, t, vol, type)
        fc.pre(price > 1e-6 + Math.max(type === 'call' ? 100 - 100 * moneyness : 100 * moneyness - 100, 0))
        expect(impliedVolBlack76(price, 100, 100 * moneyness, t, type)).toBeCloseTo(vol, 5)
      }),
    )
  })

  test('bad input is refused naming the field', () => {
    expect(() => black76Price(NaN, 100, 1, 0.5, 'call')).toThrow(/forward/)
    expect(() => black76Price(100, 100, 1, -0.1, 'call')).toThrow(/vol: must be ≥ 0/)
    expect(() => black76Price(100, 100, -1, 0.1, 'call')).toThrow(/timeYears/)
    expect(() => impliedVolBlack76(150, 100, 100, 1, 'call')).toThrow(/price: 150 is outside the no-arbitrage range/)
  })
})
