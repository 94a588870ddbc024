// The unified initial margin: what one clearing house holding every account's positions as one book would ask.
// IM = max(ES 97.5 %, grid stress) + liquidity add-on + concentration add-on, floored against procyclicality.
// Every part is reported; see docs/methodology.md §4.
import { DataUnavailable, InvalidInput } from '../core/errors.js'
import { expectedShortfall, valueAtRisk } from './measures.js'
import { prepareBook, revaluePrepared } from './revaluation.js'
import { DEFAULT_FHS_PARAMS, filterBookPnl, historicalScenarios, type FhsParams } from './scenarios/fhs.js'
import { historyReturns } from './scenarios/returns.js'
import { ewmaVolatility } from './scenarios/ewma.js'
import { correlationBreaks, crashReplays, DEFAULT_CRASH_EVENTS, evaluateStress, priceVolGrid } from './stress/index.js'
import type { MarketState, PriceHistory, RiskAccount, ScenarioSet } from './types.js'

export interface UnifiedMarginParams {
  fhs: FhsParams
  /** Anti-procyclicality: 'lookback' floors ES at the ES of the unfiltered full look-back (EMIR RTS 153/2013
   * art. 28(1)(c), 10 years where the data has them); 'none' disables it. */
  floor: 'lookback' | 'none'
  /** Average daily traded value in USD per factor, for the liquidity and concentration add-ons. */
  averageDailyVolumeUsd: Record<string, number>
  /** Square-root impact coefficient Y (Tóth et al. 2011 measure Y ≈ 1 across markets). */
  impactCoefficient: number
  /** Net exposure above this share of daily volume pays a concentration add-on. */
  concentrationThreshold: number
  /** Open interest in USD per factor: a net exposure above `openInterestThreshold` of it pays too. */
  openInterestUsd: Record<string, number>
  openInterestThreshold: number
}

export const DEFAULT_UNIFIED_PARAMS: UnifiedMarginParams = {
  fhs: DEFAULT_FHS_PARAMS,
  floor: 'lookback',
  averageDailyVolumeUsd: {},
  impactCoefficient: 1,
  concentrationThreshold: 0.1,
  openInterestUsd: {},
  openInterestThreshold: 0.05,
}

export interface MarginComponent {
  name: string
  value: number
  detail: string
}

export interface StressScenarioResult {
  name: string
  kind: 'grid' | 'crash' | 'correlation-break'
  bookPnl: number
  perAccount: { accountId: string; pnl: number }[]
}

export interface UnifiedMarginResult {
  asOf: string
  initialMargin: number
  var99: number
  es975: number
  stress: number
  liquidityAddOn: number
  concentrationAddOn: number
  floor: number
  floorApplied: boolean
  scenarioCount: number
  components: MarginComponent[]
  stressScenarios: StressScenarioResult[]
  /** Worst filtered historical days for the book, worst first. */
  worstScenarios: { label: string; pnl: number }[]
  /** Factors the history lacks, moved like BTC in the scenarios (movedLike null: held flat, as a spread is). */
  proxiedFactors: { factor: string; movedLike: string | null }[]
}

function bookFactors(accounts: RiskAccount[]): string[] {
  const set = new Set<string>()
  for (const a of accounts) {
    for (const b of a.balances) {
      if (b.asset !== 'USD') set.add(b.asset)
      if (b.basisFactor) set.add(b.basisFactor)
    }
    for (const p of a.positions) set.add(p.instrument.underlying)
  }
  return [...set].sort()
}

/** Historical scenarios restricted to the book's factors; factors without history follow BTC (flagged). */
function bookScenarios(history: PriceHistory, asOfDate: string, factors: string[], fhs: FhsParams): { set: ScenarioSet; proxied: UnifiedMarginResult['proxiedFactors'] } {
  const all = historicalScenarios(history, asOfDate, fhs)
  const btc = all.factors.indexOf('BTC')
  const proxied: UnifiedMarginResult['proxiedFactors'] = []
  const logReturns = new Float64Array(all.count * factors.length)
  factors.forEach((factor, f) => {
    let source = all.factors.indexOf(factor)
    if (source < 0) {
      source = factor.includes('-') ? -1 : btc
      proxied.push({ factor, movedLike: source < 0 ? null : 'BTC' })
    }
    for (let s = 0; s < all.count; s++) logReturns[s * factors.length + f] = source < 0 ? 0 : all.logReturns[s * all.factors.length + source]!
  })
  return { set: { factors, count: all.count, logReturns, volShifts: null, labels: all.labels }, proxied }
}

