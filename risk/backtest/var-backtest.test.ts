// The calibrated model on real history (../shared/data/prices, Binance spot daily closes): a regression here
// means the engine's default VaR no longer passes the backtest it was calibrated on.
import path from 'node:path'
import { readdirSync } from 'node:fs'
import { beforeAll, describe, expect, test } from '@jest/globals'
import { alignHistories, readCandlesCsv } from '../../market/price-csv.js'
import { sharedDataPath } from '../../test/support/shared-data.js'
import { DEFAULT_FHS_PARAMS, filterBookPnl, historicalScenarios } from '../scenarios/fhs.js'
import type { PriceHistory } from '../types.js'
import { runVarBacktest, type BookDefinition } from './var-backtest.js'

const books: BookDefinition[] = [
  { name: 'long BTC', weights: { BTC: 1 } },
  { name: 'long ETH / short BTC', weights: { ETH: 1, BTC: -1 } },
  { name: 'equal-weight 8 assets', equalWeightAll: true },
]

let history: PriceHistory
beforeAll(() => {
  const dir = sharedDataPath('prices')
  history = alignHistories(Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('-1d.csv')).map((f) => [f.split('-')[0]!, readCandlesCsv(path.join(dir, f))])))
})

describe('unified VaR backtest, 2019-01-01..2025-12-31', () => {
  test.each(books)('calibrated FHS passes Kupiec at 95 % and no 250-day window has more than 5 exceptions: $name', (book) => {
    const r = runVarBacktest(history, book, { kind: 'fhs-book', lambda: DEFAULT_FHS_PARAMS.lambda })
    expect(r.days).toBe(2557)
    expect(r.kupiec.passes).toBe(true)
    expect(r.worstWindow.exceptions).toBeLessThanOrEqual(5)
    expect(r.worstWindow.zone).not.toBe('red')
  })

  test('the plain normal-EWMA baseline fails Kupiec on every book (why we filter historical scenarios)', () => {
    for (const book of books) expect(runVarBacktest(history, book, { kind: 'normal-ewma', lambda: 0.94 }).kupiec.passes).toBe(false)
  })

  test('scenarios are joint days: the 2020-03-12 scenario holds that day’s BTC and ETH moves', () => {
    const set = historicalScenarios(history, '2021-01-01')
    const day = set.labels.indexOf('2020-03-12')
    const btc = set.factors.indexOf('BTC')
    const eth = set.factors.indexOf('ETH')
    // BTC closed 7934.52 → 4800.00 (SOURCES.md spot check): ln(4800/7934.52) = −0.50262.
    expect(set.logReturns[day * set.factors.length + btc]).toBeCloseTo(Math.log(4800 / 7934.52), 10)
    expect(set.logReturns[day * set.factors.length + eth]).toBeLessThan(-0.4)
    expect(set.labels[set.count - 1]).toBe('2020-12-31')
  })

  test('book-level filtering rescales each scenario by σ_now / σ_then', () => {
    const pnl = Float64Array.from({ length: 200 }, (_, i) => (i < 100 ? 0.01 : 0.03) * (i % 2 === 0 ? 1 : -1))
    const labels = Array.from({ length: pnl.length }, (_, i) => `day ${i}`)
    const filtered = filterBookPnl(pnl, labels, 0.94)
    // Late scenarios (vol 3 %) stay near their size; early ones (vol 1 %) are scaled up towards today's 3 %.
    expect(Math.abs(filtered.pnl[150]!)).toBeCloseTo(0.03, 2)
    expect(Math.abs(filtered.pnl[60]!)).toBeGreaterThan(0.025)
    expect(filtered.sigmaNow).toBeCloseTo(0.03, 3)
  })
})
