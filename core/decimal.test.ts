// The one text form amounts are stored and served in: DecimalString, made from a Decimal once, and the check a
// connector's decimal text passes before it is stored, which converts nothing.
import { describe, test } from '@jest/globals'
import { expect } from '../test/support/expect.js'
import { checkDecimalText, Decimal, fromFixedPoint, toDecimalString } from './decimal.js'
import { Internal, InvalidInput } from './errors.js'

describe('toDecimalString', () => {
  test('writes plain decimal text, never an exponent: 1e-7 is 0.0000001, 1e21 is twenty-two digits', () => {
    expect(toDecimalString(new Decimal('1e-7'))).toBe('0.0000001')
    expect(toDecimalString(new Decimal('1e21'))).toBe('1000000000000000000000')
    expect(toDecimalString(new Decimal('12.5'), 2)).toBe('12.50')
    expect(toDecimalString(123n)).toBe('123')
  })

  test('a NaN or infinite Decimal has no decimal text: refused, not written as "NaN"', () => {
    expect(() => toDecimalString(new Decimal(NaN))).toThrow(Internal)
    expect(() => toDecimalString(new Decimal(Infinity))).toThrow(Internal)
  })
})

describe('checkDecimalText', () => {
  test('keeps a connector’s text exactly as written (trailing zeros and exponents included): it is checked, not converted', () => {
    expect(checkDecimalText('1.50', 'size')).toBe('1.50')
    expect(checkDecimalText('-2.5e-3', 'size')).toBe('-2.5e-3')
  })

  test('refuses what is not a finite decimal, naming the field', () => {
    for (const bad of ['NaN', 'Infinity', '', ' 1', '1,5', 1.5, null]) {
      const error = (() => {
        try {
          checkDecimalText(bad, 'positions[0].size')
          return null
        } catch (caught) {
          return caught
        }
      })()
      expect(error, String(bad)).toBeInstanceOf(InvalidInput)
      expect((error as InvalidInput).field).toBe('positions[0].size')
    }
  })
})

// Exact decimals: fixed-point integers from chains become decimal strings digit for digit.
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
