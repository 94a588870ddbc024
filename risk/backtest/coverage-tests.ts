// VaR backtest statistics: Kupiec's proportion-of-failures test (1995), Christoffersen's independence and
// conditional-coverage tests (1998), and the Basel traffic light (BCBS 1996) over 250-day windows.
import { InvalidInput } from '../../core/errors.js'
import { normalCdf } from '../../quant/normal.js'

/** P(χ²₁ > x) = 2·(1 − Φ(√x)). */
export function chiSquare1Survival(x: number): number {
  if (x <= 0) return 1
  return 2 * (1 - normalCdf(Math.sqrt(x)))
}

/** P(χ²₂ > x) = e^(−x/2). */
export function chiSquare2Survival(x: number): number {
  return x <= 0 ? 1 : Math.exp(-x / 2)
}

/** x·ln(y) with the 0·ln(0) = 0 convention the likelihoods need. */
function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y)
}

export interface KupiecResult {
  observations: number
  exceptions: number
  rate: number
  expectedRate: number
  lr: number
  pValue: number
  /** Not rejected at the given confidence (default 95 %). */
  passes: boolean
}

/** Kupiec POF: LR = −2·ln[(1−p)^(n−x)·p^x] + 2·ln[(1−x/n)^(n−x)·(x/n)^x] ~ χ²₁. */
export function kupiecPof(observations: number, exceptions: number, expectedRate: number, confidence = 0.95): KupiecResult {
  if (!(observations > 0)) throw new InvalidInput('observations', 'must be positive')
  if (!(exceptions >= 0 && exceptions <= observations)) throw new InvalidInput('exceptions', `must be between 0 and ${observations}`)
  if (!(expectedRate > 0 && expectedRate < 1)) throw new InvalidInput('expectedRate', 'must be in (0, 1)')
  const n = observations
  const x = exceptions
  const rate = x / n
  const lr = -2 * (xlogy(n - x, 1 - expectedRate) + xlogy(x, expectedRate)) + 2 * (xlogy(n - x, 1 - rate) + xlogy(x, rate))
  const pValue = chiSquare1Survival(Math.max(lr, 0))
  return { observations: n, exceptions: x, rate, expectedRate, lr, pValue, passes: pValue > 1 - confidence }
}

export interface ChristoffersenResult {
  lrIndependence: number
  pIndependence: number
  lrConditionalCoverage: number
  pConditionalCoverage: number
  transitions: { n00: number; n01: number; n10: number; n11: number }
}

/** Christoffersen: are exceptions independent (no clustering)? `hits[t]` is true on an exception day. */
export function christoffersen(hits: ArrayLike<boolean>, expectedRate: number): ChristoffersenResult {
  let n00 = 0
  let n01 = 0
  let n10 = 0
  let n11 = 0
  for (let t = 1; t < hits.length; t++) {
    const prev = hits[t - 1]
    const cur = hits[t]
    if (!prev && !cur) n00++
    else if (!prev && cur) n01++
    else if (prev && !cur) n10++
    else n11++
  }
  const pi01 = n00 + n01 > 0 ? n01 / (n00 + n01) : 0
  const pi11 = n10 + n11 > 0 ? n11 / (n10 + n11) : 0
  const pi = (n01 + n11) / Math.max(1, n00 + n01 + n10 + n11)
  const restricted = xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi)
  const unrestricted = xlogy(n00, 1 - pi01) + xlogy(n01, pi01) + xlogy(n10, 1 - pi11) + xlogy(n11, pi11)
  const lrIndependence = Math.max(0, -2 * (restricted - unrestricted))
  let exceptions = 0
  for (let t = 0; t < hits.length; t++) if (hits[t]) exceptions++
  const pof = kupiecPof(hits.length, exceptions, expectedRate)
  const lrConditionalCoverage = pof.lr + lrIndependence
  return {
    lrIndependence,
    pIndependence: chiSquare1Survival(lrIndependence),
    lrConditionalCoverage,
    pConditionalCoverage: chiSquare2Survival(lrConditionalCoverage),
    transitions: { n00, n01, n10, n11 },
  }
}

export type TrafficLightZone = 'green' | 'yellow' | 'red'

/** Basel zones for exceptions of a 99 % VaR over 250 days: green 0–4, yellow 5–9, red 10 or more. */
export function trafficLightZone(exceptionsIn250: number): TrafficLightZone {
  return exceptionsIn250 <= 4 ? 'green' : exceptionsIn250 <= 9 ? 'yellow' : 'red'
}

/** The most exceptions in any window of `window` consecutive days, and where that window ends. */
export function worstWindow(hits: ArrayLike<boolean>, window = 250): { exceptions: number; endIndex: number } {
  let count = 0
  let worst = { exceptions: 0, endIndex: Math.min(window, hits.length) - 1 }
  for (let t = 0; t < hits.length; t++) {
    if (hits[t]) count++
    if (t >= window && hits[t - window]) count--
    if (t >= window - 1 && count > worst.exceptions) worst = { exceptions: count, endIndex: t }
  }
  return worst
}
