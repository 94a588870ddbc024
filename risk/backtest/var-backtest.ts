// Backtest of a one-day VaR model on real history: each day's VaR uses only data before that day and is compared
// with the book's realised P&L that day. Models: normal EWMA (the RiskMetrics baseline) and filtered historical
// simulation, filtering each asset's returns or the book's own P&L series. Pure; float64.
import { DataUnavailable } from '../../core/errors.js'
import { normalQuantile } from '../../quant/normal.js'
import { valueAtRisk } from '../measures.js'
import { historyReturns } from '../scenarios/returns.js'
import { checkLambda, ewmaVolatility } from '../scenarios/ewma.js'
import type { PriceHistory } from '../types.js'
import { christoffersen, kupiecPof, trafficLightZone, worstWindow, type ChristoffersenResult, type KupiecResult, type TrafficLightZone } from './coverage-tests.js'

export type VarModel =
  | { kind: 'normal-ewma'; lambda: number }
  /** FHS, each asset's return rescaled by its own σ_now/σ_then (per-asset filtering). */
  | { kind: 'fhs-asset'; lambda: number }
  /** FHS on the book: today's positions revalued on every past day, that P&L series rescaled by its own EWMA vol. */
  | { kind: 'fhs-book'; lambda: number }

export interface BookDefinition {
  name: string
  /** USD weights per factor (1 = long one dollar; −1 = short). */
  weights?: Record<string, number>
  /** Equal-weight long of every factor with enough history on the day. */
  equalWeightAll?: boolean
}

export interface VarBacktestParams {
  /** First and last day (inclusive, YYYY-MM-DD) on which VaR is compared with realised P&L. */
  start: string
  end: string
  /** Scenarios are drawn from this date onwards (the methodology's default look-back starts in 2018). */
  scenarioStart: string
  confidence: number
  /** A factor enters a book only after this many days of returns. */
  minHistoryDays: number
}

export const DEFAULT_BACKTEST_PARAMS: VarBacktestParams = { start: '2019-01-01', end: '2025-12-31', scenarioStart: '2018-01-01', confidence: 0.99, minHistoryDays: 365 }

export interface VarBacktestResult {
  book: string
  model: VarModel
  days: number
  exceptions: number
  rate: number
  kupiec: KupiecResult
  christoffersen: ChristoffersenResult
  worstWindow: { exceptions: number; endDate: string; zone: TrafficLightZone }
  /** Mean VaR as a fraction of gross exposure: what the model asks to hold. */
  meanVar: number
  hits: boolean[]
}

function bookWeights(book: BookDefinition, factors: string[], available: boolean[]): Float64Array {
  const w = new Float64Array(factors.length)
  if (book.equalWeightAll) {
    const count = available.filter(Boolean).length
    factors.forEach((_, i) => (w[i] = available[i] && count > 0 ? 1 / count : 0))
    return w
  }
  for (const [factor, weight] of Object.entries(book.weights ?? {})) {
    const i = factors.indexOf(factor)
    if (i < 0) throw new DataUnavailable(`no price history for ${factor}`, { at: `book.weights.${factor}` })
    if (!available[i]) return new Float64Array(factors.length).fill(NaN)
    w[i] = weight
  }
  return w
}

