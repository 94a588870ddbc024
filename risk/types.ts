// Plain data the risk engine reads and writes. Everything is float64 (see docs/methodology.md: the engine
// computes in float64 and rounds only on output); times are epoch milliseconds, never a clock read.

/** Daily closes per factor on one shared calendar. `closes[f][t]` is NaN where factor f has no price yet. */
export interface PriceHistory {
  /** ISO dates (`YYYY-MM-DD`), oldest first, one per calendar day. */
  dates: string[]
  factors: string[]
  closes: Float64Array[]
}

/**
 * Joint scenarios of factor moves: `logReturns[s * factors.length + f]` is the log return of factor f in
 * scenario s. Kept scenario-major so one scenario's moves are contiguous for full revaluation.
 */
export interface ScenarioSet {
  factors: string[]
  count: number
  logReturns: Float64Array
  /** Relative implied-volatility shifts per scenario (e.g. +0.3 = vols up 30 %), or null when none. */
  volShifts: Float64Array | null
  /** Where each scenario comes from (`2020-03-12`, `grid BTC -16% vol+`), for reports. */
  labels: string[]
}
