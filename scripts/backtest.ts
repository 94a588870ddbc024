// `npm run backtest`: the unified 99 % one-day VaR backtested on real daily history (2019–2025) for three books,
// the calibrated filtered historical simulation beside the plain normal-EWMA baseline. Prints a Markdown table.
import path from 'node:path'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { alignHistories, readCandlesCsv } from '../market/price-csv.js'
import { runVarBacktest, type BookDefinition, type VarModel } from '../risk/backtest/var-backtest.js'
import { DEFAULT_FHS_PARAMS } from '../risk/scenarios/fhs.js'
import { historyReturns } from '../risk/scenarios/returns.js'
import { correlationShifts, varianceBreaks, volatilityDrift } from '../risk/model-checks/model-checks.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const pricesDir = process.env.CROSSMARGIN_PRICES_DIR ?? path.resolve(root, '..', 'shared', 'data', 'prices')

export const BACKTEST_BOOKS: BookDefinition[] = [
  { name: 'long BTC', weights: { BTC: 1 } },
  { name: 'long ETH / short BTC', weights: { ETH: 1, BTC: -1 } },
  { name: 'equal-weight 8 assets', equalWeightAll: true },
]

export const BACKTEST_MODELS: { label: string; model: VarModel }[] = [
  { label: 'normal EWMA λ 0.94 (baseline)', model: { kind: 'normal-ewma', lambda: 0.94 } },
  { label: 'FHS per-asset λ 0.94 (reference)', model: { kind: 'fhs-asset', lambda: 0.94 } },
  { label: `FHS book-level λ ${DEFAULT_FHS_PARAMS.lambda} (crossmargin)`, model: { kind: 'fhs-book', lambda: DEFAULT_FHS_PARAMS.lambda } },
]

const files = readdirSync(pricesDir).filter((f) => f.endsWith('-1d.csv'))
const history = alignHistories(Object.fromEntries(files.map((f) => [f.split('-')[0]!, readCandlesCsv(path.join(pricesDir, f))])))

console.log(`Backtest of the 99 % one-day VaR, ${history.factors.join(', ')} daily closes (Binance spot, USDT), 2019-01-01..2025-12-31`)
console.log('')
console.log('| model | book | days | exceptions | rate | Kupiec p | Kupiec 95 % | Christoffersen p | worst 250-day window | zone | mean VaR |')
console.log('| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: |')
for (const { label, model } of BACKTEST_MODELS) {
  for (const book of BACKTEST_BOOKS) {
    const r = runVarBacktest(history, book, model)
    console.log(
      `| ${label} | ${book.name} | ${r.days} | ${r.exceptions} | ${(r.rate * 100).toFixed(2)} % | ${r.kupiec.pValue.toFixed(3)} | ${r.kupiec.passes ? 'pass' : 'reject'} | ${r.christoffersen.pIndependence.toFixed(3)} | ${r.worstWindow.exceptions} (to ${r.worstWindow.endDate}) | ${r.worstWindow.zone} | ${(r.meanVar * 100).toFixed(2)} % |`,
    )
  }
}

// Model checks on the same data: when volatility drifted from its long-run level, and where variance broke.
const returns = historyReturns(history)
console.log('')
console.log('| factor | variance breaks (Inclán–Tiao, 95 %) | EWMA vol outside 1.5× long-run vol (first days) |')
console.log('| --- | --- | --- |')
for (const factor of ['BTC', 'ETH']) {
  const r = returns[history.factors.indexOf(factor)]!
  const breaks = varianceBreaks(r, history.dates).map((b) => b.date)
  const drift = volatilityDrift(r, history.dates).map((d) => `${d.date} (${d.ratio.toFixed(2)}×)`)
  console.log(`| ${factor} | ${breaks.join(', ')} | ${drift.slice(0, 8).join(', ')}${drift.length > 8 ? ` … ${drift.length} in all` : ''} |`)
}
const eth = returns[history.factors.indexOf('ETH')]!
const btc = returns[history.factors.indexOf('BTC')]!
const shifts = correlationShifts(btc, eth, history.dates, { window: 90, threshold: 0.3 })
console.log('')
console.log(`BTC/ETH correlation shifts above 0.3 between consecutive 90-day windows: ${shifts.map((s) => `${s.date} (${s.before.toFixed(2)} → ${s.after.toFixed(2)})`).join(', ') || 'none'}`)
