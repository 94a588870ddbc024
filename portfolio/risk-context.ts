// A portfolio's risk context: what the risk engine needs to margin it (accounts as plain float64 inputs, today's
// market, the daily history, the venues' own figures and each account's rule parameters), built from stored state.
import { canonicalAsset } from '../core/assets.js'
import { InvalidInput } from '../core/errors.js'
import type { MarketState, PriceHistory, RiskAccount } from '../risk/types.js'
import { latestOptionVols } from './implied-vols.js'
import { setAsideUnpriced, toRiskInput, type PriceObservation, type UnvaluedHolding } from './risk-input.js'
import type { PortfolioSources } from './sources.js'
import { loadPortfolioState, type AccountState } from './state.js'

export interface RiskContext {
  accounts: RiskAccount[]
  market: MarketState
  history: PriceHistory
  asOfDate: string
  /** The venues' own figures per account id, in USD (from stored snapshots). */
  reported?: Record<string, { initialMargin?: number; maintenanceMargin?: number; equity?: number }>
  /** Per account id, its own parameters for its venue's rule (a lending account's collateral factors). */
  ruleParams?: Record<string, unknown>
  /** Holdings left out because nothing prices them (risk-input.ts setAsideUnpriced). */
  unvalued?: UnvaluedHolding[]
}

/** The latest close of each factor at or before `asOfDate`, and its day. */
function latestCloses(history: PriceHistory, asOfDate: string): Map<string, { price: number; date: string }> {
  const closes = new Map<string, { price: number; date: string }>()
  const last = history.dates.findLastIndex((d) => d <= asOfDate)
  history.factors.forEach((f, i) => {
    for (let t = last; t >= 0; t--) {
      const close = history.closes[i]![t]!
      if (Number.isFinite(close)) {
        closes.set(f, { price: close, date: history.dates[t]! })
        break
      }
    }
  })
  return closes
}

/** The latest close of each factor at or before `asOfDate`: default prices for what-if requests. */
export function historyPrices(history: PriceHistory, asOfDate: string): Record<string, number> {
  const prices: Record<string, number> = { USD: 1 }
  for (const [factor, close] of latestCloses(history, asOfDate)) prices[factor] = close.price
  return prices
}

/**
 * Today's market for a stored portfolio, the one its risk report and its exposures both use: the history's latest
 * closes (when a history is given) under the venues' own marks and oracle prices, which are fresher and win; each
 * option at its latest stored mark IV (from the venues' option chains) and forward ratio; and where each price is from.
 */
export async function portfolioMarket(sources: Pick<PortfolioSources, 'prisma' | 'now'>, states: AccountState[], observed: Map<string, PriceObservation>, history: PriceHistory | null): Promise<{ market: MarketState; priceSources: Record<string, string> }> {
  const now = sources.now()
  const prices: Record<string, number> = { USD: 1 }
  const priceSources: Record<string, string> = {}
  if (history) {
    for (const [factor, close] of latestCloses(history, now.toISOString().slice(0, 10))) {
      prices[factor] = close.price
      priceSources[factor] = `daily close of ${close.date}`
    }
  }
  for (const [factor, observation] of observed) {
    prices[factor] = observation.priceUsd
    priceSources[factor] = observation.source
  }
  const { impliedVols, forwardRatios } = await latestOptionVols(sources, states)
  return { market: { asOfMs: now.getTime(), prices, volSurfaces: {}, impliedVols, forwardRatios }, priceSources }
}

/** The stored daily history, or an error saying how to load it. */
export async function requireHistory(sources: Pick<PortfolioSources, 'priceHistory'>): Promise<PriceHistory> {
  const history = sources.priceHistory ? await sources.priceHistory() : null
  if (!history) throw new InvalidInput('priceHistory', 'no daily price history is stored; load it with `npm run load-prices`')
  return history
}

export async function portfolioRiskContext(ctx: PortfolioSources, portfolioId: string): Promise<RiskContext | null> {
  const states = await loadPortfolioState(ctx, portfolioId)
  const { accounts, prices, ruleParams } = toRiskInput(states)
  if (accounts.length === 0) return null
  const history = await requireHistory(ctx)
  const { market } = await portfolioMarket(ctx, states, prices, history)
  const asOfDate = new Date(market.asOfMs).toISOString().slice(0, 10)
  const marketPrices = market.prices
  // Venue-reported margins replace the default rules' estimates, in USD: stablecoin figures at par, coin figures
  // (Deribit's BTC, COIN-M's margin asset) at the coin's price; a currency with no price leaves the estimate.
  const reported: NonNullable<RiskContext['reported']> = {}
  for (const { account, margins } of states) {
    const figures = margins.reported
    if (!figures) continue
    const factor = canonicalAsset(figures.currency).factor
    const usdPerUnit = factor === 'USD' ? 1 : marketPrices[factor]
    if (usdPerUnit === undefined) continue
    const toNumber = (d: { toFixed(): string } | null) => (d === null ? undefined : Number(d.toFixed()) * usdPerUnit)
    reported[account.id] = Object.fromEntries(
      Object.entries({ initialMargin: toNumber(figures.initialMargin), maintenanceMargin: toNumber(figures.maintenanceMargin), equity: toNumber(figures.equity) }).filter(([, v]) => v !== undefined),
    )
  }
  const { accounts: valued, unvalued } = setAsideUnpriced(accounts, marketPrices)
  return { accounts: valued, market, history, asOfDate, reported, ruleParams, unvalued }
}