export function computeUnifiedMargin(input: { accounts: RiskAccount[]; market: MarketState; history: PriceHistory; asOfDate: string; params?: Partial<UnifiedMarginParams> }): UnifiedMarginResult {
  const params = { ...DEFAULT_UNIFIED_PARAMS, ...input.params }
  if (input.history.dates.length === 0) throw new DataUnavailable('the price history is empty', { at: 'history' })
  const factors = bookFactors(input.accounts)
  if (factors.length === 0) throw new InvalidInput('accounts', 'hold no position or non-USD balance to margin')
  const { set, proxied } = bookScenarios(input.history, input.asOfDate, factors, params.fhs)
  const book = prepareBook(input.accounts, input.market, factors)

  const raw = revaluePrepared(book, set).book
  const filtered = filterBookPnl(raw, set.labels, params.fhs.lambda)
  const var99 = Math.max(0, valueAtRisk(filtered.pnl, 0.99))
  const es975 = Math.max(0, expectedShortfall(filtered.pnl, 0.975))

  const finiteRaw = raw.filter((x) => Number.isFinite(x))
  const floor = params.floor === 'lookback' ? Math.max(0, expectedShortfall(finiteRaw, 0.975)) : 0

  // Stress: the Deribit-shaped grid sets the stress component of IM; crash replays and correlation breaks are
  // reported beside it (a clearing house sizes its default fund, not each member's IM, on those).
  const grid = priceVolGrid(factors.filter((f) => !f.includes('-')), { factors, jointDowns: [] })
  const crashes = crashReplays(input.history, DEFAULT_CRASH_EVENTS, { factors })
  const breaks = correlationBreaks(factors)
  const evaluated = evaluateStress(input.accounts, input.market, { grid, crash: crashes, 'correlation-break': breaks })
  let stress = 0
  for (const scenario of evaluated.scenarios) if (scenario.kind === 'grid' && Number.isFinite(scenario.bookPnl)) stress = Math.max(stress, -scenario.bookPnl)

  // Liquidity: unwinding each net exposure X costs Y·σ_daily·|X|·√(|X|/ADV) (square-root impact law).
  const returns = historyReturns(input.history)
  let liquidityAddOn = 0
  let concentrationAddOn = 0
  const liquidityDetail: string[] = []
  factors.forEach((factor, f) => {
    let net = 0
    for (let a = 0; a < book.accountIds.length; a++) net += book.deltaUsd[a * factors.length + f]!
    const adv = params.averageDailyVolumeUsd[factor]
    const oi = params.openInterestUsd[factor]
    const i = input.history.factors.indexOf(factor)
    if ((!adv && !oi) || i < 0 || net === 0) return
    const vol = ewmaVolatility(returns[i]!, params.fhs.lambda)
    const end = input.history.dates.findIndex((d) => d >= input.asOfDate)
    const sigma = vol[end < 0 ? vol.length - 1 : end]!
    // Against open interest: a position that is a large share of the market cannot be closed at the mark.
    if (oi) {
      const oiShare = Math.abs(net) / oi
      if (oiShare > params.openInterestThreshold) concentrationAddOn += (oiShare - params.openInterestThreshold) * Math.abs(net) * sigma
    }
    if (!adv) return
    const cost = params.impactCoefficient * sigma * Math.abs(net) * Math.sqrt(Math.abs(net) / adv)
    liquidityAddOn += cost
    liquidityDetail.push(`${factor} ${cost.toFixed(2)}`)
    const share = Math.abs(net) / adv
    if (share > params.concentrationThreshold) concentrationAddOn += (share - params.concentrationThreshold) * Math.abs(net) * sigma
  })

  const core = Math.max(es975, stress)
  const floored = Math.max(core, floor)
  const initialMargin = floored + liquidityAddOn + concentrationAddOn
  const order = Array.from(filtered.pnl.keys()).sort((a, b) => filtered.pnl[a]! - filtered.pnl[b]!)
  return {
    asOf: input.asOfDate,
    initialMargin,
    var99,
    es975,
    stress,
    liquidityAddOn,
    concentrationAddOn,
    floor,
    floorApplied: floor > core,
    scenarioCount: filtered.pnl.length,
    components: [
      { name: 'es975', value: es975, detail: `ES 97.5 % of ${filtered.pnl.length} filtered historical days (λ ${params.fhs.lambda})` },
      { name: 'var99', value: var99, detail: 'VaR 99 %, reported beside ES' },
      { name: 'stress', value: stress, detail: `worst of ${grid.count} price × vol grid scenarios (Deribit's shape)` },
      { name: 'floor', value: floor, detail: params.floor === 'lookback' ? 'ES 97.5 % over the unfiltered full look-back (anti-procyclicality)' : 'disabled' },
      { name: 'liquidityAddOn', value: liquidityAddOn, detail: liquidityDetail.length ? liquidityDetail.join(', ') : 'no daily volume given: no liquidity add-on' },
      { name: 'concentrationAddOn', value: concentrationAddOn, detail: `net exposure above ${params.concentrationThreshold * 100} % of daily volume or ${params.openInterestThreshold * 100} % of open interest` },
    ],
    stressScenarios: evaluated.scenarios.map((scenario) => ({ name: scenario.label, kind: scenario.kind as StressScenarioResult['kind'], bookPnl: scenario.bookPnl, perAccount: scenario.perAccount })),
    worstScenarios: order.slice(0, 5).map((s) => ({ label: filtered.labels[s]!, pnl: filtered.pnl[s]! })),
    proxiedFactors: proxied,
  }
}
