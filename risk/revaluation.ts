// Full revaluation of every position in every scenario, in USD. Linear instruments and balances are aggregated
// into one delta per factor first (exact: their USD P&L is linear in price), so the hot loop is a dense
// multiply-add over a scenario-major Float64Array; options are repriced with Black-76 per scenario.
import { DataUnavailable, InvalidInput } from '../core/errors.js'
import { black76Price, YEAR_MS } from '../quant/black76.js'
import { factorPrice } from './prices.js'
import type { MarketState, RiskAccount, RiskPosition, ScenarioSet } from './types.js'

export interface PreparedOption {
  accountIndex: number
  factorIndex: number
  size: number
  strike: number
  timeYears: number
  vol: number
  type: 'call' | 'put'
  /** The option's forward over the factor's price (MarketState.forwardRatios), held in every scenario. */
  forwardRatio: number
  /** Today's USD value per unit, so scenario P&L is value(shocked) − value(today). */
  valueNow: number
}

/** A book compiled against one factor list: reuse it across scenario sets and after a price change. */
export interface PreparedBook {
  factors: string[]
  accountIds: string[]
  prices: Float64Array
  /** deltaUsd[a * F + f]: USD exposure of account a to factor f from linear positions and balances. */
  deltaUsd: Float64Array
  options: PreparedOption[]
}

export function positionVol(position: RiskPosition, market: MarketState, forward: number, field: string): number {
  const override = market.impliedVols[position.instrument.symbol]
  if (override !== undefined) {
    if (!(override > 0)) throw new DataUnavailable(`the implied vol of ${position.instrument.symbol} must be positive, got ${override}`, { at: `${field}.impliedVol` })
    return override
  }
  const surface = market.volSurfaces[position.instrument.underlying]
  if (!surface) throw new DataUnavailable(`no implied vol for ${position.instrument.symbol}: the market data has no mark for it and no vol surface for ${position.instrument.underlying}`, { at: `${field}.impliedVol` })
  return surface.volAt(position.instrument.strike!, position.instrument.expiryMs!, forward)
}

/** An option's forward over its factor's price; 1 (the price is the forward) when the market gives none. */
export function forwardRatioOf(position: RiskPosition, market: MarketState, field: string): number {
  const ratio = market.forwardRatios?.[position.instrument.symbol]
  if (ratio === undefined) return 1
  if (!(ratio > 0) || !Number.isFinite(ratio)) throw new DataUnavailable(`the forward of ${position.instrument.symbol} over its index must be a positive number, got ${ratio}`, { at: `${field}.forwardRatio` })
  return ratio
}

export function prepareBook(accounts: RiskAccount[], market: MarketState, factors: string[]): PreparedBook {
  const index = new Map(factors.map((f, i) => [f, i]))
  const F = factors.length
  const factorIndex = (factor: string, field: string) => {
    const i = index.get(factor)
    if (i === undefined) throw new DataUnavailable(`no scenarios for ${factor}: it has no price history`, { at: field })
    return i
  }
  const prices = Float64Array.from(factors, (f) => (market.prices[f] ?? (f === 'USD' ? 1 : NaN)))
  const deltaUsd = new Float64Array(accounts.length * F)
  const options: PreparedOption[] = []
  accounts.forEach((account, a) => {
    account.balances.forEach((b, j) => {
      const field = `accounts[${a}].balances[${j}]`
      if (!Number.isFinite(b.amount)) throw new DataUnavailable(`a ${b.asset} balance has no finite amount (${b.amount})`, { at: `${field}.amount` })
      // A wrapped or pegged token also moves with its basis factor (WBTC-BTC, USDC-USD) when the set carries it.
      const value = b.amount * factorPrice(market, b.asset, `${field}.asset`)
      const basis = b.basisFactor ? index.get(b.basisFactor) : undefined
      if (basis !== undefined) deltaUsd[a * F + basis] = deltaUsd[a * F + basis]! + value
      if (b.asset === 'USD' && !index.has('USD')) return // cash in USD does not move unless a USD factor is modelled
      const f = factorIndex(b.asset, `${field}.asset`)
      deltaUsd[a * F + f] = deltaUsd[a * F + f]! + value
    })
    account.positions.forEach((p, j) => {
      const field = `accounts[${a}].positions[${j}]`
      if (!Number.isFinite(p.size)) throw new DataUnavailable(`the ${p.instrument.symbol} position has no finite size (${p.size})`, { at: `${field}.size` })
      const f = factorIndex(p.instrument.underlying, `${field}.instrument`)
      const price = factorPrice(market, p.instrument.underlying, `${field}.instrument`)
      if (p.instrument.kind !== 'option') {
        // Linear: USD P&L = size·(P1 − P0). Inverse contracts too, in USD: Q·(1/P0 − 1/P1)·P1 = size·(P1 − P0)
        // with Q = size·P0; their coin P&L is non-linear, and the coin collateral is a separate balance.
        deltaUsd[a * F + f] = deltaUsd[a * F + f]! + p.size * price
        return
      }
      const { strike, expiryMs, optionType } = p.instrument
      if (!(strike !== null && strike > 0) || expiryMs === null || !optionType) throw new DataUnavailable(`the option ${p.instrument.symbol} has no strike, expiry or type`, { at: `${field}.instrument` })
      const timeYears = Math.max(0, (expiryMs - market.asOfMs) / YEAR_MS)
      const forwardRatio = forwardRatioOf(p, market, field)
      const forward = price * forwardRatio
      const vol = positionVol(p, market, forward, field)
      if (!(vol > 0)) throw new DataUnavailable(`the implied vol of ${p.instrument.symbol} must be positive, got ${vol}`, { at: `${field}.impliedVol` })
      // Coin-settled options are worth the same in USD (coin premium × price); the coin leg is a balance.
      options.push({ accountIndex: a, factorIndex: f, size: p.size, strike, timeYears, vol, type: optionType, forwardRatio, valueNow: black76Price(forward, strike, timeYears, vol, optionType) })
    })
  })
  return { factors, accountIds: accounts.map((a) => a.id), prices, deltaUsd, options }
}

