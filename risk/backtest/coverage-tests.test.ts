import { describe, expect, test } from '@jest/globals'
import { chiSquare1Survival, christoffersen, kupiecPof, trafficLightZone, worstWindow } from './coverage-tests.js'

describe('Kupiec proportion of failures', () => {
  test('LR computed by hand: 250 days, 5 exceptions, p = 1 %', () => {
    // LR = −2·[245·ln(0.99) + 5·ln(0.01)] + 2·[245·ln(0.98) + 5·ln(0.02)]
    //    = −2·(−2.462332 − 23.025851) + 2·(−4.949663 − 19.560115) = 50.976366 − 49.019557 = 1.956810
    const r = kupiecPof(250, 5, 0.01)
    expect(r.lr).toBeCloseTo(1.95681, 5)
    // χ²₁ survival of 1.956810: 2·(1 − Φ(1.398860)) = 0.16188
    expect(r.pValue).toBeCloseTo(0.1619, 4)
    expect(r.passes).toBe(true)
  })

  test('zero exceptions in 1,000 days rejects as too conservative: LR = −2·1000·ln(0.99) = 20.1007', () => {
    const r = kupiecPof(1000, 0, 0.01)
    expect(r.lr).toBeCloseTo(20.100672, 5)
    expect(r.passes).toBe(false)
  })

  test('the χ²₁ 95 % critical value 3.841459 has survival 0.05', () => {
    expect(chiSquare1Survival(3.841459)).toBeCloseTo(0.05, 6)
  })
})

describe('Christoffersen independence', () => {
  test('transition counts and LR by hand for a clustered sequence', () => {
    // F F T T F F F F T F: n00 = 4, n01 = 2, n10 = 2, n11 = 1.
    const hits = [false, false, true, true, false, false, false, false, true, false]
    const r = christoffersen(hits, 0.01)
    expect(r.transitions).toEqual({ n00: 4, n01: 2, n10: 2, n11: 1 })
    // π01 = 2/6, π11 = 1/3, π = 3/9: the unrestricted and restricted likelihoods are equal → LR = 0.
    expect(r.lrIndependence).toBeCloseTo(0, 12)
  })

  test('back-to-back exceptions are flagged as dependent', () => {
    const hits = Array.from({ length: 500 }, (_, i) => i >= 100 && i < 106)
    expect(christoffersen(hits, 0.01).pIndependence).toBeLessThan(0.01)
  })
})

describe('Basel traffic light', () => {
  test('zones: 4 green, 5 yellow, 9 yellow, 10 red (BCBS 1996, table 2)', () => {
    expect([4, 5, 9, 10].map(trafficLightZone)).toEqual(['green', 'yellow', 'yellow', 'red'])
  })

  test('worst 250-day window count', () => {
    const hits = Array.from({ length: 1000 }, (_, i) => i % 100 === 0 || (i >= 600 && i < 603))
    // Days 500..749 hold exceptions at 500, 600, 601, 602, 700 = 5.
    expect(worstWindow(hits).exceptions).toBe(5)
  })
})
