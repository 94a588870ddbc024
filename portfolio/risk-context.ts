// A portfolio's risk context: what the risk engine needs to margin it (accounts as plain float64 inputs, today's
// market, the daily history, the venues' own figures and each account's rule parameters), built from stored state.
import { DataUnavailable } from '../core/errors.js'
import type { MarketState, PriceHistory, RiskAccount } from '../risk/types.js'
import { latestOptionVols } from './implied-vols.js'
import { reportedMarginsUsd, setAsideUnpriced, toRiskInput, type PriceObservation, type UnvaluedHolding } from './risk-input.js'
import type { PortfolioSources } from './sources.js'
import { loadPortfolioState, type AccountState } from './state.js'

export interface RiskContext {
  accounts: RiskAccount[]
  market: MarketState
  history: PriceHistory
  asOfDate: string
  /** When each factor's price in `market` was true (epoch ms): a venue's mark where one won, else its daily close. */
  priceTimes: Record<string, number>
  /** The venues' own figures per account id, in USD (from stored snapshots). */
  reported?: Record<string, { initialMargin?: number; maintenanceMargin?: number; equity?: number }>
  /** Per account id, its own parameters for its venue's rule (a lending account's collateral factors). */
  ruleParams?: Record<string, unknown>
  /** Holdings left out because nothing prices them (risk-input.ts setAsideUnpriced). */
  unvalued?: UnvaluedHolding[]
}

const DAY_MS = 86_400_000

/** When a daily close was true: at the end of its day, or at the valuation time `atMs` for a day not yet over then. */
const closeTime = (date: string, atMs: number) => Math.min(Date.parse(`${date}T00:00:00Z`) + DAY_MS, atMs)

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

/** The latest close of each factor at or before `asOfDate` (default prices for what-if requests), and when each was true. */
export function historyPrices(history: PriceHistory, asOfDate: string, atMs: number): { prices: Record<string, number>; times: Record<string, number> } {
  const prices: Record<string, number> = { USD: 1 }
  const times: Record<string, number> = {}
  for (const [factor, close] of latestCloses(history, asOfDate)) {
    prices[factor] = close.price
    times[factor] = closeTime(close.date, atMs)
  }
  return { prices, times }
}

/**
 * Today's market for a stored portfolio, the one its risk report and its exposures both use: the history's latest
 * closes (when a history is given) under the venues' own marks and oracle prices, which are fresher and win; each
 * option at its latest stored mark IV (from the venues' option chains) and forward ratio; and where each price is from.
 */
export async function portfolioMarket(
  sources: Pick<PortfolioSources, 'prisma' | 'now'>,
  states: AccountState[],
  observed: Map<string, PriceObservation>,
  history: PriceHistory | null,
): Promise<{ market: MarketState; priceSources: Record<string, string>; priceTimes: Record<string, number> }> {
  const now = sources.now()
  const prices: Record<string, number> = { USD: 1 }
  const priceSources: Record<string, string> = {}
  const priceTimes: Record<string, number> = {}
  if (history) {
    for (const [factor, close] of latestCloses(history, now.toISOString().slice(0, 10))) {
      prices[factor] = close.price
      priceSources[factor] = `daily close of ${close.date}`
      priceTimes[factor] = closeTime(close.date, now.getTime())
    }
  }
  // The venues' own marks and oracle prices are fresher than yesterday's close: they win, and their time with them.
  for (const [factor, observation] of observed) {
    prices[factor] = observation.priceUsd
    priceSources[factor] = observation.source
    if (factor !== 'USD') priceTimes[factor] = observation.asOf.getTime()
  }
  const { impliedVols, forwardRatios } = await latestOptionVols(sources, states)
  return { market: { asOfMs: now.getTime(), prices, volSurfaces: {}, impliedVols, forwardRatios }, priceSources, priceTimes }
}

/** The stored daily history, or an error saying how to load it. */
export async function requireHistory(sources: Pick<PortfolioSources, 'priceHistory'>): Promise<PriceHistory> {
  const history = sources.priceHistory ? await sources.priceHistory() : null
  if (!history) throw new DataUnavailable('no daily price history is stored; load it with `npm run load-prices`')
  return history
}

export async function portfolioRiskContext(ctx: PortfolioSources, portfolioId: string): Promise<RiskContext | null> {
  const states = await loadPortfolioState(ctx, portfolioId)
  const { accounts, prices, ruleParams } = toRiskInput(states)
  if (accounts.length === 0) return null
  const history = await requireHistory(ctx)
  const { market, priceTimes } = await portfolioMarket(ctx, states, prices, history)
  const asOfDate = new Date(market.asOfMs).toISOString().slice(0, 10)
  // Venue-reported margins replace the default rules' estimates.
  const reported = reportedMarginsUsd(states, market.prices)
  const { accounts: valued, unvalued } = setAsideUnpriced(accounts, market.prices)
  return { accounts: valued, market, history, asOfDate, priceTimes, reported, ruleParams, unvalued }
}

