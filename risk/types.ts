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

export type RiskInstrumentKind = 'spot' | 'perpetual' | 'future' | 'option'

export interface RiskInstrument {
  /** The venue's own symbol (`BTC-PERPETUAL`, `BTC/USDT:USDT`), kept for reports. */
  symbol: string
  kind: RiskInstrumentKind
  /** Canonical factor whose price drives the instrument (`BTC`). */
  underlying: string
  /** Coin-settled: P&L in the underlying, Q·(1/P0 − 1/P1) per USD of notional. */
  inverse: boolean
  expiryMs: number | null
  strike: number | null
  optionType: 'call' | 'put' | null
}

export interface RiskPosition {
  id: string
  accountId: string
  instrument: RiskInstrument
  /** Signed size in units of the underlying (negative = short), whatever the venue's contract size. */
  size: number
  entryPrice: number | null
}

/** Collateral (positive) or debt (negative) in one asset, already mapped to its canonical factor. */
export interface RiskBalance {
  accountId: string
  /** Canonical factor (`ETH` for WETH, `USD` for stablecoins). */
  asset: string
  /** A basis factor (`WBTC-BTC`, `USDC-USD`) that also moves this balance, or null. */
  basisFactor: string | null
  amount: number
}

export interface RiskAccount {
  id: string
  venue: string
  label: string
  marginMode: 'cross' | 'isolated' | 'portfolio' | null
  positions: RiskPosition[]
  balances: RiskBalance[]
}

/** Implied volatility as a function of strike and expiry for one underlying, at one `asOf`. */
export interface VolSurface {
  underlying: string
  asOfMs: number
  /** Annualised Black-76 implied volatility (0.6 = 60 %). */
  volAt(strike: number, expiryMs: number, forward: number): number
}

/** Market state the engine values positions in; every figure is an argument, nothing is read from a clock. */
export interface MarketState {
  asOfMs: number
  /** USD price of one unit of each factor; `USD` is 1 unless a depeg scenario moves it. */
  prices: Record<string, number>
  volSurfaces: Record<string, VolSurface>
  /** Per-instrument implied vol overrides (by venue symbol), used before the surface. */
  impliedVols: Record<string, number>
  /**
   * Per option (by venue symbol), its expiry's forward over the factor's price: the option is valued on
   * price × ratio, in every scenario (the carry to expiry held). Absent: the factor's price is the forward.
   */
  forwardRatios?: Record<string, number>
}
