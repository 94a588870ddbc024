// Resolvers for the risk part of the schema: the stateless what-if (simulateMargin) and the risk fields of a
// stored portfolio. One risk run per portfolio per request, shared by every field that needs it.
import { canonicalAsset } from '../core/assets.js'
import { InvalidInput } from '../core/errors.js'
import { parseInstrumentSymbol } from '../core/instrument-symbols.js'
import type { Resolvers, SimulationInput } from '../generated/graphql/resolvers.js'
import type { PriceHistory, RiskAccount } from '../risk/types.js'
import { memoize, type ApiContext } from './context.js'
import { loadPortfolioState } from './portfolio-state.js'
import { setAsideUnpriced, toRiskInput } from './risk-input.js'
import { latestOptionVols } from './implied-vols.js'
import { backtestView, historyPrices, riskReport, type RiskContext } from './risk-views.js'

async function requireHistory(ctx: ApiContext): Promise<PriceHistory> {
  const history = ctx.priceHistory ? await ctx.priceHistory() : null
  if (!history) throw new InvalidInput('priceHistory', 'no daily price history is stored; load it with `npm run load-prices`')
  return history
}

function number(value: string, field: string): number {
  const n = Number(value)
  if (!Number.isFinite(n)) throw new InvalidInput(field, `must be a finite decimal, got ${value}`)
  return n
}

export function simulationContext(input: SimulationInput, history: PriceHistory, now: Date): RiskContext {
  const asOf = input.asOf ? new Date(input.asOf) : now
  const asOfDate = asOf.toISOString().slice(0, 10)
  if (input.accounts.length === 0) throw new InvalidInput('input.accounts', 'needs at least one account')
  const accounts: RiskAccount[] = input.accounts.map((a, i) => {
    const id = `sim-${i}`
    return {
      id,
      venue: a.venue,
      label: a.label ?? `${a.venue} ${i + 1}`,
      marginMode: a.marginMode === 'cross' || a.marginMode === 'isolated' || a.marginMode === 'portfolio' ? a.marginMode : null,
      balances: (a.balances ?? []).map((b, j) => {
        const canonical = canonicalAsset(b.asset)
        return { accountId: id, asset: canonical.factor, basisFactor: canonical.basisFactor, amount: number(b.amount, `input.accounts[${i}].balances[${j}].amount`) }
      }),
      positions: (a.positions ?? []).map((p, j) => {
        const field = `input.accounts[${i}].positions[${j}]`
        const parsed = parseInstrumentSymbol(a.venue, p.instrument, `${field}.instrument`)
        return {
          id: `${id}-${j}`,
          accountId: id,
          size: number(p.size, `${field}.size`),
          entryPrice: p.entryPrice ? number(p.entryPrice, `${field}.entryPrice`) : null,
          instrument: { symbol: parsed.symbol, kind: parsed.kind, underlying: parsed.underlying, inverse: parsed.inverse, expiryMs: parsed.expiryMs, strike: parsed.strike, optionType: parsed.optionType },
        }
      }),
    }
  })
  const prices = historyPrices(history, asOfDate)
  for (const [j, p] of (input.market?.prices ?? []).entries()) prices[canonicalAsset(p.symbol).factor] = number(p.price, `input.market.prices[${j}].price`)
  const impliedVols: Record<string, number> = {}
  const forwardRatios: Record<string, number> = {}
  for (const [j, v] of (input.market?.impliedVols ?? []).entries()) {
    if (!(v.iv > 0)) throw new InvalidInput(`input.market.impliedVols[${j}].iv`, `must be positive, got ${v.iv}`)
    const symbol = v.instrument.toUpperCase()
    impliedVols[symbol] = v.iv
    if (v.forward !== null && v.forward !== undefined) {
      const forward = number(v.forward, `input.market.impliedVols[${j}].forward`)
      const underlying = accounts.flatMap((a) => a.positions).find((p) => p.instrument.symbol === symbol)?.instrument.underlying
      const price = underlying === undefined ? undefined : prices[underlying]
      if (!(forward > 0)) throw new InvalidInput(`input.market.impliedVols[${j}].forward`, `must be positive, got ${forward}`)
      if (price === undefined) throw new InvalidInput(`input.market.impliedVols[${j}].instrument`, `${v.instrument} is not an option of the request with a price for its underlying`)
      forwardRatios[symbol] = forward / price
    }
  }
  return { accounts, market: { asOfMs: asOf.getTime(), prices, volSurfaces: {}, impliedVols, forwardRatios }, history, asOfDate }
}

export async function portfolioRiskContext(ctx: ApiContext, portfolioId: string): Promise<RiskContext | null> {
  const states = await loadPortfolioState(ctx, portfolioId)
  const { accounts, prices, ruleParams } = toRiskInput(states)
  if (accounts.length === 0) return null
  const history = await requireHistory(ctx)
  const now = ctx.now()
  const asOfDate = now.toISOString().slice(0, 10)
  const marketPrices = historyPrices(history, asOfDate)
  // The venues' own marks and oracle prices are fresher than yesterday's close: they win.
  for (const [factor, observation] of prices) marketPrices[factor] = observation.priceUsd
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
  // Options are valued at their latest stored mark IV (from the venues' option chains).
  const { impliedVols, forwardRatios } = await latestOptionVols(ctx, states)
  const { accounts: valued, unvalued } = setAsideUnpriced(accounts, marketPrices)
  return { accounts: valued, market: { asOfMs: now.getTime(), prices: marketPrices, volSurfaces: {}, impliedVols, forwardRatios }, history, asOfDate, reported, ruleParams, unvalued }
}

function portfolioReport(ctx: ApiContext, portfolioId: string) {
  return memoize(ctx, `risk:${portfolioId}`, async () => {
    const riskCtx = await portfolioRiskContext(ctx, portfolioId)
    return riskCtx ? { report: riskReport(riskCtx), riskCtx } : null
  })
}

export const riskResolvers: Pick<Resolvers, 'Query' | 'Portfolio'> = {
  Query: {
    simulateMargin: async (_root, { input }, ctx) => riskReport(simulationContext(input, await requireHistory(ctx), ctx.now())),
  },
  Portfolio: {
    unifiedMargin: async (portfolio, _args, ctx) => (await portfolioReport(ctx, portfolio.id))?.report.unified ?? null,
    stress: async (portfolio, _args, ctx) => (await portfolioReport(ctx, portfolio.id))?.report.stressScenarios ?? [],
    liquidationDistances: async (portfolio, _args, ctx) => (await portfolioReport(ctx, portfolio.id))?.report.liquidationDistances ?? [],
    capitalEfficiency: async (portfolio, _args, ctx) => (await portfolioReport(ctx, portfolio.id))?.report.capitalEfficiency ?? null,
    backtest: async (portfolio, _args, ctx) => {
      const run = await portfolioReport(ctx, portfolio.id)
      return run ? backtestView(run.riskCtx) : null
    },
  },
}
