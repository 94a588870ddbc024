// Daily log returns from closes: r_t = ln(P_t / P_{t−1}); NaN where either close is missing.
import { DataUnavailable } from '../../core/errors.js'
import type { PriceHistory } from '../types.js'

export function logReturns(closes: Float64Array): Float64Array {
  const out = new Float64Array(closes.length).fill(NaN)
  for (let t = 1; t < closes.length; t++) {
    const a = closes[t - 1]!
    const b = closes[t]!
    if (a > 0 && b > 0) out[t] = Math.log(b / a)
  }
  return out
}

/** Log returns of every factor; `returns[f][t]` is the move from day t−1 to day t. */
export function historyReturns(history: PriceHistory): Float64Array[] {
  if (history.closes.length !== history.factors.length) throw new DataUnavailable(`the price history has ${history.closes.length} series for ${history.factors.length} factors`, { at: 'history.closes' })
  history.closes.forEach((c, i) => {
    if (c.length !== history.dates.length) throw new DataUnavailable(`the price history of ${history.factors[i]} has ${c.length} closes for ${history.dates.length} dates`, { at: `history.closes[${i}]` })
  })
  return history.closes.map(logReturns)
}
