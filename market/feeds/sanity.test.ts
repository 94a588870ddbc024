// The sanity band and the book checks on their own. Prices are test values around the recorded Hyperliquid BTC mid of
// 2023-07-17 (30135.0, venue-responses/hyperliquid/info-allMids.hl-python-sdk-cassette.json).
import { describe, expect, test } from '@jest/globals'
import { checkBook, checkPrint, DEFAULT_SANITY_BAND } from './sanity.js'
import type { BookLevel } from './types.js'

const refs = (...prices: number[]) => prices.map((price, i) => ({ source: `source${i}`, price }))

describe('checkPrint', () => {
  test('the band is 5 % of the median of the other fresh sources', () => {
    expect(DEFAULT_SANITY_BAND.maxDeviation).toBe(0.05)
    // Median of 30100, 30140, 30150 is 30140; 31646 is 4.997 % above it, 31648 5.003 %.
    expect(checkPrint('31646', refs(30100, 30140, 30150))).toMatchObject({ accepted: true, reference: 30140, sources: 3 })
    expect(checkPrint('31648', refs(30100, 30140, 30150))).toMatchObject({ accepted: false, reference: 30140 })
  })

  test('a decimal slipped in a print is quarantined, naming the references and the band', () => {
    const verdict = checkPrint('3013.5', [{ source: 'binance BTCUSDT index', price: 30138 }, { source: 'hyperliquid BTC mark', price: 30134.5 }])
    expect(verdict).toEqual({
      accepted: false,
      reference: 30136.25,
      deviation: expect.closeTo(0.9, 3),
      reason: '3013.5 is 90.00 % from 30136.25, the median of 2 other fresh sources (binance BTCUSDT index 30138, hyperliquid BTC mark 30134.5); the band is 5.00 %',
    })
  })

  test('one wild reference among three does not move the median: the honest print passes', () => {
    expect(checkPrint('30135', refs(30140, 45000, 30130))).toMatchObject({ accepted: true, reference: 30140 })
  })

  test('with nothing fresh to compare against, a print passes unchecked', () => {
    expect(checkPrint('30135', [])).toEqual({ accepted: true, reference: null, deviation: null, sources: 0 })
  })

  test('a price that is not positive is never accepted', () => {
    expect(checkPrint('0', refs(30135))).toMatchObject({ accepted: false, reason: '0 is not a positive price' })
    expect(checkPrint('-1', [])).toMatchObject({ accepted: false })
  })
})

describe('checkBook', () => {
  const bids: BookLevel[] = [['30134', '1.25'], ['30133', '0.5']]
  const asks: BookLevel[] = [['30136', '2'], ['30140', '1']]

  test('an ordered, uncrossed two-sided book passes', () => {
    expect(checkBook(bids, asks)).toEqual({ accepted: true })
  })

  test('a crossed book is refused with both prices', () => {
    expect(checkBook([['30137', '1'], ...bids], asks)).toEqual({ accepted: false, reason: 'crossed book: best bid 30137 above best ask 30136' })
  })

  test('a locked book is refused', () => {
    expect(checkBook([['30136', '1'], ...bids], asks)).toEqual({ accepted: false, reason: 'locked book: best bid and best ask both 30136' })
  })

  test('levels out of order, a zero size or a bad price are refused naming the level', () => {
    expect(checkBook([bids[1]!, bids[0]!], asks)).toEqual({ accepted: false, reason: 'bids out of order at level 1 (30134 after 30133)' })
    expect(checkBook(bids, [asks[0]!, ['30140', '0']])).toEqual({ accepted: false, reason: 'ask level 1 has size 0' })
    expect(checkBook([['abc', '1']], asks)).toEqual({ accepted: false, reason: 'bid level 0 has price abc' })
  })

  test('a one-sided book is refused: there is no mid to measure depth from', () => {
    expect(checkBook(bids, [])).toEqual({ accepted: false, reason: 'one-sided book (2 bids, 0 asks): no mid to measure depth from' })
  })
})
