// The one text form amounts are stored and served in: DecimalString, made from a Decimal once, and the check a
// connector's decimal text passes before it is stored, which converts nothing.
import { describe, expect, test } from 'vitest'
import { checkDecimalText, Decimal, toDecimalString } from './decimal.js'
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
