// Model checks beside the backtest: volatility drift (EWMA against long-run vol), correlation shifts between
// consecutive windows, and variance breaks (Inclán & Tiao's centred cumulative sum of squares, 1994). Each
// check returns the dates it fired. Pure; float64.
import { InvalidInput } from '../../core/errors.js'
import { ewmaVolatility } from '../scenarios/ewma.js'

export interface DriftEvent {
  date: string
  ratio: number
}

/** Dates where EWMA vol leaves [1/threshold, threshold] × the trailing long-run vol (first day of each episode). */
export function volatilityDrift(returns: Float64Array, dates: string[], options: { lambda?: number; longWindow?: number; threshold?: number } = {}): DriftEvent[] {
  if (returns.length !== dates.length) throw new InvalidInput('dates', `has ${dates.length} entries for ${returns.length} returns`)
  const { lambda = 0.94, longWindow = 365, threshold = 1.5 } = options
  const ewma = ewmaVolatility(returns, lambda)
  const events: DriftEvent[] = []
  let inEpisode = false
  let sum = 0
  let count = 0
  const window: number[] = []
  for (let t = 0; t < returns.length; t++) {
    const r = returns[t]!
    if (window.length >= longWindow && Number.isFinite(ewma[t]!)) {
      const longVol = Math.sqrt(sum / count)
      const ratio = ewma[t]! / longVol
      const out = ratio > threshold || ratio < 1 / threshold
      if (out && !inEpisode) events.push({ date: dates[t]!, ratio })
      inEpisode = out
    }
    if (Number.isFinite(r)) {
      window.push(r * r)
      sum += r * r
      count++
      if (window.length > longWindow) {
        sum -= window.shift()!
        count--
      }
    }
  }
  return events
}

function correlation(x: ArrayLike<number>, y: ArrayLike<number>, from: number, to: number): number {
  let n = 0
  let sx = 0
  let sy = 0
  let sxx = 0
  let syy = 0
  let sxy = 0
  for (let t = from; t < to; t++) {
    const a = x[t]!
    const b = y[t]!
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue
    n++
    sx += a
    sy += b
    sxx += a * a
    syy += b * b
    sxy += a * b
  }
  const cov = sxy / n - (sx / n) * (sy / n)
  return cov / Math.sqrt((sxx / n - (sx / n) ** 2) * (syy / n - (sy / n) ** 2))
}

/** Dates where the correlation of two return series over the last `window` days moved by more than `threshold`. */
export function correlationShifts(x: Float64Array, y: Float64Array, dates: string[], options: { window?: number; threshold?: number } = {}): { date: string; before: number; after: number }[] {
  const { window = 90, threshold = 0.3 } = options
  if (x.length !== y.length || x.length !== dates.length) throw new InvalidInput('dates', 'series and dates must have the same length')
  const events: { date: string; before: number; after: number }[] = []
  for (let t = 2 * window; t < x.length; t += window) {
    const before = correlation(x, y, t - 2 * window, t - window)
    const after = correlation(x, y, t - window, t)
    if (Math.abs(after - before) > threshold) events.push({ date: dates[t - 1]!, before, after })
  }
  return events
}

/** The 95 % critical value of sup |D_k|·√(T/2) (Inclán & Tiao 1994, table 1). */
export const ICSS_CRITICAL_95 = 1.358

/**
 * One variance break by the centred cumulative sum of squares: D_k = C_k/C_T − k/T; a break at argmax |D_k| when
 * max |D_k|·√(T/2) exceeds the critical value. Applied again to each side, it finds several breaks (ICSS).
 */
export function varianceBreaks(returns: Float64Array, dates: string[], critical = ICSS_CRITICAL_95, minSegment = 60): { date: string; statistic: number }[] {
  const clean: { r: number; date: string }[] = []
  for (let t = 0; t < returns.length; t++) if (Number.isFinite(returns[t]!)) clean.push({ r: returns[t]!, date: dates[t]! })
  const out: { date: string; statistic: number }[] = []
  const search = (from: number, to: number) => {
    const T = to - from
    if (T < 2 * minSegment) return
    let total = 0
    for (let t = from; t < to; t++) total += clean[t]!.r ** 2
    if (total === 0) return
    let cumulative = 0
    let best = 0
    let at = -1
    for (let k = 1; k <= T; k++) {
      cumulative += clean[from + k - 1]!.r ** 2
      const d = Math.abs(cumulative / total - k / T)
      if (d > best && k >= minSegment && T - k >= minSegment) {
        best = d
        at = from + k
      }
    }
    const statistic = best * Math.sqrt(T / 2)
    if (at < 0 || statistic <= critical) return
    out.push({ date: clean[at]!.date, statistic })
    search(from, at)
    search(at, to)
  }
  search(0, clean.length)
  return out.sort((a, b) => (a.date < b.date ? -1 : 1))
}
