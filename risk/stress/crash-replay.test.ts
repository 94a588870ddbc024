// Crash replays from the real Binance daily closes in ../shared/data/prices (SOURCES.md there names the origin).
import { beforeAll, describe, expect, test } from '@jest/globals'
import { alignHistories, readCandlesCsv } from '../../market/price-csv.js'
import { sharedDataPath } from '../../test/support/shared-data.js'
import { crashReplays, DEFAULT_CRASH_EVENTS } from './index.js'
import type { PriceHistory } from '../types.js'

let history: PriceHistory
const close = (factor: string, date: string) => history.closes[history.factors.indexOf(factor)]![history.dates.indexOf(date)]!

beforeAll(() => {
  const series = Object.fromEntries(['BTC', 'ETH', 'SOL', 'AVAX'].map((s) => [s, readCandlesCsv(sharedDataPath('prices', `${s}-USD-1d.csv`))]))
  history = alignHistories(series)
})

describe('crashReplays', () => {
  test('the default events are the seven the methodology names, each inside the history', () => {
    expect(DEFAULT_CRASH_EVENTS.map((e) => e.id)).toEqual(['2020-03-12', '2021-05-19', '2022-05-terra', '2022-11-09', '2023-03-usdc', '2024-08-05', '2025-10-10'])
    const set = crashReplays(history)
    expect(set.count).toBe(7)
    expect(set.factors).toEqual(['AVAX', 'BTC', 'ETH', 'SOL', 'USDC-USD'])
  })

  test('12 Mar 2020: BTC ln(4800.00 / 7934.52), the SOURCES.md spot check (−39.5 %)', () => {
    const set = crashReplays(history)
    const F = set.factors.length
    expect(set.logReturns[set.factors.indexOf('BTC')]).toBeCloseTo(Math.log(4800 / 7934.52), 12)
    expect(Math.expm1(set.logReturns[set.factors.indexOf('BTC')]!)).toBeCloseTo(-0.395, 3)
    // SOL was listed on 2020-08-11 and AVAX on 2020-09-22: both follow BTC (beta 1 by default) and are reported.
    expect(set.proxied[0]).toEqual(['AVAX', 'SOL', 'USDC-USD'])
    expect(set.logReturns[set.factors.indexOf('SOL')]).toBe(set.logReturns[set.factors.indexOf('BTC')])
    expect(set.sources[0]!.find((s) => s.factor === 'SOL')!.source).toBe('proxy')
    expect(set.logReturns[1 * F + set.factors.indexOf('SOL')]).toBeCloseTo(Math.log(close('SOL', '2021-05-19') / close('SOL', '2021-05-18')), 12)
  })

  test('a proxied factor moves beta × the proxy', () => {
    const set = crashReplays(history, DEFAULT_CRASH_EVENTS, { betas: { SOL: 1.5 } })
    expect(set.logReturns[set.factors.indexOf('SOL')]).toBeCloseTo(1.5 * Math.log(4800 / 7934.52), 12)
    expect(set.sources[0]!.find((s) => s.factor === 'SOL')!.detail).toMatch(/^1\.5 × BTC/)
  })

  test('FTX: SOL’s log return on 2022-11-09 is −0.549 (SOURCES.md); Terra is the 9–12 May cumulative move', () => {
    const set = crashReplays(history)
    const F = set.factors.length
    expect(set.logReturns[3 * F + set.factors.indexOf('SOL')]).toBeCloseTo(-0.549, 3)
    expect(set.logReturns[2 * F + set.factors.indexOf('ETH')]).toBeCloseTo(Math.log(close('ETH', '2022-05-12') / close('ETH', '2022-05-08')), 12)
    expect(set.proxied[3]).toEqual(['USDC-USD'])
  })

  test('10 Oct 2025: AVAX −0.32 in log terms (SOURCES.md, "genuine extreme days")', () => {
    const set = crashReplays(history)
    expect(set.logReturns[6 * set.factors.length + set.factors.indexOf('AVAX')]).toBeCloseTo(-0.32, 2)
  })

  test('the USDC depeg carries its documented override (0.88 at the trough), stablecoins hold elsewhere', () => {
    const set = crashReplays(history)
    const F = set.factors.length
    const usdc = set.factors.indexOf('USDC-USD')
    expect(Math.exp(set.logReturns[4 * F + usdc]!)).toBeCloseTo(0.88, 14)
    expect(set.sources[4]!.find((s) => s.factor === 'USDC-USD')!.source).toBe('override')
    expect(set.logReturns[0 * F + usdc]).toBe(0)
    expect(set.sources[0]!.find((s) => s.factor === 'USDC-USD')!.source).toBe('held')
  })

  test('an event outside the history, or mismatched series, is refused naming the field', () => {
    expect(() => crashReplays(history, [{ id: 'x', name: 'x', from: '2030-01-01', to: '2030-01-02', note: '' }])).toThrow(/events\[0\]/)
    expect(() => crashReplays({ ...history, closes: history.closes.slice(1) })).toThrow(/history\.closes/)
    expect(() => crashReplays(history, [])).toThrow(/events/)
  })
})
