// A portfolio's risk context: what the risk engine needs to margin it (accounts as plain float64 inputs, today's
// market, the daily history, the venues' own figures and each account's rule parameters), built from stored state.
import { DataUnavailable } from '../core/errors.js'
import type { MarketState, PriceHistory, RiskAccount } from '../risk/types.js'
import { latestOptionVols } from './implied-vols.js'
import { reportedMarginsUsd, setAsideUnpriced, toRiskInput, type UnvaluedHolding } from './risk-input.js'
import type { PortfolioSources } from './sources.js'
import { loadPortfolioState } from './state.js'

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

/**
 * The latest close of each factor at or before `asOfDate` (default prices for what-if requests), and when each was
 * true: at the end of its day, or at the valuation time `atMs` for a day not yet over then.
 */
export function historyPrices(history: PriceHistory, asOfDate: string, atMs: number): { prices: Record<string, number>; times: Record<string, number> } {
  const prices: Record<string, number> = { USD: 1 }
  const times: Record<string, number> = {}
  const last = history.dates.findLastIndex((d) => d <= asOfDate)
  history.factors.forEach((f, i) => {
    for (let t = last; t >= 0; t--) {
      const close = history.closes[i]![t]!
      if (Number.isFinite(close)) {
        prices[f] = close
        times[f] = Math.min(Date.parse(`${history.dates[t]!}T00:00:00Z`) + DAY_MS, atMs)
        break
      }
    }
  })
  return { prices, times }
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
  const now = ctx.now()
  const asOfDate = now.toISOString().slice(0, 10)
  const { prices: marketPrices, times: priceTimes } = historyPrices(history, asOfDate, now.getTime())
  // The venues' own marks and oracle prices are fresher than yesterday's close: they win, and their time with them.
  for (const [factor, observation] of prices) {
    marketPrices[factor] = observation.priceUsd
    if (factor !== 'USD') priceTimes[factor] = observation.asOf.getTime()
  }
  // Venue-reported margins replace the default rules' estimates.
  const reported = reportedMarginsUsd(states, marketPrices)
  // Options are valued at their latest stored mark IV (from the venues' option chains).
  const { impliedVols, forwardRatios } = await latestOptionVols(ctx, states)
  const { accounts: valued, unvalued } = setAsideUnpriced(accounts, marketPrices)
  return { accounts: valued, market: { asOfMs: now.getTime(), prices: marketPrices, volSurfaces: {}, impliedVols, forwardRatios }, history, asOfDate, priceTimes, reported, ruleParams, unvalued }
}

