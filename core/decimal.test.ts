// Exact decimals: fixed-point integers from chains become decimal strings digit for digit.
import { describe, expect, test } from 'vitest'
import { fromFixedPoint } from './decimal.js'

describe('fromFixedPoint', () => {
  test('keeps every digit past the 20 significant digits a decimal.js division would round to', () => {
    // 1,234.567890123456789012 tokens of 18 decimals: 22 significant digits (a division gave 1234.567890123456789).
    expect(fromFixedPoint(1_234_567_890_123_456_789_012n, 18)).toBe('1234.567890123456789012')
    // The largest uint256 in wei, and a GMX USD amount (30 decimals).
    expect(fromFixedPoint(2n ** 256n - 1n, 18)).toBe('115792089237316195423570985008687907853269984665640564039457.584007913129639935')
    expect(fromFixedPoint(-1_999_999_999_999_999_999_999_999_999_999n, 30)).toBe('-1.999999999999999999999999999999')
  })

  test('writes canonical strings: no trailing zeros, a leading zero below one, whole numbers without a point', () => {
    expect(fromFixedPoint(1_500_000n, 6)).toBe('1.5')
    expect(fromFixedPoint(5n, 8)).toBe('0.00000005')
    expect(fromFixedPoint(-5n, 8)).toBe('-0.00000005')
    expect(fromFixedPoint(42_000n, 3)).toBe('42')
    expect(fromFixedPoint(0n, 18)).toBe('0')
    expect(fromFixedPoint(7n, 0)).toBe('7')
  })

  test('refuses a number of decimals that is not a whole number ≥ 0', () => {
    expect(() => fromFixedPoint(1n, -1)).toThrow(/decimals/)
    expect(() => fromFixedPoint(1n, 1.5)).toThrow(/decimals/)
  })
})
