// Filtered historical simulation. Scenarios are the joint daily log returns of every factor on each past day
// (kept jointly so correlations and fat tails survive); after full revaluation of the book on each scenario, the
// book's own P&L series is rescaled by its EWMA volatility now over its volatility then ("book-level filtering").
// Why book-level rather than per-asset: see docs/methodology.md, "Calibration" (per-asset filtering over-covers
// spread books because it rescales each leg's vol but keeps yesterday's correlation).
import { DataUnavailable, InvalidInput } from '../../core/errors.js'
import { historyReturns } from './returns.js'
import { checkLambda, ewmaVolatility } from './ewma.js'
import type { PriceHistory, ScenarioSet } from '../types.js'

export interface FhsParams {
  /** EWMA decay for the book-level filter. */
  lambda: number
  /** First scenario day (YYYY-MM-DD). */
  windowStart: string
  /** Days of margin period of risk per factor (returns summed over that many days); 1 when absent. */
  holdingPeriodDays: Record<string, number>
}

/** Calibrated on 2019–2025 (docs/methodology.md): every test book passes Kupiec, no 250-day window above 5. */
export const DEFAULT_FHS_PARAMS: FhsParams = { lambda: 0.98, windowStart: '2018-01-01', holdingPeriodDays: {} }

/**
 * Joint historical scenarios up to (and excluding) `asOfDate`: one per past day from `windowStart`, in date order.
 * A factor with no price on a day has a NaN return there; a book exposed to it drops that scenario.
 */
export function historicalScenarios(history: PriceHistory, asOfDate: string, params: Pick<FhsParams, 'windowStart' | 'holdingPeriodDays'> = DEFAULT_FHS_PARAMS): ScenarioSet {
  const end = history.dates.findIndex((d) => d >= asOfDate)
  const last = end < 0 ? history.dates.length : end
  const first = Math.max(1, history.dates.findIndex((d) => d >= params.windowStart))
  if (last - first < 1) throw new DataUnavailable(`the price history has no days between ${params.windowStart} and ${asOfDate}`, { at: 'history' })
  const returns = historyReturns(history)
  const nf = history.factors.length
  const count = last - first
  const logReturns = new Float64Array(count * nf)
  for (let f = 0; f < nf; f++) {
    const h = Math.max(1, Math.round(params.holdingPeriodDays[history.factors[f]!] ?? 1))
    const r = returns[f]!
    for (let s = 0; s < count; s++) {
      // An h-day margin period of risk: the overlapping h-day return ending on the scenario day.
      let sum = 0
      for (let k = 0; k < h; k++) sum += r[first + s - k] ?? NaN
      logReturns[s * nf + f] = sum
    }
  }
  return { factors: [...history.factors], count, logReturns, volShifts: null, labels: history.dates.slice(first, last) }
}

export interface FilteredPnl {
  /** Each scenario's P&L rescaled by σ_now / σ_then (NaN scenarios dropped). */
  pnl: Float64Array
  /** EWMA volatility of the book's P&L forecast for the next day, and the labels kept. */
  sigmaNow: number
  labels: string[]
}

/** Book-level filter: P&L_s · σ_now / σ_s, with σ the EWMA volatility of the book's own P&L series. */
export function filterBookPnl(pnl: Float64Array, labels: string[], lambda: number = DEFAULT_FHS_PARAMS.lambda): FilteredPnl {
  checkLambda(lambda)
  if (pnl.length !== labels.length) throw new InvalidInput('labels', `has ${labels.length} entries for ${pnl.length} scenarios`)
  const keep: number[] = []
  for (let s = 0; s < pnl.length; s++) if (Number.isFinite(pnl[s]!)) keep.push(s)
  const series = Float64Array.from(keep, (s) => pnl[s]!)
  if (series.length < 60) throw new DataUnavailable(`the book needs at least 60 days of price history for every factor it holds, the history gives ${series.length}`, { at: 'pnl' })
  const vol = ewmaVolatility(series, lambda)
  const sigmaNow = vol[series.length]!
  const out: number[] = []
  const kept: string[] = []
  for (let s = 0; s < series.length; s++) {
    const then = vol[s]!
    // Before the filter is seeded, and on a flat book (σ = 0), the scenario is used as it happened.
    out.push(Number.isFinite(then) && then > 0 && sigmaNow > 0 ? (series[s]! * sigmaNow) / then : series[s]!)
    kept.push(labels[keep[s]!]!)
  }
  return { pnl: Float64Array.from(out), sigmaNow, labels: kept }
}
