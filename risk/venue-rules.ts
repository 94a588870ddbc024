// Venue margin rules the engine applies per account when it has only positions and balances (what-if, unified
// book): each venue's own rule where it is replicated (Deribit portfolio margin), documented defaults elsewhere
// (Aave v3 Ethereum-like LTV/LT, Binance tier-1 brackets). Connectors replicate with the venue's live
// parameters (venues/*/margin.ts); these defaults are for accounts described in a request. Pure; float64.
import { deribitPortfolioMargin, DERIBIT_PM_BTC_PARAMS, DERIBIT_PM_ETH_PARAMS } from '../venues/deribit/margin.js'
import { priceOf } from './revaluation.js'
import type { MarketState, RiskAccount } from './types.js'

export interface VenueRuleResult {
  venue: string
  currency: 'USD'
  initialMargin: number
  maintenanceMargin: number
  equity: number
  healthFactor: number | null
  marginRatio: number | null
  /** equity − maintenance margin (lending: collateral·LT − debt): liquidation when this reaches zero. */
  buffer: number
  /** Lending only: debt and threshold-weighted collateral in USD (null for margin accounts). */
  debtUsd: number | null
  weightedCollateralUsd: number | null
}

export type VenueRule = (account: RiskAccount, market: MarketState) => VenueRuleResult

/** Approximate Aave v3 Ethereum parameters (LTV, liquidation threshold) by canonical factor. */
export const AAVE_DEFAULT_PARAMS: Record<string, { ltv: number; lt: number }> = {
  ETH: { ltv: 0.805, lt: 0.83 },
  BTC: { ltv: 0.73, lt: 0.78 },
  USD: { ltv: 0.75, lt: 0.78 },
  LINK: { ltv: 0.53, lt: 0.68 },
}
const AAVE_OTHER = { ltv: 0.5, lt: 0.65 }

/** Binance USDⓈ-M tier-1 maintenance rates (BTCUSDT 0.4 %, ETHUSDT 0.5 %, others 1 %) and default leverage 20. */
const BINANCE_TIER1: Record<string, number> = { BTC: 0.004, ETH: 0.005 }
const DEFAULT_LEVERAGE = 20

function usd(market: MarketState, factor: string): number {
  return factor === 'USD' ? (market.prices.USD ?? 1) : priceOf(market, factor, `prices.${factor}`)
}

function balancesUsd(account: RiskAccount, market: MarketState): number {
  return account.balances.reduce((s, b) => s + b.amount * usd(market, b.asset), 0)
}

function unrealised(account: RiskAccount, market: MarketState): number {
  return account.positions.reduce((s, p) => (p.instrument.kind === 'option' || p.entryPrice === null ? s : s + p.size * (usd(market, p.instrument.underlying) - p.entryPrice)), 0)
}

export const aaveRule: VenueRule = (account, market) => {
  let weightedLt = 0
  let weightedLtv = 0
  let debt = 0
  let collateral = 0
  for (const b of account.balances) {
    const value = b.amount * usd(market, b.asset)
    const p = AAVE_DEFAULT_PARAMS[b.asset] ?? AAVE_OTHER
    if (value > 0) {
      collateral += value
      weightedLt += value * p.lt
      weightedLtv += value * p.ltv
    } else debt -= value
  }
  const avgLtv = collateral > 0 ? weightedLtv / collateral : 0
  const avgLt = collateral > 0 ? weightedLt / collateral : 0
  // Aave has no margin in the exchange sense: the collateral its debt needs at LTV (initial) and at LT (liquidation).
  const im = avgLtv > 0 ? debt / avgLtv : debt > 0 ? Infinity : 0
  const mm = avgLt > 0 ? debt / avgLt : debt > 0 ? Infinity : 0
  return { venue: account.venue, currency: 'USD', initialMargin: im, maintenanceMargin: mm, equity: collateral - debt, healthFactor: debt > 0 ? weightedLt / debt : null, marginRatio: null, buffer: weightedLt - debt, debtUsd: debt, weightedCollateralUsd: weightedLt }
}

export const linearPerpRule: VenueRule = (account, market) => {
  let im = 0
  let mm = 0
  for (const p of account.positions) {
    if (p.instrument.kind === 'option') continue
    const notional = Math.abs(p.size) * usd(market, p.instrument.underlying)
    im += notional / DEFAULT_LEVERAGE
    mm += notional * (BINANCE_TIER1[p.instrument.underlying] ?? 0.01)
  }
  const equity = balancesUsd(account, market) + unrealised(account, market)
  return { venue: account.venue, currency: 'USD', initialMargin: im, maintenanceMargin: mm, equity, healthFactor: null, marginRatio: equity > 0 ? mm / equity : null, buffer: equity - mm, debtUsd: null, weightedCollateralUsd: null }
}

