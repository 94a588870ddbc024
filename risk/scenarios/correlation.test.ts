import { describe, expect, test } from '@jest/globals'
import { ewmaCorrelation, isPositiveSemiDefinite, nearestCorrelation, symmetricEigen } from './correlation.js'

describe('correlation repair', () => {
  test("Higham's example: [[1,1,0],[1,1,1],[0,1,1]] → off-diagonals 0.7607 and 0.1573 (Higham 2002, §4)", () => {
    const { matrix } = nearestCorrelation([[1, 1, 0], [1, 1, 1], [0, 1, 1]])
    expect(matrix[0]![1]).toBeCloseTo(0.7607, 4)
    expect(matrix[0]![2]).toBeCloseTo(0.1573, 4)
    expect(matrix[1]![2]).toBeCloseTo(0.7607, 4)
    expect(matrix.map((r, i) => r[i])).toEqual([1, 1, 1])
  })

  test('an inconsistent estimate (ρ12 = ρ23 = 0.9, ρ13 = −0.9) is not PSD; its repair is', () => {
    const bad = [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]
    expect(isPositiveSemiDefinite(bad)).toBe(false)
    expect(isPositiveSemiDefinite(nearestCorrelation(bad).matrix, 1e-9)).toBe(true)
  })

  test('a valid correlation matrix is left as it is', () => {
    const good = [[1, 0.5], [0.5, 1]]
    expect(nearestCorrelation(good).matrix[0]![1]).toBeCloseTo(0.5, 12)
  })

  test('eigenvalues of [[2,1],[1,2]] are 1 and 3', () => {
    expect(symmetricEigen([[2, 1], [1, 2]]).values.sort()).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)])
  })

  test('EWMA correlation of perfectly (anti-)correlated series is ±1', () => {
    const x = Array.from({ length: 200 }, (_, i) => Math.sin(i))
    const c = ewmaCorrelation([x, x.map((v) => 2 * v), x.map((v) => -v)], 0.94)
    expect(c[0]![1]).toBeCloseTo(1, 12)
    expect(c[0]![2]).toBeCloseTo(-1, 12)
  })

  test('a ragged matrix is refused naming the row', () => {
    expect(() => nearestCorrelation([[1, 0], [0]])).toThrow(/matrix\[1\]/)
  })
})
