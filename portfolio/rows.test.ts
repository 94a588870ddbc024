// The storage edge: a row's decimal columns become DecimalStrings once, as it is read; nothing else changes.
import { describe, expect, test } from '@jest/globals'
import { Prisma } from '../generated/prisma/client.js'
import { fromStored } from './rows.js'

describe('fromStored', () => {
  test('formats each decimal column once as plain text and leaves the other columns as they are', () => {
    const asOf = new Date('2026-01-01T00:00:00Z')
    const row = { id: 'b1', asset: 'WETH', amount: new Prisma.Decimal('2.000000000000000001'), valueUsd: new Prisma.Decimal('1e-7'), priceUsd: null, flags: ['spot'], raw: { x: 1 }, asOf }
    expect(fromStored(row)).toEqual({ id: 'b1', asset: 'WETH', amount: '2.000000000000000001', valueUsd: '0.0000001', priceUsd: null, flags: ['spot'], raw: { x: 1 }, asOf })
  })
})
