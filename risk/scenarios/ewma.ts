// Exponentially weighted variance (RiskMetrics): σ²_t = λ·σ²_{t−1} + (1 − λ)·r²_{t−1}, so σ_t is the forecast for
// day t from information up to day t−1. Seeded with the sample variance of the first `seedDays` returns.
import { InvalidInput } from '../../core/errors.js'

export function checkLambda(lambda: number, field = 'lambda'): void {
  if (!(lambda > 0 && lambda < 1)) throw new InvalidInput(field, `must be in (0, 1), got ${lambda}`)
}

/**
 * EWMA volatility forecasts for a return series: out[t] uses returns before t. NaN until `seedDays` returns exist.
 * `out[n]` (one past the end) is tomorrow's forecast.
 */
export function ewmaVolatility(returns: ArrayLike<number>, lambda: number, seedDays = 30): Float64Array {
  checkLambda(lambda)
  const n = returns.length
  const out = new Float64Array(n + 1).fill(NaN)
  let first = 0
  while (first < n && Number.isNaN(returns[first]!)) first++
  if (n - first < seedDays) return out
  let sum = 0
  for (let t = first; t < first + seedDays; t++) sum += returns[t]! * returns[t]!
  let variance = sum / seedDays
  for (let t = first + seedDays; t <= n; t++) {
    out[t] = Math.sqrt(variance)
    if (t < n) {
      const r = returns[t]!
      if (!Number.isNaN(r)) variance = lambda * variance + (1 - lambda) * r * r
    }
  }
  return out
}
