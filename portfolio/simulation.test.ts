// A simulated account names a venue crossmargin knows: anything else would be margined on a fallback rule no venue
// computes (it was: "nosuchvenue" and "BINANCE" were accepted and margined at twice Binance's figure).
import { describe, expect, test } from '@jest/globals'
import { InvalidInput } from '../core/errors.js'
import type { PriceHistory } from '../risk/types.js'
import { simulationContext } from './simulation.js'

const history: PriceHistory = { dates: [], factors: [], closes: [] }

describe('simulationContext', () => {
  test.each([
    ['nosuchvenue', /unknown venue "nosuchvenue"; known: .*binance/],
    ['BINANCE', /unknown venue "BINANCE" \(did you mean "binance"\?\)/],
  ])('refuses the venue %s, naming the field', (venue, message) => {
    const run = () => simulationContext({ accounts: [{ venue, balances: [{ asset: 'USDT', amount: '1000' }] }] }, history, new Date('2025-12-31T00:00:00Z'))
    expect(run).toThrow(InvalidInput)
    expect(run).toThrow(message)
    try {
      run()
    } catch (error) {
      expect((error as InvalidInput).field).toBe('input.accounts[0].venue')
    }
  })

  test('a known venue passes the check', () => {
    const ctx = simulationContext({ accounts: [{ venue: 'binance', balances: [{ asset: 'USDT', amount: '1000' }] }] }, history, new Date('2025-12-31T00:00:00Z'))
    expect(ctx.accounts[0]!.venue).toBe('binance')
  })
})
