// Runs stress scenario sets through full revaluation: USD P&L per scenario for every account and for the book,
// the worst scenario named for each. Sets are widened to every factor the book needs (a factor a set does not
// move stays at today's price, and is reported), so a BTC/ETH grid can stress a book that also holds SOL.
import { InvalidInput } from '../../core/errors.js'
import { revaluePortfolio } from '../revaluation.js'
import type { MarketState, RiskAccount, ScenarioSet } from '../types.js'

export interface StressScenarioResult {
  /** The set's name in the input (`grid`, `crash`, `correlation-break`, ...). */
  kind: string
  label: string
  bookPnl: number
  perAccount: { accountId: string; pnl: number }[]
}

export interface StressWorst {
  kind: string
  label: string
  pnl: number
}

export interface StressResult {
  scenarios: StressScenarioResult[]
  /** The scenario with the lowest book P&L (null when every P&L is NaN). */
  worstForBook: StressWorst | null
  worstPerAccount: { accountId: string; worst: StressWorst | null }[]
  /** Per set, factors the book needs that the set does not move (held at today's price). */
  unmovedFactors: Record<string, string[]>
}

/** Factors full revaluation needs for these accounts (USD cash only when a set moves USD). */
function neededFactors(accounts: RiskAccount[]): string[] {
  const out = new Set<string>()
  for (const a of accounts) {
    for (const p of a.positions) out.add(p.instrument.underlying)
    for (const b of a.balances) if (b.asset !== 'USD') out.add(b.asset)
  }
  return [...out]
}

/** The set with extra factors that do not move (log return 0), in the set's order then the extras'. */
export function widenScenarioSet(set: ScenarioSet, factors: string[]): ScenarioSet {
  const extra = factors.filter((f) => !set.factors.includes(f))
  if (extra.length === 0) return set
  const F0 = set.factors.length
  const F = F0 + extra.length
  const logReturns = new Float64Array(set.count * F)
  for (let s = 0; s < set.count; s++) logReturns.set(set.logReturns.subarray(s * F0, (s + 1) * F0), s * F)
  return { ...set, factors: [...set.factors, ...extra], logReturns }
}

export function evaluateStress(accounts: RiskAccount[], market: MarketState, scenarioSets: Record<string, ScenarioSet>): StressResult {
  if (accounts.length === 0) throw new InvalidInput('accounts', 'needs at least one account')
  const kinds = Object.keys(scenarioSets)
  if (kinds.length === 0) throw new InvalidInput('scenarioSets', 'needs at least one scenario set')
  const needed = neededFactors(accounts)
  const scenarios: StressScenarioResult[] = []
  const unmovedFactors: Record<string, string[]> = {}
  for (const kind of kinds) {
    const set = scenarioSets[kind]!
    if (set.logReturns.length !== set.count * set.factors.length) throw new InvalidInput(`scenarioSets.${kind}.logReturns`, `has ${set.logReturns.length} values for ${set.count} × ${set.factors.length}`)
    if (set.labels.length !== set.count) throw new InvalidInput(`scenarioSets.${kind}.labels`, `has ${set.labels.length} labels for ${set.count} scenarios`)
    unmovedFactors[kind] = needed.filter((f) => !set.factors.includes(f))
    const { book, perAccount } = revaluePortfolio(accounts, market, widenScenarioSet(set, needed))
    for (let s = 0; s < set.count; s++) {
      scenarios.push({ kind, label: set.labels[s]!, bookPnl: book[s]!, perAccount: accounts.map((a) => ({ accountId: a.id, pnl: perAccount.get(a.id)![s]! })) })
    }
  }
  const worstOf = (pnl: (r: StressScenarioResult) => number): StressWorst | null => {
    let worst: StressWorst | null = null
    for (const r of scenarios) {
      const x = pnl(r)
      if (!Number.isNaN(x) && (worst === null || x < worst.pnl)) worst = { kind: r.kind, label: r.label, pnl: x }
    }
    return worst
  }
  return {
    scenarios,
    worstForBook: worstOf((r) => r.bookPnl),
    worstPerAccount: accounts.map((a, i) => ({ accountId: a.id, worst: worstOf((r) => r.perAccount[i]!.pnl) })),
    unmovedFactors,
  }
}
