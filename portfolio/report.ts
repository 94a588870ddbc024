// The risk report of a set of accounts (stored or described in a request): runs the risk engine and shapes its
// float64 results for the API: USD to cents, units to 1e-8, as DecimalStrings (rounding happens here and only here;
// a non-finite figure is null with a reason, or an error, never 0).
import { Decimal, toDecimalString, type DecimalString } from '../core/decimal.js'
import { Internal, InvalidInput } from '../core/errors.js'
import { computeExposures, type FactorExposure } from '../risk/exposures.js'
import { computeUnifiedMargin, type UnifiedMarginResult } from '../risk/unified-margin.js'
import { capitalEfficiency } from '../risk/capital-efficiency.js'
import { liquidationDistances, type LiquidationDirection } from '../risk/liquidation-distance.js'
import { ruleFor, withParams } from '../risk/venue-rules.js'
import { runVarBacktest } from '../risk/backtest/var-backtest.js'
import { DEFAULT_FHS_PARAMS } from '../risk/scenarios/fhs.js'
import { portfolioRiskContext, type RiskContext } from './risk-context.js'
import type { PortfolioSources } from './sources.js'
import type { RiskAccount } from '../risk/types.js'

/** USD to the cent; null for a non-finite number (nothing could value it), never "0.00". */
export const usd = (x: number): DecimalString | null => (Number.isFinite(x) ? toDecimalString(new Decimal(x).toDecimalPlaces(2), 2) : null)
/** Units (and ratios) to 1e-8; null for a non-finite number. */
export const units = (x: number): DecimalString | null => (Number.isFinite(x) ? toDecimalString(new Decimal(x).toDecimalPlaces(8)) : null)
const ratio = (x: number | null): DecimalString | null => (x === null ? null : units(x))

/**
 * A figure the engine always gives as a finite number (a margin, a sum of them): a non-finite one is a defect in the
 * engine, answered as an error rather than shown as a number.
 */
function required(value: DecimalString | null, figure: string): DecimalString {
  if (value === null) throw new Internal(`the risk engine gave no finite ${figure}`)
  return value
}

/** Why a stress scenario's P&L is null: a position it could not revalue (its factor has no move in the scenario). */
const UNREVALUED_PNL = 'a position could not be revalued in this scenario (its factor or volatility has no finite move in it)'

export function unifiedView(result: UnifiedMarginResult, asOf: Date) {
  return {
    asOf,
    initialMargin: required(usd(result.initialMargin), 'unified initial margin'),
    var99: required(usd(result.var99), 'VaR 99 %'),
    es975: required(usd(result.es975), 'ES 97.5 %'),
    stress: required(usd(result.stress), 'stress component'),
    liquidityAddOn: required(usd(result.liquidityAddOn), 'liquidity add-on'),
    concentrationAddOn: required(usd(result.concentrationAddOn), 'concentration add-on'),
    floorApplied: result.floorApplied,
    components: result.components.map((c) => ({ name: c.name, value: required(usd(c.value), `${c.name} component`), detail: c.detail })),
    scenarioCount: result.scenarioCount,
  }
}

/**
 * The unified book margin calls watch (risk/margin-calls.ts, unified coverage = equity / IM): Σ equity in USD, each
 * account's as its venue reports it where it does, else as its rule computes it, and the unified initial margin.
 */
export function unifiedBook(ctx: RiskContext): { equity: number; initialMargin: number } {
  const unified = computeUnifiedMargin({ accounts: ctx.accounts, market: ctx.market, history: ctx.history, asOfDate: ctx.asOfDate })
  const equity = ctx.accounts.reduce((sum, account) => {
    const reported = ctx.reported?.[account.id]?.equity
    if (reported !== undefined) return sum + reported
    const rule = withParams(ruleFor(account.venue), ctx.ruleParams?.[account.id])
    return sum + rule.evaluate(account, ctx.market).equity
  }, 0)
  return { equity, initialMargin: unified.initialMargin }
}

