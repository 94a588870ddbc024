// Root finding: Brent against known roots, the scan's nearest crossing on each side.
import { describe, expect, test } from '@jest/globals'
import { brentRoot, firstCrossing, nearestCrossings } from './root-finding.js'

describe('brentRoot', () => {
  test('finds √2 as the root of x² − 2 to machine precision', () => {
    expect(brentRoot((x) => x * x - 2, 0, 2)).toBeCloseTo(Math.SQRT2, 14)
  })
  test('handles a kink (piecewise-linear margin) and refuses an unbracketed interval', () => {
    const f = (x: number) => (x < 0.3 ? 1 - 2 * x : 0.4 - 4 * (x - 0.3))
    expect(brentRoot(f, 0, 1)).toBeCloseTo(0.4, 14)
    expect(() => brentRoot((x) => x * x + 1, -1, 1)).toThrow(/brentRoot\.bracket/)
  })
})

describe('nearestCrossings', () => {
  test('returns the nearest root on each side and null where there is none', () => {
    // buffer(m) = (m + 0.25)(0.6 − m): roots at −25 % and +60 %.
    expect(nearestCrossings((m) => (m + 0.25) * (0.6 - m))).toEqual({ down: expect.closeTo(-0.25, 13), up: expect.closeTo(0.6, 13) })
    expect(nearestCrossings((m) => 1 + m)).toEqual({ down: null, up: null })
    expect(firstCrossing((t) => 1 - t, 10, 1)).toBeCloseTo(1, 13)
    expect(() => firstCrossing((t) => 1 - t, 0, 1)).toThrow(/limit/)
  })
})