export interface RevaluationResult {
  book: Float64Array
  perAccount: Map<string, Float64Array>
}

/**
 * Relative price moves exp(r) − 1 of a scenario set, scenario-major like its log returns. Compute once and pass
 * to revaluePrepared for every book revalued on the same set (a batch shares one set).
 */
export function scenarioMoves(scenarios: ScenarioSet): Float64Array {
  const moves = new Float64Array(scenarios.logReturns.length)
  for (let i = 0; i < moves.length; i++) moves[i] = Math.expm1(scenarios.logReturns[i]!)
  return moves
}

/** USD P&L per scenario: factor f moves to P_f·exp(r_sf); vols to σ·(1 + volShift_s) when the set carries shifts. */
export function revaluePrepared(book: PreparedBook, scenarios: ScenarioSet, moves: Float64Array = scenarioMoves(scenarios)): RevaluationResult {
  const F = book.factors.length
  if (scenarios.factors.length !== F || scenarios.factors.some((f, i) => f !== book.factors[i])) throw new InvalidInput('scenarios.factors', 'do not match the prepared book’s factors')
  if (scenarios.logReturns.length !== scenarios.count * F) throw new InvalidInput('scenarios.logReturns', `has ${scenarios.logReturns.length} values for ${scenarios.count} × ${F}`)
  const A = book.accountIds.length
  const perAccount = Array.from({ length: A }, () => new Float64Array(scenarios.count))
  const total = new Float64Array(scenarios.count)
  const r = scenarios.logReturns
  const m = moves
  const d = book.deltaUsd
  for (let a = 0; a < A; a++) {
    const out = perAccount[a]!
    const base = a * F
    // Skip factors the account has no exposure to: NaN returns there (no history) must not poison the P&L.
    const usedList: number[] = []
    for (let f = 0; f < F; f++) if (d[base + f] !== 0) usedList.push(f)
    const used = Int32Array.from(usedList)
    const weights = Float64Array.from(usedList, (f) => d[base + f]!)
    const k = used.length
    for (let s = 0; s < scenarios.count; s++) {
      const row = s * F
      let pnl = 0
      for (let j = 0; j < k; j++) pnl += weights[j]! * m[row + used[j]!]!
      out[s] = pnl
    }
  }
  for (const o of book.options) {
    const out = perAccount[o.accountIndex]!
    const price = book.prices[o.factorIndex]!
    for (let s = 0; s < scenarios.count; s++) {
      const shocked = price * o.forwardRatio * Math.exp(r[s * F + o.factorIndex]!)
      const vol = scenarios.volShifts ? Math.max(1e-4, o.vol * (1 + scenarios.volShifts[s]!)) : o.vol
      out[s] = out[s]! + o.size * (Number.isFinite(shocked) ? black76Price(shocked, o.strike, o.timeYears, vol, o.type) - o.valueNow : NaN)
    }
  }
  for (const out of perAccount) for (let s = 0; s < scenarios.count; s++) total[s] = total[s]! + out[s]!
  return { book: total, perAccount: new Map(book.accountIds.map((id, a) => [id, perAccount[a]!])) }
}

export function revaluePortfolio(accounts: RiskAccount[], market: MarketState, scenarios: ScenarioSet): RevaluationResult {
  return revaluePrepared(prepareBook(accounts, market, scenarios.factors), scenarios)
}