export function riskReport(ctx: RiskContext) {
  if (ctx.accounts.length === 0) throw new InvalidInput('accounts', 'needs at least one account')
  const labels = new Map(ctx.accounts.map((a) => [a.id, a]))
  const asOf = pricesAsOf(ctx)
  const unified = computeUnifiedMargin({ accounts: ctx.accounts, market: ctx.market, history: ctx.history, asOfDate: ctx.asOfDate })
  const efficiency = capitalEfficiency(ctx.accounts, ctx.market, unified.initialMargin, { reported: ctx.reported, params: ctx.ruleParams })
  // The book's worst filtered historical day as a direction: every factor's log return that day, as it happened
  // (docs/methodology/stress-and-liquidation.md §3; a factor without a close either side does not move).
  const worstDay = unified.worstScenarios[0]?.label
  const t = worstDay ? ctx.history.dates.indexOf(worstDay) : -1
  const direction: LiquidationDirection | null =
    t > 0 ? { label: worstDay!, factors: ctx.history.factors, logReturns: ctx.history.closes.map((closes) => Math.log(closes[t]! / closes[t - 1]!)) } : null
  // Each account's own factors (its assets and underlyings, not basis spreads), each alone, and that day's moves.
  const factors = [...new Set(ctx.accounts.flatMap((a) => [...a.balances.map((b) => b.asset), ...a.positions.map((p) => p.instrument.underlying)]))].filter((f) => f !== 'USD').sort()
  const distances = new Map(liquidationDistances(ctx.accounts, ctx.market, { params: ctx.ruleParams, factors, direction: direction ?? undefined }).map((d) => [d.accountId, d]))
  const exposures = computeExposures(ctx.accounts, ctx.market)
  const venues = efficiency.perAccount.map((row) => {
    const account = labels.get(row.accountId)!
    const distance = distances.get(account.id)!
    return {
      venue: account.venue,
      label: account.label,
      accountId: account.id,
      currency: row.rule.currency,
      initialMargin: required(usd(row.rule.initialMargin), `${account.label} initial margin`),
      maintenanceMargin: required(usd(row.rule.maintenanceMargin), `${account.label} maintenance margin`),
      equity: required(usd(row.rule.equity), `${account.label} equity`),
      healthFactor: ratio(row.rule.healthFactor),
      marginRatio: ratio(row.rule.marginRatio),
      worstDayLiquidationScale: distance.alongDirection?.scale ?? null,
      liquidationPrices: distance.factors.map((d) => {
        // The nearest liquidating move of the factor alone; an account already past its line is at today's price.
        const point = d.status === 'already-liquidated' ? { price: d.price, move: 0 } : d.nearest
        return { factor: d.factor, price: point ? usd(point.price) : null, move: point ? point.move : null }
      }),
    }
  })
  return {
    asOf,
    venues,
    unified: {
      ...unifiedView(unified, asOf),
      unvaluedHoldings: (ctx.unvalued ?? []).map((h) => ({ accountLabel: labels.get(h.accountId)?.label ?? h.accountId, venue: labels.get(h.accountId)?.venue ?? '', asset: h.asset, amount: required(units(h.amount), `${h.asset} held`) })),
      proxiedHoldings: proxiedHoldings(unified.proxiedFactors, exposures, labels),
    },
    exposures: exposures
      .filter((e) => e.factor !== 'USD')
      .map((e) => ({
        factor: e.factor,
        netUnits: required(units(e.netUnits), `net ${e.factor} units`),
        netUsd: usd(e.netUsd),
        grossUsd: usd(e.grossUsd),
        usdNullReason: Number.isFinite(e.price) ? null : `no price for ${e.factor}`,
        gamma: e.gamma ? units(e.gamma) : null,
        vega: e.vega ? usd(e.vega) : null,
        theta: e.theta ? usd(e.theta) : null,
      })),
    stressScenarios: unified.stressScenarios.map((s) => ({
      name: s.name,
      kind: s.kind,
      bookPnl: usd(s.bookPnl),
      pnlNullReason: Number.isFinite(s.bookPnl) ? null : UNREVALUED_PNL,
      perAccount: s.perAccount.map((p) => ({ accountLabel: labels.get(p.accountId)?.label ?? p.accountId, venue: labels.get(p.accountId)?.venue ?? '', pnl: usd(p.pnl) })),
    })),
    capitalEfficiency: {
      sumOfVenueInitialMargins: required(usd(efficiency.sumOfVenueInitialMargins), 'sum of venue initial margins'),
      unifiedInitialMargin: required(usd(efficiency.unifiedInitialMargin), 'unified initial margin'),
      freed: required(usd(efficiency.freed), 'capital freed'),
      idleCollateral: efficiency.perAccount.map((a) => ({ venue: a.venue, accountLabel: labels.get(a.accountId)!.label, amount: required(usd(a.idleUsd), `${labels.get(a.accountId)!.label} idle collateral`) })),
      rebalancing: efficiency.rebalancing.map((s) => ({
        fromVenue: labels.get(s.fromAccountId)!.venue,
        toVenue: labels.get(s.toAccountId)!.venue,
        asset: s.asset,
        amount: required(usd(s.amountUsd), 'rebalancing amount'),
        reason: s.reason,
        effect: s.effect.map((e) => ({ accountLabel: labels.get(e.accountId)!.label, factor: e.factor, before: e.before === null ? null : usd(e.before), after: e.after === null ? null : usd(e.after) })),
      })),
    },
    liquidationDistances: venues.flatMap((v) => v.liquidationPrices.map((l) => ({ accountLabel: v.label, venue: v.venue, factor: l.factor, move: l.move, price: l.price }))),
  }
}

