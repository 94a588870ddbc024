// Deribit portfolio margin against Deribit's own published example (private/pme/simulate response example,
// https://docs.deribit.com/api-reference/account-management/private-simulate): BTC-PERPETUAL 0.314538364 and
// BTC-28JUN24 −0.001187534 at index 65,666.19, timestamp 1718619740501.
import { describe, expect, test } from '@jest/globals'
import { DERIBIT_PM_BTC_PARAMS, deribitPortfolioMargin, type DeribitPmPosition } from './margin.js'

const perp: DeribitPmPosition = { instrument: 'BTC-PERPETUAL', kind: 'perpetual', size: 0.314538364, expiryMs: null, strike: null, optionType: null, markIv: null, underlyingPrice: null }
const future: DeribitPmPosition = { instrument: 'BTC-28JUN24', kind: 'future', size: -0.001187534, expiryMs: Date.UTC(2024, 5, 28, 8), strike: null, optionType: null, markIv: null, underlyingPrice: 67371.75 }
const example = { positions: [perp, future], indexPrice: 65666.19, asOfMs: 1718619740501, mmpMargin: 0.06, openOrdersMargin: 0.000018212 }

describe("Deribit portfolio margin: the published example", () => {
  const result = deribitPortfolioMargin(example, DERIBIT_PM_BTC_PARAMS)

  test('perpetual P&L at −16 % and +16 % equals the example to 1e-12', () => {
    const rows = result.perPosition['BTC-PERPETUAL']!.standard
    expect(rows[0]).toBeCloseTo(-0.059912069333, 12)
    expect(rows[rows.length - 1]).toBeCloseTo(0.043384601931, 12)
    // Every published cell of the perpetual's and the future's vectors (9 buckets × 3 vol scenarios).
    const published = [-0.05991206933333334, -0.04289159509090909, -0.027351162086956524, -0.013105765166666668, 0, 0.012097629384615385, 0.023299138074074074, 0.033700538999999995, 0.043384601931034494]
    published.forEach((pnl, bucket) => [0, 1, 2].forEach((v) => expect(rows[bucket * 3 + v]).toBeCloseTo(pnl, 15)))
    const futurePublished = [0.0002261969523809524, 0.00016193645454545456, 0.00010326382608695652, 0.00004948058333333334, 0, -0.00004567438461538462, -0.00008796548148148148, -0.0001272357857142857, -0.00016379779310344832]
    futurePublished.forEach((pnl, bucket) => expect(result.perPosition['BTC-28JUN24']!.standard[bucket * 3]).toBeCloseTo(pnl, 15))
  })

  test('extended table holds delta-one contracts at the ±16 % values, as published', () => {
    expect(result.perPosition['BTC-PERPETUAL']!.extended).toEqual([
      expect.closeTo(-0.05991206933333334, 15), expect.closeTo(-0.05991206933333334, 15),
      ...Array(6).fill(expect.closeTo(0.04338460193103449, 15)),
    ])
  })

  test('worst case, roll shock, risk-matrix margin and MM equal the example within 1e-9', () => {
    expect(result.worstCase).toBeCloseTo(0.05968587238095239, 12)
    expect(result.worstScenario).toEqual({ source: 'standard', index: 0, priceShock: -0.16 })
    expect(result.rollShock).toBeCloseTo(0.00315725898, 12)
    expect(result.deltaShock).toBe(0)
    expect(Math.abs(result.riskMatrixMargin - 0.06284313098)).toBeLessThan(1e-9)
    expect(Math.abs(result.maintenanceMargin - 0.050274504784)).toBeLessThan(1e-9)
    // IM = risk matrix 0.06284313098 + MMP 0.06 + open orders 0.000018212 = 0.122861343 in the example.
    expect(Math.abs(result.initialMargin - 0.122861343)).toBeLessThan(1e-9)
  })

  test('a short call adds option risk: worst loss grows with vol up and with the size', () => {
    const call = (size: number): DeribitPmPosition => ({ instrument: 'BTC-28JUN24-70000-C', kind: 'option', size, expiryMs: Date.UTC(2024, 5, 28, 8), strike: 70000, optionType: 'call', markIv: 0.5, underlyingPrice: 67371.75 })
    const small = deribitPortfolioMargin({ ...example, positions: [call(-1)] })
    const large = deribitPortfolioMargin({ ...example, positions: [call(-2)] })
    expect(small.worstCase).toBeGreaterThan(0)
    expect(large.riskMatrixMargin).toBeGreaterThan(small.riskMatrixMargin)
    const upSame = small.standard.filter((c) => c.priceShock === 0.16)
    expect(upSame.find((c) => c.volScenario === 'up')!.pnl).toBeLessThan(upSame.find((c) => c.volScenario === 'down')!.pnl)
  })

  test('bad input names the field', () => {
    expect(() => deribitPortfolioMargin({ ...example, indexPrice: 0 })).toThrow(/indexPrice/)
    expect(() => deribitPortfolioMargin({ ...example, positions: [{ ...perp, size: NaN }] })).toThrow(/positions\[0\]\.size/)
    expect(() => deribitPortfolioMargin({ ...example, positions: [{ ...perp, kind: 'option' }] })).toThrow(/positions\[0\]\.markIv/)
  })
})
