// The Decimal scalar is the API edge of DecimalString: what resolvers hand over goes out as it is, anything that
// skipped toDecimalString is refused, and a caller's decimal comes in checked, as written.
import { describe, test } from '@jest/globals'
import { expect } from '../test/support/expect.js'
import { GraphQLError } from 'graphql'
import { Prisma } from '../generated/prisma/client.js'
import { DecimalScalar } from './scalars.js'

describe('Decimal scalar', () => {
  test('a DecimalString goes out unchanged', () => {
    expect(DecimalScalar.serialize('1234.50')).toBe('1234.50')
    expect(DecimalScalar.serialize('-0.0000001')).toBe('-0.0000001')
  })

  test('a float, a Decimal object or text with an exponent is refused: each should have gone through toDecimalString', () => {
    for (const value of [0.1, new Prisma.Decimal('1.5'), '1e-7', 'NaN']) expect(() => DecimalScalar.serialize(value), String(value)).toThrow(GraphQLError)
  })

  test('a caller’s decimal is kept as written; a JSON number at its shortest form', () => {
    expect(DecimalScalar.parseValue(' 12.30 ')).toBe('12.30')
    expect(DecimalScalar.parseValue(0.1)).toBe('0.1')
    expect(() => DecimalScalar.parseValue('1e3')).toThrow(GraphQLError)
  })
})