/**
 * When the prices the report rests on were true: the oldest among the factors the book holds (a venue's mark where it
 * won over the daily close, else the close), so a stale price shows in the report's time; the valuation time for a
 * book of USD alone.
 */
function pricesAsOf(ctx: RiskContext): Date {
  const factors = new Set(ctx.accounts.flatMap((a) => [...a.balances.map((b) => b.asset), ...a.positions.map((p) => p.instrument.underlying)]))
  const times = [...factors].map((f) => ctx.priceTimes[f]).filter((t): t is number => t !== undefined)
  return new Date(times.length > 0 ? Math.min(...times) : ctx.market.asOfMs)
}

/**
 * Each account's holding in a factor the daily history does not cover, with how the historical scenarios moved it
 * instead: listed, so a margin that rests on a stand-in says so.
 */
function proxiedHoldings(proxied: UnifiedMarginResult['proxiedFactors'], exposures: FactorExposure[], labels: Map<string, RiskAccount>) {
  return proxied.flatMap(({ factor, movedLike }) =>
    (exposures.find((e) => e.factor === factor)?.byAccount ?? [])
      .filter((row) => row.units !== 0)
      .map((row) => ({
        accountLabel: labels.get(row.accountId)?.label ?? row.accountId,
        venue: row.venue,
        factor,
        units: required(units(row.units), `${factor} held`),
        movedLike,
        reason: movedLike
          ? `no daily history of ${factor}: the historical scenarios move it like ${movedLike}`
          : `no daily history of ${factor}: the historical scenarios hold it flat`,
      })),
  )
}

/** Backtest of the unified VaR for today's net exposures over the stored history. */
export function backtestView(ctx: RiskContext) {
  const weights: Record<string, number> = {}
  for (const e of computeExposures(ctx.accounts, ctx.market)) if (ctx.history.factors.includes(e.factor) && e.netUsd !== 0) weights[e.factor] = e.netUsd
  if (Object.keys(weights).length === 0) return null
  const start = ctx.history.dates[Math.min(ctx.history.dates.length - 1, 400)]!
  const end = ctx.history.dates.findLast((d) => d <= ctx.asOfDate) ?? ctx.history.dates[ctx.history.dates.length - 1]!
  const r = runVarBacktest(ctx.history, { name: 'portfolio', weights }, { kind: 'fhs-book', lambda: DEFAULT_FHS_PARAMS.lambda }, { start: start > '2019-01-01' ? start : '2019-01-01', end, scenarioStart: '2018-01-01', confidence: 0.99, minHistoryDays: 365 })
  return { days: r.days, exceptions: r.exceptions, exceptionRate: r.rate, kupiecPValue: r.kupiec.pValue, christoffersenPValue: r.christoffersen.pIndependence, worstWindowExceptions: r.worstWindow.exceptions, trafficLight: r.worstWindow.zone }
}

/** A stored portfolio's unified book (margin calls watch its coverage); null when it holds nothing to margin. */
export async function portfolioUnifiedBook(sources: PortfolioSources, portfolioId: string): Promise<{ equity: number; initialMargin: number } | null> {
  const ctx = await portfolioRiskContext(sources, portfolioId)
  return ctx ? unifiedBook(ctx) : null
}
