// The price × vol grid: Deribit's risk-matrix shape, and Deribit's published worked example through revaluation.
import { describe, expect, test } from '@jest/globals'
import { deribitVolShift, evaluateStress, priceVolGrid } from './index.js'
import type { MarketState, RiskAccount } from '../types.js'

const factors = ['BTC', 'ETH', 'SOL', 'USDC-USD']

describe('priceVolGrid', () => {
  test('BTC ±16 % and ETH ±18 % in 9 points, each with vol up, unchanged and down; other factors unchanged', () => {
    const set = priceVolGrid(['BTC', 'ETH'], { factors, jointDowns: [] })
    expect(set.count).toBe(2 * 9 * 3)
    const F = factors.length
    const btc = Array.from({ length: 9 }, (_, i) => Math.expm1(set.logReturns[i * 3 * F]!))
    // Deribit: 2·bucketsCount + 1 evenly spaced moves over ±price_range (bucketsCount 4, BTC range 16 %).
    btc.forEach((m, i) => expect(m).toBeCloseTo(-0.16 + 0.04 * i, 14))
    expect(Math.expm1(set.logReturns[(9 * 3 + 0) * F + 1]!)).toBeCloseTo(-0.18, 14)
    expect(Math.expm1(set.logReturns[(9 * 3 + 24) * F + 1]!)).toBeCloseTo(0.18, 14)
    for (let s = 0; s < 27; s++) for (const f of [1, 2, 3]) expect(set.logReturns[s * F + f]).toBe(0)
    // Deribit's published volatility_range_up 50 % and _down 25 % at 30 days.
    expect(Array.from(set.volShifts!.slice(0, 3))).toEqual([0.5, 0, -0.25])
    expect(set.labels[0]).toBe('grid BTC −16% vol+')
    expect(set.labels[14]).toBe('grid BTC +0% vol−')
  })

  test('vol shocks scale by (30/days)^power: 0.3 within 30 days, 0.13 after', () => {
    expect(deribitVolShift(0.5, 7)).toBeCloseTo(0.5 * Math.pow(30 / 7, 0.3), 14)
    expect(deribitVolShift(0.5, 90)).toBeCloseTo(0.5 * Math.pow(30 / 90, 0.13), 14)
    const set = priceVolGrid(['BTC'], { factors, volShockDays: 7, jointDowns: [] })
    expect(set.volShifts![0]).toBeCloseTo(0.5 * Math.pow(30 / 7, 0.3), 14)
    expect(set.volShifts![2]).toBeCloseTo(-0.25 * Math.pow(30 / 7, 0.3), 14)
  })

  test('other assets use the configurable range, and joint rows move every crypto factor together', () => {
    const set = priceVolGrid(['SOL'], { factors, priceRanges: { SOL: 0.3 }, jointDowns: [0.2] })
    const F = factors.length
    expect(Math.expm1(set.logReturns[2]!)).toBeCloseTo(-0.3, 14)
    const joint = set.count - 1
    expect(set.labels[joint]).toBe('all crypto −20% vol+')
    expect([0, 1, 2].map((f) => Math.expm1(set.logReturns[joint * F + f]!))).toEqual([expect.closeTo(-0.2, 14), expect.closeTo(-0.2, 14), expect.closeTo(-0.2, 14)])
    expect(set.logReturns[joint * F + 3]).toBe(0) // basis factors are not "crypto down"
  })

  test('bad parameters name the field', () => {
    expect(() => priceVolGrid(['DOGE'], { factors })).toThrow(/underlyings/)
    expect(() => priceVolGrid(['BTC'], { factors, points: 8 })).toThrow(/params\.points/)
    expect(() => priceVolGrid(['BTC'], { factors, priceRanges: { BTC: 1.5 } })).toThrow(/params\.priceRanges\.BTC/)
  })
})

describe('Deribit worked example through the grid', () => {
  test('a 0.314538364 BTC perpetual at index 65,666.19 loses 0.059912069333 BTC at −16 % and gains 0.043384601931 at +16 %', () => {
    // Source: Deribit's published private/pme/simulate example (see docs/methodology/options.md). Our revaluation
    // gives USD P&L = size·(P1 − P0); in coin that is P&L / P1 = size·(1 − 1/(1 + move)), the inverse perpetual's.
    const market: MarketState = { asOfMs: Date.UTC(2024, 5, 1), prices: { BTC: 65666.19 }, volSurfaces: {}, impliedVols: {} }
    const acct: RiskAccount = { id: 'd', venue: 'deribit', label: 'd', marginMode: 'portfolio', balances: [], positions: [{ id: 'p', accountId: 'd', size: 0.314538364, entryPrice: null, instrument: { symbol: 'BTC-PERPETUAL', kind: 'perpetual', underlying: 'BTC', inverse: true, expiryMs: null, strike: null, optionType: null } }] }
    const grid = priceVolGrid(['BTC'], { factors: ['BTC'], jointDowns: [] })
    const result = evaluateStress([acct], market, { grid })
    const down = result.scenarios.find((s) => s.label === 'grid BTC −16% vol=')!
    const up = result.scenarios.find((s) => s.label === 'grid BTC +16% vol=')!
    expect(down.bookPnl / (65666.19 * 0.84)).toBeCloseTo(-0.059912069333, 11)
    expect(up.bookPnl / (65666.19 * 1.16)).toBeCloseTo(0.043384601931, 11)
    expect(result.worstForBook!.label).toMatch(/BTC −16%/)
  })
})