export function runVarBacktest(history: PriceHistory, book: BookDefinition, model: VarModel, params: VarBacktestParams = DEFAULT_BACKTEST_PARAMS): VarBacktestResult {
  checkLambda(model.lambda, 'model.lambda')
  const returns = historyReturns(history)
  const nFactors = history.factors.length
  const firstReturn = returns.map((r) => r.findIndex((x) => !Number.isNaN(x)))
  const startIndex = history.dates.indexOf(params.start)
  const endIndex = history.dates.indexOf(params.end)
  const scenarioStart = Math.max(0, history.dates.findIndex((d) => d >= params.scenarioStart))
  if (startIndex < 0) throw new DataUnavailable(`the price history has no day ${params.start} to start the backtest on`, { at: 'params.start' })
  if (endIndex < startIndex) throw new DataUnavailable(`the price history has no day ${params.end} after the start ${params.start}`, { at: 'params.end' })
  const assetVol = model.kind === 'fhs-asset' ? returns.map((r) => ewmaVolatility(r, model.lambda)) : []
  const z = -normalQuantile(1 - params.confidence)

  const hits: boolean[] = []
  let varSum = 0
  // Weights change only when a factor joins a book; the book's P&L series is cached per weight set.
  let cachedKey = ''
  let bookPnl: Float64Array = new Float64Array(0)
  let bookVol: Float64Array = new Float64Array(0)
  for (let t = startIndex; t <= endIndex; t++) {
    const available = firstReturn.map((first) => first >= 0 && t - first >= params.minHistoryDays)
    const w = bookWeights(book, history.factors, available)
    if (w.some(Number.isNaN)) continue
    let realised = 0
    for (let i = 0; i < nFactors; i++) if (w[i] !== 0) realised += w[i]! * (Math.exp(returns[i]![t]!) - 1)
    if (Number.isNaN(realised)) continue

    // Scenario days: from the look-back start (or the youngest asset's first return) up to t − 1.
    let from = scenarioStart
    for (let i = 0; i < nFactors; i++) if (w[i] !== 0) from = Math.max(from, firstReturn[i]!)
    const key = `${Array.from(w).join(',')}|${from}`
    if (key !== cachedKey && model.kind !== 'fhs-asset') {
      // The book's one-day P&L on every past day, and its EWMA vol (for the normal model and book-level FHS).
      bookPnl = new Float64Array(history.dates.length).fill(NaN)
      for (let s = from; s <= endIndex; s++) {
        let p = 0
        for (let i = 0; i < nFactors; i++) if (w[i] !== 0) p += w[i]! * (Math.exp(returns[i]![s]!) - 1)
        bookPnl[s] = p
      }
      bookVol = ewmaVolatility(bookPnl, model.lambda)
      cachedKey = key
    }

    let var99: number
    if (model.kind === 'normal-ewma') {
      var99 = z * bookVol[t]!
    } else {
      const scenarios = new Float64Array(t - from)
      for (let s = from; s < t; s++) {
        if (model.kind === 'fhs-book') {
          scenarios[s - from] = (bookPnl[s]! * bookVol[t]!) / bookVol[s]!
        } else {
          let p = 0
          for (let i = 0; i < nFactors; i++) {
            if (w[i] === 0) continue
            const scaled = (returns[i]![s]! * assetVol[i]![t]!) / assetVol[i]![s]!
            p += w[i]! * (Math.exp(scaled) - 1)
          }
          scenarios[s - from] = p
        }
      }
      const usable = scenarios.filter((x) => Number.isFinite(x))
      if (usable.length < 250) continue
      var99 = valueAtRisk(usable, params.confidence)
    }
    if (!Number.isFinite(var99)) continue
    const gross = Array.from(w).reduce((a, b) => a + Math.abs(b), 0)
    varSum += var99 / gross
    hits.push(-realised > var99)
  }
  const exceptions = hits.filter(Boolean).length
  const worst = worstWindow(hits)
  const daysUsed = hits.length
  return {
    book: book.name,
    model,
    days: daysUsed,
    exceptions,
    rate: exceptions / Math.max(1, daysUsed),
    kupiec: kupiecPof(Math.max(1, daysUsed), exceptions, 1 - params.confidence),
    christoffersen: christoffersen(hits, 1 - params.confidence),
    worstWindow: { exceptions: worst.exceptions, endDate: history.dates[endIndex - (daysUsed - 1 - worst.endIndex)] ?? params.end, zone: trafficLightZone(worst.exceptions) },
    meanVar: varSum / Math.max(1, daysUsed),
    hits,
  }
}