export const deribitRule: VenueRule = (account, market) => {
  let im = 0
  let mm = 0
  for (const currency of ['BTC', 'ETH']) {
    const positions = account.positions.filter((p) => p.instrument.underlying === currency)
    if (positions.length === 0) continue
    const index = usd(market, currency)
    const result = deribitPortfolioMargin(
      {
        indexPrice: index,
        asOfMs: market.asOfMs,
        positions: positions.map((p) => ({
          instrument: p.instrument.symbol,
          kind: p.instrument.kind === 'option' ? 'option' : p.instrument.kind === 'future' ? 'future' : 'perpetual',
          size: p.size,
          expiryMs: p.instrument.expiryMs,
          strike: p.instrument.strike,
          optionType: p.instrument.optionType,
          markIv: p.instrument.kind === 'option' ? (market.impliedVols[p.instrument.symbol] ?? market.volSurfaces[currency]?.volAt(p.instrument.strike!, p.instrument.expiryMs!, index) ?? null) : null,
          underlyingPrice: index,
        })),
      },
      currency === 'ETH' ? DERIBIT_PM_ETH_PARAMS : DERIBIT_PM_BTC_PARAMS,
    )
    im += result.initialMargin * index
    mm += result.maintenanceMargin * index
  }
  const equity = balancesUsd(account, market) + unrealised(account, market)
  return { venue: account.venue, currency: 'USD', initialMargin: im, maintenanceMargin: mm, equity, healthFactor: null, marginRatio: equity > 0 ? mm / equity : null, buffer: equity - mm, debtUsd: null, weightedCollateralUsd: null }
}

export const fallbackRule: VenueRule = (account, market) => {
  const gross = account.positions.reduce((s, p) => s + Math.abs(p.size) * usd(market, p.instrument.underlying), 0)
  const equity = balancesUsd(account, market) + unrealised(account, market)
  return { venue: account.venue, currency: 'USD', initialMargin: 0.1 * gross, maintenanceMargin: 0.05 * gross, equity, healthFactor: null, marginRatio: equity > 0 ? (0.05 * gross) / equity : null, buffer: equity - 0.05 * gross, debtUsd: null, weightedCollateralUsd: null }
}

export const DEFAULT_VENUE_RULES: Record<string, VenueRule> = {
  'aave-v3': aaveRule,
  binance: linearPerpRule,
  bybit: linearPerpRule,
  okx: linearPerpRule,
  hyperliquid: linearPerpRule,
  'dydx-v4': linearPerpRule,
  deribit: deribitRule,
}

export function ruleFor(venue: string, rules: Record<string, VenueRule> = DEFAULT_VENUE_RULES): VenueRule {
  return rules[venue] ?? fallbackRule
}

/**
 * Price of `factor` (others fixed) at which the account's buffer (equity − maintenance, or collateral·LT − debt)
 * reaches zero, searched by bisection over −99 % … +1000 %; null when no move of that factor alone liquidates it.
 */
export function liquidationPrice(account: RiskAccount, market: MarketState, factor: string, rule: VenueRule): number | null {
  const price = usd(market, factor)
  const bufferAt = (move: number) => rule(account, { ...market, prices: { ...market.prices, [factor]: price * (1 + move) } }).buffer
  const now = bufferAt(0)
  if (!(now > 0)) return now <= 0 ? price : null
  const search = (lo: number, hi: number): number | null => {
    // lo is safe (buffer > 0); find where the sign changes towards hi.
    if (bufferAt(hi) > 0) return null
    for (let i = 0; i < 80; i++) {
      const mid = 0.5 * (lo + hi)
      if (bufferAt(mid) > 0) lo = mid
      else hi = mid
    }
    return price * (1 + 0.5 * (lo + hi))
  }
  return search(0, -0.99) ?? search(0, 10)
}

/**
 * Along a direction of joint factor moves (e.g. the book's worst historical day, as relative moves per factor):
 * the smallest scale t ∈ (0, 10] such that moving every factor by t·move liquidates the account; null if none.
 * t = 1 means that day itself liquidates the account; t = 0.5, half of it.
 */
export function liquidationScaleAlong(account: RiskAccount, market: MarketState, direction: Record<string, number>, rule: VenueRule): number | null {
  const at = (t: number) => {
    const prices = { ...market.prices }
    for (const [factor, move] of Object.entries(direction)) if (prices[factor] !== undefined) prices[factor] = prices[factor]! * Math.max(1e-9, 1 + t * move)
    return rule(account, { ...market, prices }).buffer
  }
  if (!(at(0) > 0)) return 0
  let hi = 10
  if (at(hi) > 0) return null
  let lo = 0
  for (let i = 0; i < 80; i++) {
    const mid = 0.5 * (lo + hi)
    if (at(mid) > 0) lo = mid
    else hi = mid
  }
  return 0.5 * (lo + hi)
}
