// A volatility surface from an option chain: one SVI smile per expiry, total variance interpolated linearly in
// time at fixed log-moneyness, flat vol outside the quoted expiries, with calendar and butterfly arbitrage checks
// and each slice's fit errors reported.
import { DataUnavailable } from '../../core/errors.js'
import { YEAR_MS } from '../../quant/black76.js'
import type { VolSurface } from '../types.js'
import { butterflyDensity, fitSvi, sviTotalVariance, type SviParams } from './svi.js'

export interface OptionQuote {
  expiryMs: number
  strike: number
  forward: number
  /** Implied vol as a fraction (0.6 = 60 %). */
  iv: number
  weight?: number
}

export interface SurfaceSlice {
  expiryMs: number
  timeYears: number
  forward: number
  params: SviParams
  rmseVolPoints: number
  errorsVolPoints: number[]
}

export interface ArbitrageReport {
  /** (expiry, k) where total variance falls from one expiry to the next. */
  calendar: { expiryMs: number; k: number }[]
  /** (expiry, k) where Gatheral's density g(k) is negative. */
  butterfly: { expiryMs: number; k: number; g: number }[]
}

export interface FittedVolSurface extends VolSurface {
  slices: SurfaceSlice[]
  arbitrage: ArbitrageReport
  shift(relative: number): FittedVolSurface
}

const CHECK_GRID = Array.from({ length: 41 }, (_, i) => -1 + i * 0.05)

export function buildVolSurface(input: { underlying: string; asOfMs: number; quotes: OptionQuote[] }): FittedVolSurface {
  if (input.quotes.length === 0) throw new DataUnavailable(`the ${input.underlying} option chain has no quotes to fit a surface to`, { at: 'quotes' })
  const byExpiry = new Map<number, OptionQuote[]>()
  input.quotes.forEach((q, i) => {
    if (!(q.iv > 0) || !Number.isFinite(q.iv)) throw new DataUnavailable(`quote ${i} (strike ${q.strike}) has no usable implied vol (${q.iv})`, { at: `quotes[${i}].iv` })
    if (!(q.strike > 0 && q.forward > 0)) throw new DataUnavailable(`quote ${i}: strike and forward must be positive, got ${q.strike} and ${q.forward}`, { at: `quotes[${i}].strike` })
    if (q.expiryMs <= input.asOfMs) throw new DataUnavailable(`quote ${i} (strike ${q.strike}) has already expired`, { at: `quotes[${i}].expiryMs` })
    byExpiry.set(q.expiryMs, [...(byExpiry.get(q.expiryMs) ?? []), q])
  })
  const slices: SurfaceSlice[] = [...byExpiry.entries()]
    .sort(([a], [b]) => a - b)
    .map(([expiryMs, quotes]) => {
      const timeYears = (expiryMs - input.asOfMs) / YEAR_MS
      const forward = quotes[0]!.forward
      const fit = fitSvi(quotes.map((q) => ({ k: Math.log(q.strike / q.forward), w: q.iv * q.iv * timeYears, weight: q.weight })), timeYears)
      return { expiryMs, timeYears, forward, params: fit.params, rmseVolPoints: fit.rmseVolPoints, errorsVolPoints: fit.errorsVolPoints }
    })
  return surfaceFromSlices(input.underlying, input.asOfMs, slices, 1)
}

function surfaceFromSlices(underlying: string, asOfMs: number, slices: SurfaceSlice[], volScale: number): FittedVolSurface {
  const arbitrage: ArbitrageReport = { calendar: [], butterfly: [] }
  for (const [i, s] of slices.entries()) {
    for (const k of CHECK_GRID) {
      const g = butterflyDensity(s.params, k)
      if (g < 0) arbitrage.butterfly.push({ expiryMs: s.expiryMs, k, g })
      const next = slices[i + 1]
      if (next && sviTotalVariance(next.params, k) < sviTotalVariance(s.params, k) - 1e-12) arbitrage.calendar.push({ expiryMs: next.expiryMs, k })
    }
  }
  const volAt = (strike: number, expiryMs: number, forward: number): number => {
    const t = (expiryMs - asOfMs) / YEAR_MS
    if (!(t > 0)) throw new DataUnavailable(`an option expiring ${new Date(expiryMs).toISOString()} has expired by the surface date`, { at: 'expiryMs' })
    const k = Math.log(strike / forward)
    const first = slices[0]!
    const last = slices[slices.length - 1]!
    let w: number
    if (t <= first.timeYears) w = (sviTotalVariance(first.params, k) / first.timeYears) * t
    else if (t >= last.timeYears) w = (sviTotalVariance(last.params, k) / last.timeYears) * t
    else {
      const j = slices.findIndex((s) => s.timeYears >= t)
      const lo = slices[j - 1]!
      const hi = slices[j]!
      const x = (t - lo.timeYears) / (hi.timeYears - lo.timeYears)
      w = (1 - x) * sviTotalVariance(lo.params, k) + x * sviTotalVariance(hi.params, k)
    }
    return volScale * Math.sqrt(Math.max(w, 1e-12) / t)
  }
  return {
    underlying,
    asOfMs,
    slices,
    arbitrage,
    volAt,
    shift: (relative: number) => surfaceFromSlices(underlying, asOfMs, slices, volScale * (1 + relative)),
  }
}
